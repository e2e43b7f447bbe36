"""The long-running commands run on uvloop where it is installed (it is, on Linux)."""

from __future__ import annotations

import asyncio

from syndicator import eventloop


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_commands_run_on_uvloop() -> None:
    assert eventloop.run(_loop_module()).startswith("uvloop")


def test_the_coroutine_result_is_returned() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert eventloop.run(answer()) == 42
