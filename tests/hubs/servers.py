"""Apps on real uvicorn sockets at a port chosen beforehand (a hub and a subscriber must
know their own public address before they start, as in production)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette

__all__ = ["free_port", "serve_at"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serve_at(app: Starlette, port: int) -> AsyncIterator[str]:
    """Run ``app`` on 127.0.0.1:``port`` in this event loop; its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                            lifespan="off", ws="none", http="h11")  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task
