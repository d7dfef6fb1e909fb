"""``kedu export``: every handout staff need, in one command."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from kedu import interrupts
from kedu.cli.common import (
    article_arg,
    load_articles,
    locales_option,
    resume_collector,
    state,
    warn_gaps,
)
from kedu.errors import OutputError, UsageError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from kedu.jobs import ExportJob, JobResult
    from kedu.models.article import Article


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def parse_formats(value: str) -> list[str]:
    from kedu.exporters import available_formats, get_exporter

    names = available_formats() if value.strip().lower() == "all" else _split((value.lower(),))
    if not names:
        raise UsageError("--format is empty; give e.g. pdf,docx,json or all")
    for name in names:
        get_exporter(name)  # raises UnknownFormatError listing the formats
    return list(dict.fromkeys(names))


@click.command("export")
@article_arg
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="L",
    help="Target locale; repeat or separate with commas (default: source language).",
)
@click.option("--all-langs", is_flag=True, help="The source language and every translated one.")
@click.option(
    "--format",
    "format_",
    default="pdf",
    show_default=True,
    metavar="F,…|all",
    help="Formats: pdf, docx, html, json (comma-separated) or all.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: config output_dir, else out/).",
)
@click.option(
    "--paper",
    type=click.Choice(["letter", "a4"]),
    help="Paper size (default: config, else letter).",
)
@click.option("--large-print", is_flag=True, help="Large print (16 pt body) for low vision.")
@click.option("--bilingual", is_flag=True, help="Source language beside the translation.")
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Print missing translations in the source language instead of failing.",
)
@click.option("--require-reviewed", is_flag=True, help="Refuse unreviewed (draft) translations.")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel processes (default: CPU count).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--report", type=click.Choice(["json"]), help="Print a machine-readable report.")
@locales_option
def export_command(
    articles: tuple[Path, ...],
    langs: tuple[str, ...],
    all_langs: bool,
    format_: str,
    out_dir: Path | None,
    paper: str | None,
    large_print: bool,
    bilingual: bool,
    allow_partial: bool,
    require_reviewed: bool,
    jobs: int | None,
    quiet: bool,
    report: str | None,
    locales_dir: Path | None,
) -> int:
    """Export each ARTICLE to DIR/<id>.<lang>.<ext>."""
    from kedu.api import plan_exports
    from kedu.exporters import ExportOptions, Paper

    config = state().config
    if all_langs and langs:
        raise UsageError("use either --lang or --all-langs, not both")
    formats = parse_formats(format_)
    if bilingual:
        formats = _bilingual_formats(formats, everything=format_.strip() == "all")
    loaded = load_articles(articles)
    _check_unique_ids(loaded)
    if not quiet:
        warn_gaps(loaded)
    catalogs = locales_dir or config.locales_dir
    if catalogs is not None and not catalogs.is_dir():
        raise UsageError(f"locales folder not found: {catalogs}")
    if config.logo is not None and not config.logo.is_file():
        raise UsageError(f"logo file not found: {config.logo} (set in {config.source})")
    options = ExportOptions(
        paper=cast(Paper, paper) if paper else config.paper,  # click.Choice checked it
        large_print=large_print,
        logo=config.logo,
    )
    batch = plan_exports(
        loaded,
        formats,
        locales="all" if all_langs else _split(langs),
        options=options,
        catalogs=catalogs,
        bilingual=bilingual,
        allow_partial=allow_partial,
        require_reviewed=require_reviewed,
    )
    target = _prepare_out_dir(out_dir or config.output_dir)
    # kedu, the exporters and their libraries are imported: collect from here on,
    # leaving what the imports made out of it (see kedu.cli.common).
    resume_collector(freeze=True)
    started = time.perf_counter()
    results = _run(batch, target, jobs or os.cpu_count() or 1, quiet or report is not None)
    elapsed = time.perf_counter() - started
    failures = [r for r in results if not r.ok]
    if report == "json":
        click.echo(json.dumps(_report(results, target, elapsed), indent=2, ensure_ascii=False))
    elif not quiet:
        _summary(results, target, elapsed)
    for result in failures:
        click.echo(f"kedu: failed: {result.job.label}: {result.error}", err=True)
        if state().debug and result.detail:
            click.echo(result.detail, err=True)
    return 1 if failures else 0


def _check_unique_ids(loaded: list[tuple[Article, Path]]) -> None:
    """Two articles with one id would write the same files over each other."""
    seen: dict[str, Path] = {}
    for article, path in loaded:
        if article.id in seen and seen[article.id].resolve() != path.resolve():
            raise UsageError(
                f"{seen[article.id]} and {path} both have the id {article.id!r}; "
                "their handouts would overwrite each other"
            )
        seen[article.id] = path


def _bilingual_formats(formats: list[str], *, everything: bool) -> list[str]:
    """The requested formats that have a bilingual layout (``all`` means those only)."""
    from kedu.exporters import available_formats, get_exporter

    able = [name for name in formats if get_exporter(name).supports_bilingual]
    unable = [name for name in formats if name not in able]
    if unable and not everything:
        bilingual = [n for n in available_formats() if get_exporter(n).supports_bilingual]
        raise UsageError(
            f"--bilingual works with {', '.join(bilingual)}, not with {', '.join(unable)}"
        )
    return able


def _prepare_out_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", path=path) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError("the output folder is not writable", path=path)
    return path


def _run(batch: list[ExportJob], out_dir: Path, jobs: int, quiet: bool) -> list[JobResult]:
    workers = min(jobs, len(batch))
    interactive = sys.stderr.isatty() and not quiet and len(batch) > 1

    def plain_line(result: JobResult) -> None:
        if quiet:
            return
        if result.ok:
            size = _size(len(result.data or b""))
            click.echo(f"wrote {out_dir / str(result.filename)} ({size}, {result.seconds:.2f} s)")
        else:
            click.echo(f"failed {result.job.label} (reason below)")

    if not interactive:
        return _execute(batch, out_dir, workers, plain_line)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task("Exporting", total=len(batch))

        def advance(result: JobResult) -> None:
            progress.update(task, advance=1, description=result.job.label)

        return _execute(batch, out_dir, workers, advance)


def _execute(
    batch: list[ExportJob], out_dir: Path, workers: int, on_result: Callable[[JobResult], None]
) -> list[JobResult]:
    from kedu.api import export_many

    if workers <= 1:
        return export_many(batch, out_dir=out_dir, on_result=on_result)
    # Only a batch pays for importing multiprocessing (30 ms).
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=interrupts.worker_init, initargs=(os.getpid(),)
    )
    try:
        with interrupts.held_back():
            # The workers are forked now, with Ctrl-C and SIGTERM held back (a
            # signal in the middle of fork reaches Python code that cannot unwind).
            pool.submit(int)
        results = export_many(batch, pool, out_dir=out_dir, on_result=on_result)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


def _stop(pool: ProcessPoolExecutor, grace: float = 1.0) -> None:
    """Stop an interrupted pool at once: waiting for workers as ``shutdown(wait=True)``
    does can hang for good when one was stopped holding a queue lock."""
    # The pool has no public way to end running work; _processes has been its
    # worker table since Python 3.2.
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()  # SIGTERM: the worker unwinds and removes its temporary files
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def _status(result: JobResult) -> str:
    if not result.ok:
        return "FAILED"
    notes = []
    if result.draft:
        notes.append("draft translation")
    if result.fallbacks:
        notes.append(f"{result.fallbacks} in source language")
    return "ok" + (f" ({'; '.join(notes)})" if notes else "")


def _report(results: list[JobResult], out_dir: Path, elapsed: float) -> dict[str, object]:
    return {
        "ok": all(r.ok for r in results),
        "seconds": round(elapsed, 3),
        "files": [
            {
                "article": r.job.article.id,
                "locale": r.job.locale,
                "format": r.job.format,
                "path": str(out_dir / r.filename) if r.ok and r.filename else None,
                "bytes": len(r.data or b"") if r.ok else None,
                "seconds": round(r.seconds, 3),
                "draft": r.draft,
                "fallbacks": r.fallbacks,
                "error": r.error,
            }
            for r in results
        ],
        "readability": _readability(results),
    }


def _readability(results: list[JobResult]) -> list[dict[str, object]]:
    """Reading-level figures for each (article, locale) of the batch."""
    from kedu.errors import KeduError
    from kedu.localization import localize
    from kedu.localization.readability import readability

    figures: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for r in results:
        job = r.job
        key = (job.article.id, job.locale)
        if key in seen:
            continue
        seen.add(key)
        try:
            doc = localize(
                job.article,
                job.locale,
                catalogs=job.catalogs,
                base_dir=job.base_dir,
                allow_partial=True,
            )
        except KeduError:
            continue  # the job's own failure already says why
        figures.append(
            {"article": job.article.id, **readability(doc.article, doc.locale).as_dict()}
        )
    return figures


def _summary(results: list[JobResult], out_dir: Path, elapsed: float) -> None:
    written = sum(1 for r in results if r.ok)
    failed = len(results) - written
    if len(results) == 1:
        # One document needs no table, and so not rich's import (40 ms).
        r = results[0]
        click.echo(f"{r.filename or r.job.label}: {_status(r)}")
        click.echo(f"{written} written, {failed} failed in {elapsed:.1f} s")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"kedu export → {out_dir}", title_justify="left")
    for column in ("file", "size", "time", "status"):
        table.add_column(column, justify="right" if column in ("size", "time") else "left")
    for r in results:
        name = r.filename or r.job.label
        status = _status(r)
        table.add_row(
            name, _size(len(r.data or b"")) if r.ok else "-", f"{r.seconds:.2f} s", status
        )
    # Logs and pipes get full lines rather than a table folded at 80 columns.
    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)
    console.print(table)
    console.print(f"{written} written, {failed} failed in {elapsed:.1f} s")
