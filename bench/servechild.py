"""``python -m bench.servechild DB MAX_ENTRIES``: our web app over the store in ``DB`` on
127.0.0.1:0 (uvicorn, one process, as ``syndicator run`` serves), in a process of its own
so the load generator's CPU is not ours. Prints ``{"url": …}``; stops when stdin closes."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading

import uvicorn

from syndicator import eventloop
from syndicator.store import open_store
from syndicator.web import create_app
from tests.publish.samples import make_config

__all__ = ["main"]


async def _serve(db: str, max_entries: int) -> None:
    store = open_store(f"sqlite:///{db}")
    app = create_app(make_config(max_entries=max_entries), store)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,  # as the worker serves
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # it failed to start: say why
        await asyncio.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    print(json.dumps({"url": f"http://{host}:{port}"}), flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stdin_closed.set)),
        daemon=True,
    ).start()
    await stdin_closed.wait()
    server.should_exit = True
    await task
    store.close()


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    eventloop.run(_serve(sys.argv[1], int(sys.argv[2])))  # as `syndicator run` serves
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
