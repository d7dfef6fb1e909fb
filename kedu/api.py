"""The high-level Python API: export one document, or many in parallel."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, as_completed
from pathlib import Path

from kedu.exporters import ExportOptions, get_exporter
from kedu.jobs import ExportJob, JobResult, run_job
from kedu.models.localized import LocalizedArticle
from kedu.write import write_atomic

__all__ = ["export", "export_many"]


def export(
    doc: LocalizedArticle,
    format: str,
    options: ExportOptions | None = None,
    *,
    source: LocalizedArticle | None = None,
) -> bytes:
    """Render a localized article (see :func:`kedu.localize`) in ``format``.

    With ``source`` — the same article localized to its source language
    (``kedu.localize(article, article.language)``) — the handout is bilingual:
    the source beside ``doc`` (PDF, Word and HTML).
    """
    for name, value in (("doc", doc), ("source", source)):
        if value is not None and not isinstance(value, LocalizedArticle):
            raise TypeError(
                f"export() takes a LocalizedArticle as {name}, not {type(value).__name__}; "
                "call kedu.localize(article, locale) first"
            )
    exporter = get_exporter(format)
    if source is not None:
        return exporter.export_bilingual(doc, source, options or ExportOptions())
    return exporter.export(doc, options or ExportOptions())


def export_many(
    jobs: Iterable[ExportJob],
    executor: Executor | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run export jobs, on ``executor`` when given (any ``concurrent.futures.Executor``:
    a ``ProcessPoolExecutor``, or a Dask client's ``client.get_executor()``).

    With ``out_dir``, each successful document is written there atomically as soon
    as it is ready (temporary file, then rename), so an interrupted batch leaves
    only complete files.  Results come back in the order of ``jobs``; one failed
    job never stops the others.
    """
    job_list = list(jobs)
    results: list[JobResult | None] = [None] * len(job_list)
    for index, result in _results(job_list, executor):
        if out_dir is not None and result.ok:
            result = _write(result, Path(out_dir))
        results[index] = result
        if on_result is not None:
            on_result(result)
    return [r for r in results if r is not None]


# Rough relative cost of one document, so the slowest start first and no worker
# sits idle at the end of a batch waiting for one long job.
_FORMAT_COST = {"pdf": 3.0, "docx": 2.0, "json": 0.2}
_SCRIPT_COST = {"zh": 1.5, "ja": 1.5, "ko": 1.5, "ar": 1.4}


def _cost(job: ExportJob) -> float:
    cost = _FORMAT_COST.get(job.format, 2.0) * _SCRIPT_COST.get(job.locale.split("_")[0], 1.0)
    return cost * (2.0 if job.bilingual else 1.0) * (1.5 if job.options.large_print else 1.0)


def _results(jobs: list[ExportJob], executor: Executor | None) -> Iterator[tuple[int, JobResult]]:
    if executor is None:
        for index, job in enumerate(jobs):
            yield index, run_job(job)
        return
    order = sorted(range(len(jobs)), key=lambda i: -_cost(jobs[i]))
    futures = {executor.submit(run_job, jobs[index]): index for index in order}
    try:
        for future in as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except Exception as exc:
                yield (
                    index,
                    JobResult(job=jobs[index], error=f"worker failed: {type(exc).__name__}: {exc}"),
                )
    finally:
        for future in futures:
            future.cancel()


def _write(result: JobResult, out_dir: Path) -> JobResult:
    from kedu.errors import OutputError

    assert result.filename is not None and result.data is not None
    target = out_dir / result.filename
    try:
        write_atomic(target, result.data)
    except OSError as exc:
        error = str(OutputError(f"cannot write: {exc.strerror or exc}", path=target))
        return result.model_copy(update={"error": error, "data": None})
    return result
