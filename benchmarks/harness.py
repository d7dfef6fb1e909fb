"""Timing, process and memory measurement, targets, and the results table.

Every measurement becomes a :class:`Row` (samples in base units: seconds,
bytes, or a plain ratio).  Rows that compare two measurements of the same run
carry a :class:`Target`; the table shows PASS or MISS for them, judged on the
median.  In-process timings interleave the contenders round-robin, so a noisy
neighbour slows all of them alike instead of just whichever ran last.
"""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from benchmarks.content import (
    Content,
    FontFiles,
    bare_python_docx,
    bare_reportlab_pdf,
    content_of,
    html_document,
    html_document_default_font,
    kedu_font_files,
    markdown_document,
    typst_document,
    weasyprint_pdf,
)
from kedu.models.localized import LocalizedArticle

__all__ = [
    "ProcessRun",
    "Row",
    "Target",
    "docx_in_process",
    "html_in_process",
    "pandoc_docx",
    "pdf_in_process",
    "ratio_row",
    "render_table",
    "run_process",
    "size_rows",
    "time_interleaved",
]

Kind = Literal["time", "size", "memory", "ratio", "count"]


@dataclass(frozen=True)
class Target:
    """A pass mark: the median must be ``<=`` or ``>=`` ``limit``."""

    op: Literal["<=", ">="]
    limit: float
    label: str

    def met(self, value: float) -> bool:
        return value <= self.limit if self.op == "<=" else value >= self.limit


@dataclass
class Row:
    """One line of the table: a measurement with its samples, or a ratio of two."""

    group: str
    name: str
    kind: Kind
    samples: list[float] = field(default_factory=list)
    target: Target | None = None
    note: str = ""
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def low(self) -> float | None:
        return min(self.samples) if self.samples else None

    @property
    def high(self) -> float | None:
        return max(self.samples) if self.samples else None

    @property
    def status(self) -> str:
        if self.error is not None or (self.target is not None and self.median is None):
            return "ERROR"
        if self.target is None or self.median is None:
            return ""
        return "PASS" if self.target.met(self.median) else "MISS"

    def as_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "kind": self.kind,
            "unit": {"time": "s", "size": "bytes", "memory": "bytes"}.get(self.kind, ""),
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "n": len(self.samples),
            "samples": self.samples,
            "target": (
                None
                if self.target is None
                else {"op": self.target.op, "limit": self.target.limit, "label": self.target.label}
            ),
            "status": self.status or None,
            "note": self.note or None,
            "error": self.error,
        }


def ratio_row(
    group: str,
    name: str,
    numerator: Row,
    denominator: Row,
    target: Target | None = None,
    note: str = "",
) -> Row:
    """``numerator / denominator`` of the medians (the row is an ERROR if either failed)."""
    row = Row(group, name, "ratio", target=target, note=note)
    top, bottom = numerator.median, denominator.median
    if top is None or bottom is None or bottom == 0:
        failed = numerator if top is None else denominator
        row.error = f"no value for {failed.name!r}"
    else:
        row.samples = [top / bottom]
    return row


# --- formatting ----------------------------------------------------------------------------


def _fmt(kind: Kind, value: float) -> str:
    if kind == "time":
        return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.1f} ms"
    if kind in ("size", "memory"):
        if value >= 1024 * 1024:
            return f"{value / (1024 * 1024):.1f} MiB"
        return f"{value / 1024:.1f} KiB"
    if kind == "ratio":
        return f"{value:.2f}x"
    return f"{value:g}"


def render_table(rows: Sequence[Row]) -> str:
    """The rows as one Markdown table (readable as plain text too)."""
    header = ["Group", "Measurement", "Median", "Min-max", "n", "Target", "Result"]
    lines: list[list[str]] = []
    for row in rows:
        if row.error is not None and not row.samples:
            median, span = "—", "—"
        else:
            median = _fmt(row.kind, row.median) if row.median is not None else "—"
            span = (
                f"{_fmt(row.kind, row.low)} - {_fmt(row.kind, row.high)}"
                if row.low is not None and row.high is not None and len(row.samples) > 1
                else ""
            )
        result = row.status
        if row.error is not None:
            result = f"ERROR: {row.error}"
        elif row.note:
            result = f"{result} ({row.note})" if result else row.note
        lines.append(
            [
                row.group,
                row.name,
                median,
                span,
                str(len(row.samples)) if row.kind not in ("ratio", "size") else "",
                row.target.label if row.target else "",
                result,
            ]
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def fmt_line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt_line(header), rule, *(fmt_line(line) for line in lines)])


# --- in-process timing ---------------------------------------------------------------------


def time_interleaved(
    contenders: dict[str, Callable[[], object]], reps: int, warmup: int
) -> tuple[dict[str, list[float]], dict[str, str], dict[str, object]]:
    """Time each callable ``reps`` times, round-robin, after ``warmup`` untimed calls.

    Returns the samples (seconds), the error of each contender that raised
    (it is then dropped), and each contender's last result.
    """
    alive = dict(contenders)
    errors: dict[str, str] = {}
    results: dict[str, object] = {}
    samples: dict[str, list[float]] = {name: [] for name in contenders}

    def call(name: str, timed: bool) -> None:
        gc.collect()
        try:
            started = time.perf_counter()
            result = alive[name]()
            elapsed = time.perf_counter() - started
        except Exception as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"
            if os.environ.get("KEDU_BENCH_DEBUG"):
                traceback.print_exc()
            del alive[name]
            return
        results[name] = result
        if timed:
            samples[name].append(elapsed)

    for _ in range(warmup):
        for name in list(alive):
            call(name, timed=False)
    for _ in range(reps):
        for name in list(alive):
            call(name, timed=True)
    return samples, errors, results


def _timed_row(group: str, name: str, key: str, run: tuple[Any, ...], note: str = "") -> Row:
    samples, errors, _ = run
    return Row(group, name, "time", samples=samples.get(key, []), error=errors.get(key), note=note)


@dataclass
class InProcess:
    """Rows of an in-process comparison and the documents each contender made."""

    rows: list[Row]
    outputs: dict[str, bytes]


def pdf_in_process(
    doc: LocalizedArticle,
    reps: int,
    warmup: int,
    *,
    weasyprint: bool = True,
    weasyprint_default: bool = True,
    typst: bool = True,
    fonts: FontFiles | None = None,
    static_fonts: FontFiles | None = None,
) -> InProcess:
    """kedu's PDF exporter vs a bare reportlab build, WeasyPrint and Typst, same content.

    kedu is timed twice: warm (the same article again, every cache filled) and
    with its shaping cache cleared (as for text it has not seen before).  The
    peers get static font files of the same design (``static_fonts``);
    WeasyPrint also runs with its own default font, and Typst both on the same
    source again and on a source edited before each compile.
    """
    from kedu.exporters import ExportOptions, get_exporter

    group = "1 PDF in-process"
    content = content_of(doc)
    fonts = fonts or kedu_font_files()
    peer_fonts = static_fonts or fonts
    options = ExportOptions()

    def kedu_pdf() -> bytes:
        return get_exporter("pdf").export(doc, options)

    def kedu_pdf_new_text() -> bytes:
        _clear_shaping_cache()
        return kedu_pdf()

    contenders: dict[str, Callable[[], object]] = {
        "kedu": kedu_pdf,
        "bare": lambda: bare_reportlab_pdf(content, fonts),
        "kedu_new_text": kedu_pdf_new_text,
    }
    if weasyprint:
        page = html_document(content, peer_fonts)
        default_page = html_document_default_font(content)
        contenders["weasyprint"] = lambda: weasyprint_pdf(page)
        if weasyprint_default:
            contenders["weasyprint_default"] = lambda: weasyprint_pdf(default_page)
    workdir = None
    if typst:
        workdir = tempfile.TemporaryDirectory(prefix="kedu-bench-typst-")
        same, edited = typst_compilers(content, peer_fonts, Path(workdir.name))
        contenders["typst"] = same
        contenders["typst_edited"] = edited
    try:
        run = time_interleaved(contenders, reps, warmup)
    finally:
        if workdir is not None:
            workdir.cleanup()
    kedu = _timed_row(group, "kedu PDF export, warm (same article again)", "kedu", run)
    bare = _timed_row(group, "bare reportlab platypus build", "bare", run)
    new_text = _timed_row(
        group,
        "kedu PDF export, new text (shaping cache cleared)",
        "kedu_new_text",
        run,
        note="as for text not seen before",
    )
    rows = [kedu, new_text, bare]
    rows.append(
        ratio_row(group, "kedu warm / bare reportlab", kedu, bare, Target("<=", 1.0, "≤ 1.0x"))
    )
    rows.append(
        ratio_row(
            group,
            "kedu new text / bare reportlab",
            new_text,
            bare,
            Target("<=", 1.0, "≤ 1.0x"),
        )
    )
    if weasyprint:
        weasy = _timed_row(group, "WeasyPrint, static Noto Sans (as kedu)", "weasyprint", run)
        rows.insert(3, weasy)
        rows.append(
            ratio_row(
                group,
                "WeasyPrint (static fonts) / kedu new text",
                weasy,
                new_text,
                Target(">=", 8.0, "≥ 8x"),
            )
        )
        if weasyprint_default:
            weasy_default = _timed_row(
                group, "WeasyPrint, its default font", "weasyprint_default", run
            )
            rows.insert(4, weasy_default)
            rows.append(
                ratio_row(
                    group, "WeasyPrint (default font) / kedu new text", weasy_default, new_text
                )
            )
    if typst:
        same_row = _timed_row(group, "Typst → PDF/UA-1, same source again", "typst", run)
        edited_row = _timed_row(group, "Typst → PDF/UA-1, edited source", "typst_edited", run)
        rows[3:3] = [same_row, edited_row]
        rows.append(
            ratio_row(
                group,
                "kedu new text / Typst edited source",
                new_text,
                edited_row,
                Target("<=", 2.0, "≤ 2x"),
            )
        )
        # The floor under that target: reportlab itself, untagged and unshaped.
        rows.append(ratio_row(group, "bare reportlab / Typst edited source", bare, edited_row))
    if weasyprint:
        rows.append(
            ratio_row(group, "WeasyPrint (static fonts) / bare reportlab", weasy, bare)
        )
    outputs = {k: v for k, v in run[2].items() if isinstance(v, bytes)}
    return InProcess(rows, outputs)


def typst_compilers(
    content: Content, fonts: FontFiles, folder: Path, font: str = "Noto Sans"
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """Two Typst compilers of ``content`` (PDF/UA-1, only the given font files):
    one compiling the same source again (Typst's incremental caches all warm),
    one whose source is edited before every compile (the title changes)."""
    import typst

    dirs = sorted({str(path.parent) for path in fonts.faces().values()})
    source = typst_document(content, font)
    compilers = []
    for name in ("same", "edited"):
        main = folder / f"{name}.typ"
        main.write_text(source, encoding="utf-8")
        compilers.append(
            (main, typst.Compiler(str(main), font_paths=dirs, ignore_system_fonts=True))
        )
    counter = [0]

    def same() -> bytes:
        return bytes(compilers[0][1].compile(pdf_standards="ua-1"))

    def edited() -> bytes:
        counter[0] += 1
        main, compiler = compilers[1]
        main.write_text(source.replace("= ", f"= {counter[0]} ", 1), encoding="utf-8")
        return bytes(compiler.compile(pdf_standards="ua-1"))

    return same, edited


def _clear_shaping_cache() -> None:
    """Forget the PDF exporter's shaped words, so the next export shapes all text anew.

    kedu caches HarfBuzz results per (face, text); repeating one article in a
    loop hits that cache for every word, which new articles and other
    languages do not.  The bare reportlab build has no such cache.
    """
    from kedu.exporters.pdf import text

    cache_clear = getattr(getattr(text, "shape", None), "cache_clear", None)
    if cache_clear is None:
        raise RuntimeError("kedu.exporters.pdf.text.shape is no longer an lru_cache")
    cache_clear()


def docx_in_process(doc: LocalizedArticle, reps: int, warmup: int) -> InProcess:
    """kedu's .docx exporter vs a bare python-docx build, same content."""
    from kedu.exporters import ExportOptions, get_exporter

    group = "2 Word in-process"
    content = content_of(doc)
    options = ExportOptions()
    run = time_interleaved(
        {
            "kedu": lambda: get_exporter("docx").export(doc, options),
            "bare": lambda: bare_python_docx(content),
        },
        reps,
        warmup,
    )
    kedu = _timed_row(group, "kedu .docx export (per document)", "kedu", run)
    bare = _timed_row(group, "bare python-docx build", "bare", run)
    ratio = ratio_row(group, "kedu / bare python-docx", kedu, bare, Target("<=", 1.0, "≤ 1.0x"))
    outputs = {k: v for k, v in run[2].items() if isinstance(v, bytes)}
    return InProcess([kedu, bare, ratio], outputs)


def html_in_process(doc: LocalizedArticle, reps: int, warmup: int) -> InProcess:
    """kedu's HTML exporter (document tree, escaping, inline CSS) vs a bare
    string build of the same content (the page WeasyPrint renders)."""
    from kedu.exporters import ExportOptions, get_exporter

    group = "2 HTML in-process"
    content = content_of(doc)
    fonts = kedu_font_files()
    options = ExportOptions()
    run = time_interleaved(
        {
            "kedu": lambda: get_exporter("html").export(doc, options),
            "bare": lambda: html_document(content, fonts).encode("utf-8"),
        },
        reps,
        warmup,
    )
    kedu = _timed_row(group, "kedu HTML export (per document)", "kedu", run)
    kedu.target = Target("<=", 0.010, "≤ 10 ms")
    bare = _timed_row(group, "bare HTML string build", "bare", run)
    outputs = {k: v for k, v in run[2].items() if isinstance(v, bytes)}
    return InProcess([kedu, bare], outputs)


def size_rows(pdf: dict[str, bytes], docx: dict[str, bytes]) -> list[Row]:
    """Output sizes and their ratios (kedu's against each alternative)."""
    group = "5 Output size"
    rows: list[Row] = []

    def size(name: str, data: bytes | None, note: str = "") -> Row:
        row = Row(group, name, "size", note=note)
        if data is None:
            row.error = "not produced"
        else:
            row.samples = [float(len(data))]
        return row

    kedu_pdf = size("kedu PDF", pdf.get("kedu"), pages_label(pdf.get("kedu")))
    bare_pdf = size("bare reportlab PDF", pdf.get("bare"), pages_label(pdf.get("bare")))
    rows += [kedu_pdf, bare_pdf]
    if "weasyprint" in pdf:
        weasy_pdf = size("WeasyPrint PDF", pdf["weasyprint"], pages_label(pdf["weasyprint"]))
        rows.append(weasy_pdf)
        rows.append(
            ratio_row(
                group, "kedu PDF / WeasyPrint PDF", kedu_pdf, weasy_pdf, Target("<=", 1.5, "≤ 1.5x")
            )
        )
    rows.append(ratio_row(group, "kedu PDF / bare reportlab PDF", kedu_pdf, bare_pdf))
    kedu_docx = size("kedu .docx", docx.get("kedu"))
    bare_docx = size("bare python-docx .docx", docx.get("bare"))
    rows += [kedu_docx, bare_docx]
    if "pandoc" in docx:
        pandoc = size("pandoc .docx", docx["pandoc"])
        rows += [pandoc, ratio_row(group, "kedu .docx / pandoc .docx", kedu_docx, pandoc)]
    rows.append(ratio_row(group, "kedu .docx / bare python-docx .docx", kedu_docx, bare_docx))
    return rows


def pages_label(pdf: bytes | None) -> str:
    """'N pages' when pypdf is installed, else nothing."""
    if pdf is None:
        return ""
    try:
        from io import BytesIO

        from pypdf import PdfReader
    except ImportError:
        return ""
    try:
        count = len(PdfReader(BytesIO(pdf)).pages)
    except Exception:
        return ""
    return f"{count} page{'s' if count != 1 else ''}"


# --- whole processes -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessRun:
    """One finished child process."""

    seconds: float
    returncode: int
    max_rss: int
    """Peak RSS in bytes of the largest single process of the tree (wait4's ru_maxrss)."""
    tree_peak: int | None
    """Peak of the summed RSS of the process and all its descendants (sampled), if measured."""
    stderr: str
    cpu: float = 0.0
    """User + system CPU seconds of the process and the descendants it waited for."""


def _sample_tree(pid: int, stop: threading.Event, peak: list[int]) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        peak[0] = max(peak[0], total)
        stop.wait(0.005)


def run_process(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    sample_memory: bool = False,
) -> ProcessRun:
    """Run ``cmd`` to completion in a fresh process; time it and read its peak memory.

    ``os.wait4`` returns the child's resource usage, whose ``ru_maxrss`` covers
    the child and the descendants it waited for (a process pool's workers).
    With ``sample_memory`` (needs psutil) a thread also sums the RSS of the
    whole tree every 5 ms, which ``ru_maxrss`` cannot do.
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=cwd,
        )
        stop = threading.Event()
        peak = [0]
        sampler = None
        if sample_memory:
            sampler = threading.Thread(target=_sample_tree, args=(proc.pid, stop, peak))
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        stop.set()
        if sampler is not None:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return ProcessRun(
        seconds=seconds,
        returncode=proc.returncode,
        max_rss=usage.ru_maxrss * scale,
        tree_peak=peak[0] if sample_memory else None,
        stderr=stderr,
        cpu=usage.ru_utime + usage.ru_stime,
    )


def pandoc_docx(markdown: str, pandoc: str | None = None) -> bytes:
    """Convert ``markdown`` with pandoc (from pypandoc-binary unless given) in a subprocess."""
    if pandoc is None:
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.md", Path(tmp) / "out.docx"
        source.write_text(markdown, encoding="utf-8")
        subprocess.run(
            [pandoc, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)],
            check=True,
            capture_output=True,
        )
        return target.read_bytes()


def markdown_for(doc: LocalizedArticle) -> str:
    """The pandoc input for ``doc``."""
    return markdown_document(content_of(doc))


def content_summary(content: Content) -> str:
    return f"{len(content.blocks)} blocks, {content.characters} characters"
