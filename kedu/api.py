"""The high-level Python API: export one document, or plan and run many."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, as_completed
from pathlib import Path
from typing import Literal

from kedu.errors import LocaleError, UsageError
from kedu.exporters import ExportOptions, get_exporter
from kedu.jobs import ExportJob, JobResult, run_group
from kedu.models.article import Article
from kedu.models.localized import LocalizedArticle
from kedu.write import write_atomic

__all__ = ["export", "export_many", "plan_exports"]

ArticleSource = Article | str | os.PathLike[str] | tuple[Article, str | os.PathLike[str]]


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


def plan_exports(
    articles: ArticleSource | Iterable[ArticleSource],
    formats: str | Iterable[str] = "pdf",
    *,
    locales: Literal["all"] | str | Iterable[str] | None = None,
    options: ExportOptions | None = None,
    catalogs: str | Path | None = None,
    base_dir: str | Path | None = None,
    bilingual: bool = False,
    allow_partial: bool = False,
    require_reviewed: bool = False,
    portable: bool = False,
) -> list[ExportJob]:
    """The jobs of a batch, planned as ``kedu export`` plans them.

    ``articles`` are :class:`~kedu.Article` objects (images relative to
    ``base_dir``), article files (loaded, images checked), or ``(article,
    file)`` pairs.  ``locales``: ``"all"`` for the source language and every
    locale with a catalog (``--all-langs``), names negotiated against the
    catalogs (``es_MX`` → ``es``, each catalog once), or None for the source
    language.  With ``bilingual`` the source language itself is skipped (under
    ``"all"``) or refused.  ``formats``: names, a comma-separated string or
    ``"all"``.

    ``portable=True`` localizes here and packs each job with its localized
    article and image bytes (:meth:`ExportJob.portable`), for workers that see
    neither the catalogs nor the article's folder (a Dask cluster).
    """
    from kedu.load import check_references, load_article
    from kedu.localization import available_locales
    from kedu.localization.locales import negotiate, normalize

    names = _formats(formats)
    options = options or ExportOptions()
    store = Path(catalogs) if catalogs is not None else None
    every = locales == "all"
    if isinstance(locales, str) and not every:
        locales = [x for x in locales.split(",") if x.strip()]
    jobs: list[ExportJob] = []
    for item in _as_list(articles):
        path: Path | None = None
        if isinstance(item, tuple):
            article, path = item[0], Path(item[1])
        elif isinstance(item, Article):
            article = item
        else:
            path = Path(item)
            article = load_article(path)
            check_references(article, path)
        base = path.parent if path is not None else (Path(base_dir) if base_dir else None)
        where = f"{path}: " if path is not None else ""
        available = available_locales(article, store, base)
        wanted = (available if every else [normalize(x) for x in (locales or [])]) or [
            available[0]
        ]
        done: set[str] = set()
        for lang in wanted:
            chosen = negotiate(lang, available)
            if chosen is None:
                raise LocaleError(
                    f"{where}no translation of {article.id!r} into {lang!r}; "
                    f"available locales: {', '.join(available)}"
                )
            if bilingual and chosen == available[0]:
                if every:
                    continue
                raise UsageError(f"--bilingual needs a target language other than {chosen!r}")
            if chosen in done:
                continue  # es, es_MX and ES can all mean the same catalog
            done.add(chosen)
            group = [
                ExportJob(
                    article=article,
                    locale=chosen,
                    format=name,
                    options=options,
                    catalogs=store,
                    base_dir=base,
                    allow_partial=allow_partial,
                    require_reviewed=require_reviewed,
                    bilingual=bilingual,
                )
                for name in names
            ]
            if portable and group:
                # One localization for the group's formats: they share its objects.
                packed = group[0].portable()
                shared = {
                    "localized": packed.localized, "companion": packed.companion,
                    "files": packed.files, "problem": packed.problem, "locale": packed.locale,
                }  # fmt: skip
                group = [job.model_copy(update=shared) for job in group]
            jobs.extend(group)
    return jobs


def _as_list(articles: ArticleSource | Iterable[ArticleSource]) -> list[ArticleSource]:
    if isinstance(articles, (Article, str, os.PathLike, tuple)):
        return [articles]
    return list(articles)


def _formats(formats: str | Iterable[str]) -> list[str]:
    from kedu.exporters import available_formats

    if isinstance(formats, str):
        if formats.strip().lower() == "all":
            return available_formats()
        formats = formats.split(",")
    names = list(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    if not names:
        raise UsageError("no format given; give e.g. pdf,docx,json or all")
    for name in names:
        get_exporter(name)  # raises UnknownFormatError listing the formats
    return names


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


def _groups(jobs: Sequence[ExportJob], *, costliest_first: bool) -> list[list[int]]:
    """Job indexes by (article, language), so a worker localizes (and reads each
    catalog) once for all of a group's formats; in parallel, costliest first."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, job in enumerate(jobs):
        groups.setdefault(job.group, []).append(index)
    if not costliest_first:
        return list(groups.values())
    return sorted(groups.values(), key=lambda g: -sum(_cost(jobs[i]) for i in g))


def _results(jobs: list[ExportJob], executor: Executor | None) -> Iterator[tuple[int, JobResult]]:
    if executor is None:
        for group in _groups(jobs, costliest_first=False):
            for index, result in zip(group, run_group([jobs[i] for i in group]), strict=True):
                yield index, result.model_copy(update={"job": jobs[index]})
        return
    futures = {
        executor.submit(run_group, [jobs[i] for i in group]): group
        for group in _groups(jobs, costliest_first=True)
    }
    try:
        for future in as_completed(futures):
            group = futures[future]
            try:
                results = future.result()
            except Exception as exc:
                results = [
                    JobResult(job=jobs[i], error=f"worker failed: {type(exc).__name__}: {exc}")
                    for i in group
                ]
            for index, result in zip(group, results, strict=True):
                yield index, result.model_copy(update={"job": jobs[index]})
    finally:
        for future in futures:
            future.cancel()


def _write(result: JobResult, out_dir: Path) -> JobResult:
    from kedu.errors import OutputError

    assert result.filename is not None and result.data is not None
    target = out_dir / result.filename
    try:
        write_atomic(target, result.data)
    except OutputError as exc:  # one line naming the file
        return result.model_copy(update={"error": str(exc), "data": None})
    return result
