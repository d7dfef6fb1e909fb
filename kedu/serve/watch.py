"""Follow the project's files with watchfiles (inotify and friends, not hand-made polling).

Each change bumps :attr:`Project.generation` and wakes the pages that follow it
(the translators' preview reloads itself).  The catalogs and article folders are
watched with their subfolders; the project folder itself only at its top level
(``kedu.toml``, articles kept there), so a virtual environment or ``node_modules``
beside the articles costs nothing.  When the set of folders changes (an article
moved), the watchers are started again on the new set.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from kedu.serve.project import Project

__all__ = ["follow"]

_DEBOUNCE_MS = 100


async def follow(project: Project, changed: asyncio.Event) -> None:
    """Run until cancelled."""
    from watchfiles import awatch

    project.watching = True
    try:
        while True:
            deep, shallow = await asyncio.to_thread(project.watch_paths)
            stop = asyncio.Event()
            queue: asyncio.Queue[int] = asyncio.Queue()

            async def run(
                paths: list[Path],
                recursive: bool,
                stop: asyncio.Event = stop,
                queue: asyncio.Queue[int] = queue,
            ) -> None:
                if not paths:
                    return
                try:
                    async for _changes in awatch(
                        *paths, recursive=recursive, debounce=_DEBOUNCE_MS, stop_event=stop
                    ):
                        queue.put_nowait(1)
                except Exception:
                    # No file events here (e.g. out of inotify watches): the project
                    # then rescans on every request instead of on events.
                    project.watching = False

            tasks = [
                asyncio.create_task(run(deep, True)),
                asyncio.create_task(run(shallow, False)),
            ]
            try:
                while True:
                    await queue.get()
                    project.changed()
                    changed.set()
                    changed.clear()  # wake everyone waiting now; later waits block again
                    if await asyncio.to_thread(project.watch_paths) != (deep, shallow):
                        break
            finally:
                stop.set()
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
    finally:
        project.watching = False
