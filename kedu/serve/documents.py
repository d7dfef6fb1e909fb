"""Handouts made on demand, through the same job runner as ``kedu export``.

A document is identified by a SHA-256 of everything it is made from — the article
file, the config, the images, every catalog it reads, the options and kedu's
version — so it is made once, served from memory after, and made again as soon as
any of those files changes.  That hash is also the HTTP ``ETag``.

By default exports run one at a time in one worker thread: they are CPU-bound
(the GIL would not let two run at once anyway) and the PDF machinery keeps
process-wide font registries.  With ``workers`` > 1 they run in that many worker
processes instead (``kedu serve --jobs N``), started clean by a fork server rather
than forked from the threaded server.  Concurrent requests for the same document
wait for one export.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from kedu.exporters import ExportOptions, get_exporter
from kedu.jobs import ExportJob, JobResult, run_job

__all__ = ["DocumentCache", "Made"]


@dataclass(frozen=True)
class Made:
    """A finished document, or the one-line reason it could not be made."""

    key: str
    data: bytes | None
    filename: str | None
    media_type: str
    error: str | None = None
    seconds: float = 0.0


class DocumentCache:
    """Documents by input hash, least recently used dropped past ``max_bytes``."""

    def __init__(self, max_bytes: int = 256 * 1024 * 1024, workers: int = 1) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Made] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._pending: dict[str, asyncio.Future[Made]] = {}
        self._executor: Executor
        if workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        else:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kedu-export")
        self.made = 0  # exports actually run (for tests and the benchmark)

    def cached(self, key: str) -> Made | None:
        with self._lock:
            made = self._items.get(key)
            if made is not None:
                self._items.move_to_end(key)
            return made

    async def get(self, key: str, job: ExportJob) -> Made:
        """The document for ``key``, made from ``job`` if it is not cached yet."""
        made = self.cached(key)
        if made is not None:
            return made
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Made] = loop.create_future()
        self._pending[key] = future
        try:
            result = await loop.run_in_executor(self._executor, run_job, job)
            made = self._made(key, job, result)
            future.set_result(made)
            return made
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._pending.pop(key, None)

    def _made(self, key: str, job: ExportJob, result: JobResult) -> Made:
        media_type = get_exporter(job.format).media_type
        made = Made(
            key=key,
            data=result.data,
            filename=result.filename,
            media_type=media_type,
            error=result.error,
            seconds=result.seconds,
        )
        self._store(made)
        return made

    def _store(self, made: Made) -> None:
        size = len(made.data or b"") + 256
        with self._lock:
            self.made += 1
            if size > self.max_bytes:
                return
            old = self._items.pop(made.key, None)
            if old is not None:
                self._size -= len(old.data or b"") + 256
            self._items[made.key] = made
            self._size += size
            while self._size > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped.data or b"") + 256

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def options_key(options: ExportOptions, format: str, bilingual: bool, partial: bool) -> str:
    """The options part of a document's key."""
    return (
        f"format={format};paper={options.paper};large={options.large_print};"
        f"bilingual={bilingual};partial={partial};logo={options.logo}"
    )
