"""The delivery benchmark's receivers, in their own process so their CPU is not ours.

``python -m bench.sinkfarm PORTS`` listens on PORTS free ports of 127.0.0.1 (one asyncio
server each, one event loop), prints their numbers as one JSON line, then answers commands
on stdin, one JSON line each: ``delay SECONDS`` (how long every request waits before its
``200``), ``wait COUNT SECONDS`` (once COUNT requests came, or after SECONDS: the
``time.time()`` each arrived, sorted; then forgotten).
Keep-alive is honoured, so a client that reuses connections gains what it would gain from
real servers. ``SinkFarm`` is the parent's side.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from typing import Any

from bench.child import JsonChild

__all__ = ["SinkFarm"]

_REPLY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    b'{"status":"ok"}'
)


class _Farm:
    def __init__(self) -> None:
        self.delay = 0.05
        self.arrivals: list[float] = []
        self.arrived = asyncio.Event()
        self.wanted = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                self.arrivals.append(time.time())
                if len(self.arrivals) >= self.wanted:
                    self.arrived.set()
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(_REPLY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def command(self, line: str) -> Any:
        command, *args = line.split()
        if command == "delay":
            self.delay = float(args[0])
            return {"delay": self.delay}
        if command == "wait":
            self.wanted = int(args[0])
            self.arrived.clear()
            if len(self.arrivals) < self.wanted:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.arrived.wait(), float(args[1]))
            await asyncio.sleep(0.2)  # stragglers (duplicates) still count
            arrivals, self.arrivals = sorted(self.arrivals), []
            return arrivals
        return {"error": command}


async def _serve(count: int) -> None:
    farm = _Farm()
    servers = [await asyncio.start_server(farm.handle, "127.0.0.1", 0) for _ in range(count)]
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    print(json.dumps(ports), flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        print(json.dumps(await farm.command(line)), flush=True)
    for server in servers:
        server.close()


class SinkFarm(JsonChild):
    """Starts the farm in a subprocess; ``ports`` are its ports, ``ask`` sends a command."""

    def __init__(self, count: int) -> None:
        super().__init__("bench.sinkfarm", str(count))
        self.ports: list[int] = self.first

    def wait_for(self, count: int, within: float) -> list[float]:
        """Arrival times once ``count`` requests came (or ``within`` seconds passed)."""
        arrivals: list[float] = self.ask(f"wait {count} {within}")
        return arrivals


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1])))
