"""The benchmark run: argument parsing, the whole-process parts, the report."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    ProcessRun,
    Row,
    Target,
    docx_in_process,
    html_in_process,
    markdown_for,
    pdf_in_process,
    ratio_row,
    render_table,
    run_process,
    size_rows,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
PARTS = ("pdf", "docx", "html", "process", "batch", "languages", "long", "library", "serve")


@dataclass(frozen=True)
class Settings:
    article: Path
    lang: str
    reps: int
    warmup: int
    cold_reps: int
    batch_reps: int
    library_reps: int
    library_articles: int
    kedu: tuple[str, ...]
    parts: tuple[str, ...]
    quick: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "article": str(self.article),
            "lang": self.lang,
            "reps": self.reps,
            "warmup": self.warmup,
            "cold_reps": self.cold_reps,
            "batch_reps": self.batch_reps,
            "library_reps": self.library_reps,
            "library_articles": self.library_articles,
            "kedu": list(self.kedu),
            "parts": list(self.parts),
            "quick": self.quick,
        }


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


# --- machine -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    memory = ""
    if shutil.which("free"):
        memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "kedu"], capture_output=True, text=True, cwd=ROOT
        ).stdout.split("\n")
    except OSError:
        commit, dirty = "", []
    pandoc = None
    if _installed("pypandoc"):
        import pypandoc

        pandoc = pypandoc.get_pandoc_version()
    from kedu import __version__ as kedu_version

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu,
        "memory": memory,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "kedu": kedu_version,
        "git_commit": commit,
        "uncommitted_kedu_files": [line[3:] for line in dirty if line.strip()],
        "versions": {
            "reportlab": _version("reportlab"),
            "python-docx": _version("python-docx"),
            "weasyprint": _version("weasyprint"),
            "pandoc": pandoc,
            "uharfbuzz": _version("uharfbuzz"),
        },
    }


def machine_text(info: dict[str, Any]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v)
    load = info.get("load_average")
    lines = [
        f"Date: {info['date']}  (kedu {info['kedu']}, commit {info['git_commit']}"
        + (
            f" + uncommitted changes to {len(info['uncommitted_kedu_files'])} kedu files)"
            if info["uncommitted_kedu_files"]
            else ")"
        ),
        f"CPU: {info['cpu_model']}, nproc {info['nproc']}",
        f"Python {info['python']} on {info['platform']}",
        f"Libraries: {versions}",
    ]
    if load:
        lines.append("Load average at start: " + ", ".join(f"{x:.2f}" for x in load))
    if info.get("load_average_end"):
        lines.append(
            "Load average at end: " + ", ".join(f"{x:.2f}" for x in info["load_average_end"])
        )
    if info["memory"]:
        lines.append(info["memory"])
    return "\n".join(lines)


# --- in-process parts ----------------------------------------------------------------------


def localized(settings: Settings) -> Any:
    from kedu.load import load_article
    from kedu.localization import localize

    article = load_article(settings.article)
    return localize(article, settings.lang, base_dir=settings.article.parent)


# --- whole-process parts -------------------------------------------------------------------


def _env() -> dict[str, str]:
    """The environment of child processes: this checkout's kedu first on the path."""
    env = dict(os.environ)
    # Bytecode cached as a pip-installed package has it (pip compiles at install).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _check(name: str, run: ProcessRun) -> str | None:
    if run.returncode == 0:
        return None
    tail = run.stderr.strip().splitlines()[-1:] or ["(no output)"]
    return f"{name} exited with {run.returncode}: {tail[0][:160]}"


def _interleaved_processes(
    commands: dict[str, list[str]], reps: int, warmup: int, cwd: Path
) -> tuple[dict[str, list[ProcessRun]], dict[str, str]]:
    """Run each command ``reps`` times, round-robin, after ``warmup`` untimed runs."""
    env = _env()
    runs: dict[str, list[ProcessRun]] = {name: [] for name in commands}
    errors: dict[str, str] = {}
    for rep in range(warmup + reps):
        for name, cmd in commands.items():
            if name in errors:
                continue
            run = run_process(cmd, env=env, cwd=cwd)
            error = _check(name, run)
            if error:
                errors[name] = error
            elif rep >= warmup:
                runs[name].append(run)
    return runs, errors


def _seconds_row(
    group: str,
    name: str,
    key: str,
    result: tuple[dict[str, list[ProcessRun]], dict[str, str]],
    target: Target | None = None,
    note: str = "",
) -> Row:
    runs, errors = result
    return Row(
        group,
        name,
        "time",
        samples=[r.seconds for r in runs.get(key, [])],
        target=target,
        error=errors.get(key),
        note=note,
    )


def whole_process(settings: Settings, doc: Any, outputs: dict[str, bytes]) -> list[Row]:
    """Cold starts: ``kedu --help``, one PDF, one .docx; ``kedu export`` vs pandoc."""
    kedu = list(settings.kedu)
    article = str(settings.article)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kedu-bench-") as tmp:
        out = Path(tmp)
        commands: dict[str, list[str]] = {
            "python": [sys.executable, "-c", "pass"],
            "help": [*kedu, "--help"],
            "pdf": [*kedu, "export", article, "--lang", settings.lang, "--format", "pdf",
                    "--out", str(out / "pdf"), "--jobs", "1", "-q"],
            "docx": [*kedu, "export", article, "--lang", settings.lang, "--format", "docx",
                     "--out", str(out / "docx"), "--jobs", "1", "-q"],
        }  # fmt: skip
        pandoc_out = out / "pandoc.docx"
        if _installed("pypandoc"):
            import pypandoc

            source = out / "handout.md"
            source.write_text(markdown_for(doc), encoding="utf-8")
            commands["pandoc"] = [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "docx",
                                  "-o", str(pandoc_out), str(source)]  # fmt: skip
        _log(f"whole process: {len(commands)} commands x {settings.cold_reps}, fresh process each")
        result = _interleaved_processes(commands, settings.cold_reps, 1, cwd=ROOT)
        if pandoc_out.exists():
            outputs["pandoc"] = pandoc_out.read_bytes()
        nproc = os.cpu_count()
        cores = "" if nproc == 2 else f"target is for 2 cores; this machine has {nproc}"

        g3 = "3 Whole process, cold"
        rows.append(_seconds_row(g3, "python -c pass (interpreter floor)", "python", result))
        rows.append(
            _seconds_row(g3, "kedu --help", "help", result, Target("<=", 0.150, "≤ 150 ms"), cores)
        )
        rows.append(_seconds_row(g3, "kedu export: one PDF", "pdf", result, note=cores))
        docx = _seconds_row(g3, "kedu export: one .docx", "docx", result)
        rows.append(docx)

        g2 = "2 Word whole-process"
        if "pandoc" in commands:
            pandoc = _seconds_row(g2, "pandoc Markdown → .docx (process)", "pandoc", result)
            rows.append(pandoc)
            rows.append(ratio_row(g2, "kedu export .docx / pandoc (process)", docx, pandoc))
        else:
            rows.append(Row(g2, "pandoc Markdown → .docx", "time", error="pypandoc not installed"))
    return rows


_SPIN = "s = 0\nfor i in range(4_000_000):\n    s += i\n"


def parallel_capacity(reps: int) -> Row:
    """How much faster two CPU-bound processes finish side by side than one after another.

    2.0 means two idle cores; less means shared or busy cores (other work on
    the machine, SMT siblings), which caps what ``--jobs 2`` can gain.
    """
    row = Row(
        "4 Batch: all languages x all formats",
        "machine: 2 CPU-bound processes, speed-up in parallel",
        "ratio",
        note="calibration, ideal 2.00x",
    )
    cmd = [sys.executable, "-c", _SPIN]
    for _ in range(reps):
        single = run_process(cmd).seconds
        started = time.perf_counter()
        procs = [subprocess.Popen(cmd) for _ in range(2)]
        for proc in procs:
            proc.wait()
        row.samples.append(2 * single / (time.perf_counter() - started))
    return row


def batch(settings: Settings) -> list[Row]:
    """Every language x every format, ``--jobs 1`` against ``--jobs 2``; peak memory."""
    group, mem_group = "4 Batch: all languages x all formats", "6 Peak memory (batch)"
    env = _env()
    runs: dict[int, list[ProcessRun]] = {1: [], 2: []}
    errors: dict[int, str] = {}
    files: dict[int, int] = {}
    psutil_ok = _installed("psutil")
    with tempfile.TemporaryDirectory(prefix="kedu-bench-batch-") as tmp:

        def once(jobs: int, sample: bool = False) -> ProcessRun | None:
            out = Path(tmp) / f"jobs{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            cmd = [*settings.kedu, "export", str(settings.article), "--all-langs",
                   "--format", "all", "--jobs", str(jobs), "--out", str(out), "-q"]  # fmt: skip
            run = run_process(cmd, env=env, cwd=ROOT, sample_memory=sample)
            error = _check(f"--jobs {jobs}", run)
            if error:
                errors.setdefault(jobs, error)
                return None
            files[jobs] = sum(1 for p in out.iterdir() if p.is_file())
            return run

        _log("batch: warm-up run (font instances for every script)")
        once(2)
        _log(f"batch: --jobs 1 and --jobs 2, {settings.batch_reps} run(s) each, alternating")
        for _ in range(settings.batch_reps):
            for jobs in (1, 2):
                run = once(jobs)
                if run is not None:
                    runs[jobs].append(run)
        sampled: dict[int, ProcessRun] = {}
        if psutil_ok:
            _log("batch: one more run each, sampling the memory of the process tree")
            for jobs in (1, 2):
                run = once(jobs, sample=True)
                if run is not None:
                    sampled[jobs] = run

    _log("batch: calibrating how parallel this machine is right now")
    capacity = parallel_capacity(max(settings.batch_reps, 2))
    rows: list[Row] = []
    timed: dict[int, Row] = {}
    for jobs in (1, 2):
        note = f"{files[jobs]} files" if jobs in files else ""
        timed[jobs] = Row(
            group,
            f"kedu export --all-langs --format all --jobs {jobs}",
            "time",
            samples=[r.seconds for r in runs[jobs]],
            error=errors.get(jobs),
            note=note,
        )
        rows.append(timed[jobs])
    nproc = os.cpu_count()
    rows.append(
        ratio_row(
            group,
            "speed-up --jobs 2 over --jobs 1",
            timed[1],
            timed[2],
            note="" if nproc == 2 else f"{nproc} CPUs",
        )
    )
    rows.append(capacity)
    for jobs in (1, 2):
        every = runs[jobs] + ([sampled[jobs]] if jobs in sampled else [])
        largest = Row(
            mem_group,
            f"--jobs {jobs}: largest process (ru_maxrss)",
            "memory",
            samples=[float(r.max_rss) for r in every],
            error=errors.get(jobs) if not every else None,
        )
        rows.append(largest)
        if psutil_ok:
            tree = Row(mem_group, f"--jobs {jobs}: all processes (sampled sum)", "memory")
            run = sampled.get(jobs)
            if run is not None and run.tree_peak:
                tree.samples = [float(run.tree_peak)]
            else:
                tree.error = errors.get(jobs, "not measured")
            rows.append(tree)
        elif jobs == 2:
            rows.append(
                Row(mem_group, "all processes (sampled sum)", "memory", error="needs psutil")
            )
    return rows


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> tuple[Settings, Path | None, Path | None]:
    """The run's settings, the JSON file and the Markdown file to write (if any)."""
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="kedu's benchmarks: exporters vs bare libraries, WeasyPrint and pandoc.",
    )
    parser.add_argument("--quick", action="store_true", help="few repetitions (smoke run)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table")
    parser.add_argument("--article", type=Path, default=EXAMPLE, help="article to export")
    parser.add_argument("--lang", default="en", help="locale of the side-by-side comparisons")
    parser.add_argument("--reps", type=int, help="in-process repetitions (default 15; quick 3)")
    parser.add_argument("--cold-reps", type=int, help="fresh-process runs (default 10; quick 2)")
    parser.add_argument("--batch-reps", type=int, help="batch runs per --jobs (default 3; quick 1)")
    parser.add_argument(
        "--library-reps", type=int, help="library batch runs per --jobs (default 1)"
    )
    parser.add_argument(
        "--library-articles", type=int, help="articles in the library batch (default 20; quick 2)"
    )
    parser.add_argument(
        "--kedu",
        default=None,
        help="command that runs kedu (default: this Python with -m kedu, this checkout first)",
    )
    parser.add_argument(
        "--only",
        default=",".join(PARTS),
        help=f"comma-separated parts to run: {', '.join(PARTS)} (default: all)",
    )
    args = parser.parse_args(argv)
    parts = tuple(p.strip() for p in args.only.split(",") if p.strip())
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {PARTS}")
    quick = bool(args.quick)
    settings = Settings(
        article=args.article.resolve(),
        lang=args.lang,
        reps=args.reps or (3 if quick else 15),
        warmup=1 if quick else 3,
        cold_reps=args.cold_reps or (2 if quick else 10),
        batch_reps=args.batch_reps or (1 if quick else 3),
        library_reps=args.library_reps or 1,
        library_articles=args.library_articles or (2 if quick else 20),
        kedu=tuple(shlex.split(args.kedu)) if args.kedu else (sys.executable, "-m", "kedu"),
        parts=parts,
        quick=quick,
    )
    return settings, args.json, args.markdown


def run(settings: Settings) -> tuple[list[Row], dict[str, Any]]:
    from benchmarks import scale
    from benchmarks.content import static_font_files

    info = machine()
    rows: list[Row] = []
    doc = localized(settings)
    pdf_out: dict[str, bytes] = {}
    docx_out: dict[str, bytes] = {}
    work = Path(tempfile.mkdtemp(prefix="kedu-bench-"))
    try:
        fonts = static_font_files(work / "fonts")
        if "pdf" in settings.parts:
            weasy, typst = _installed("weasyprint"), _installed("typst")
            _log(f"PDF in-process: {settings.reps} reps after {settings.warmup} warm-up")
            part = pdf_in_process(
                doc, settings.reps, settings.warmup, weasyprint=weasy, typst=typst,
                static_fonts=fonts,
            )  # fmt: skip
            rows += part.rows
            for name, ok in (("WeasyPrint", weasy), ("Typst", typst)):
                if not ok:
                    rows.append(Row(part.rows[0].group, name, "time", error="not installed"))
            pdf_out = part.outputs
        if "docx" in settings.parts:
            _log(f"Word in-process: {settings.reps} reps after {settings.warmup} warm-up")
            part = docx_in_process(doc, settings.reps, settings.warmup)
            rows += part.rows
            docx_out = part.outputs
        if "html" in settings.parts:
            _log(f"HTML in-process: {settings.reps} reps after {settings.warmup} warm-up")
            rows += html_in_process(doc, settings.reps, settings.warmup).rows
        if "languages" in settings.parts:
            _log("every language, PDF in-process")
            rows += scale.languages_in_process(
                settings.article, max(settings.reps // 2, 1), 1, work / "fonts"
            )
        if "long" in settings.parts:
            _log("a 10x longer article")
            rows += scale.long_article_rows(settings.article, max(settings.reps // 3, 1), 1, work)
        if "process" in settings.parts:
            rows += whole_process(settings, doc, docx_out)
            _log("one-document processes: kedu vs a bare reportlab script")
            rows += scale.one_document_processes(
                settings.kedu, settings.article, ROOT, settings.cold_reps, work
            )
            if not settings.quick:
                _log("first PDF on an empty font cache, per script")
                rows += scale.cold_cache_rows(settings.kedu, settings.article, ROOT, 2, work)
            info["imports"] = scale.import_breakdown(settings.kedu, settings.article, ROOT, work)
        if "batch" in settings.parts:
            rows += batch(settings)
        if "library" in settings.parts:
            locales = settings.article.parent.parent.parent / "locales"
            part_rows, extra = scale.library_batch(
                settings.kedu, settings.article, locales, ROOT, settings.library_reps, work,
                articles=settings.library_articles,
            )  # fmt: skip
            rows += part_rows
            info["library"] = extra
        if "serve" in settings.parts:  # benchmarks/serve.py: kedu serve under load on 127.0.0.1
            from benchmarks.serve import serve_rows

            _log("kedu serve: 200 requests, 20 at a time, on 127.0.0.1")
            rows += serve_rows(total=60 if settings.quick else 200)
        if "pdf" in settings.parts and "docx" in settings.parts:
            rows += size_rows(pdf_out, docx_out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows.sort(key=lambda r: int(r.group.split()[0]))  # stable: groups in issue order
    if hasattr(os, "getloadavg"):
        info["load_average_end"] = list(os.getloadavg())
    return rows, info


def report_json(settings: Settings, rows: list[Row], info: dict[str, Any]) -> dict[str, Any]:
    targets = [r for r in rows if r.target is not None]
    return {
        "kedu_benchmark": 1,
        "machine": info,
        "settings": settings.as_json(),
        "rows": [r.as_json() for r in rows],
        "summary": {
            "pass": [r.name for r in targets if r.status == "PASS"],
            "miss": [r.name for r in targets if r.status == "MISS"],
            "error": [r.name for r in targets if r.status == "ERROR"],
        },
    }


def summary_text(rows: list[Row]) -> str:
    targets = [r for r in rows if r.target is not None]
    passed = [r for r in targets if r.status == "PASS"]
    lines = ["Targets:"]
    for row in targets:
        mark = {"PASS": "✓", "MISS": "✗"}.get(row.status, "?")
        value = "—" if row.median is None else _format(row)
        lines.append(f"  {mark} {row.name}: {value} (target {row.target.label})")  # type: ignore[union-attr]
    lines.append(f"{len(passed)}/{len(targets)} targets met")
    for status in ("MISS", "ERROR"):
        names = [r.name for r in targets if r.status == status]
        if names:
            lines.append(f"{status}: " + "; ".join(names))
    return "\n".join(lines)


def _format(row: Row) -> str:
    from benchmarks.harness import _fmt

    assert row.median is not None
    return _fmt(row.kind, row.median)


def main(argv: Sequence[str] | None = None) -> int:
    from benchmarks.scale import import_text

    settings, json_file, markdown_file = parse_args(argv)
    # An installed kedu has its bytecode compiled by pip; a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would compile every module in every process.
    import compileall

    compileall.compile_dir(str(ROOT / "kedu"), quiet=1)
    rows, info = run(settings)
    table = render_table(rows)
    text = f"{machine_text(info)}\n\n{table}\n\n{summary_text(rows)}"
    if "imports" in info:
        text += "\n\n" + import_text(info["imports"])
    print(text)
    if json_file is not None:
        data = report_json(settings, rows, info)
        json_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        _log(f"wrote {json_file}")
    if markdown_file is not None:
        markdown_file.write_text(text + "\n", encoding="utf-8")
        _log(f"wrote {markdown_file}")
    return 0
