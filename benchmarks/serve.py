"""Load test of ``kedu serve``: a real server on 127.0.0.1, bounded, stopping by itself.

A fresh ``kedu serve`` process (empty document cache; the font cache is the
user's, as on a clinic machine after its first export), once with ``--jobs 1``
(one export thread) and once with ``--jobs 2`` (two export processes), gets ``total`` requests,
``concurrency`` at a time, mixed over every language of the example and every
document format, plus the library's own pages:

1. *cold*: the first request for each distinct document (each one is made);
2. *cached*: the rest, in a shuffled mix of documents and pages (served from memory).

Every response must be 200 and complete: its body as long as its
``Content-Length``, a PDF from ``%PDF`` to ``%%EOF``, a Word file a readable zip,
an HTML page ending in ``</html>``.  Throughput and latency (p50, p95) are reported
for each phase.  Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import io
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Row, Target

__all__ = ["LoadResult", "load_test", "serve_rows"]

ROOT = Path(__file__).resolve().parent.parent
GROUP = "7 kedu serve: 127.0.0.1 load test"
HOST = "127.0.0.1"
FORMATS = ("pdf", "docx", "html")
PAGES = ("/", "/?q=ketamine", "/?q=ketamina&ui=es", "/articles/ketamine-therapy?ui=ar")


@dataclass(frozen=True)
class Response:
    path: str
    seconds: float
    ok: bool
    problem: str | None
    size: int


@dataclass(frozen=True)
class LoadResult:
    cold: list[Response]
    cached: list[Response]
    cold_seconds: float
    cached_seconds: float

    @property
    def all(self) -> list[Response]:
        return self.cold + self.cached

    @property
    def failures(self) -> list[Response]:
        return [r for r in self.all if not r.ok]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _complete(path: str, status: int, length: str | None, body: bytes) -> str | None:
    """Why the response is not a complete, good answer (None when it is)."""
    if status != 200:
        return f"status {status}"
    if length is None or int(length) != len(body):
        return f"Content-Length {length} but {len(body)} bytes"
    if "format=pdf" in path and not (body.startswith(b"%PDF-") and b"%%EOF" in body[-64:]):
        return "PDF cut short"
    if "format=docx" in path:
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as package:
                if "word/document.xml" not in package.namelist():
                    return "Word file without document.xml"
        except zipfile.BadZipFile:
            return "Word file is not a zip"
    if ("format=html" in path or "format" not in path) and not body.rstrip().endswith(b"</html>"):
        return "HTML cut short"
    return None


def _get(base: str, path: str) -> Response:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=120) as reply:
            body = reply.read()
            problem = _complete(path, reply.status, reply.headers.get("Content-Length"), body)
    except urllib.error.HTTPError as exc:
        body, problem = b"", f"status {exc.code}"
    except OSError as exc:
        body, problem = b"", f"{type(exc).__name__}: {exc}"
    return Response(path, time.perf_counter() - started, problem is None, problem, len(body))


def _run(base: str, paths: list[str], concurrency: int) -> tuple[list[Response], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda p: _get(base, p), paths))
    return results, time.perf_counter() - started


def _documents(languages: list[str], formats: tuple[str, ...]) -> list[str]:
    return [
        f"/articles/ketamine-therapy/handout?lang={lang}&format={fmt}"
        for lang in languages
        for fmt in formats
    ]


def _start(project: Path, port: int, jobs: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "kedu", "serve", str(project), "--host", HOST,
               "--port", str(port), "--no-watch", "--jobs", str(jobs)]  # fmt: skip
    return subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def load_test(
    total: int = 200,
    concurrency: int = 20,
    *,
    project: Path = ROOT,
    languages: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    seed: int = 17,
    jobs: int = 1,
) -> LoadResult:
    """Start ``kedu serve`` on 127.0.0.1, send ``total`` requests, stop it."""
    languages = languages or ["en", "es", "ht", "vi", "ru", "ar", "zh_Hans"]
    documents = _documents(languages, formats)
    if total < len(documents):
        raise ValueError(f"total must be at least {len(documents)} (one per document)")
    port = _free_port()
    base = f"http://{HOST}:{port}"
    server = _start(project, port, jobs)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                error = (server.stderr.read() if server.stderr else b"").decode(errors="replace")
                raise RuntimeError(f"kedu serve exited: {error.strip()[-300:]}")
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("kedu serve did not answer within 60 s") from None
                time.sleep(0.1)
        rng = random.Random(seed)
        cold_paths = list(documents)
        rng.shuffle(cold_paths)
        cold, cold_seconds = _run(base, cold_paths, concurrency)
        mix = [*documents, *PAGES]
        cached_paths = [rng.choice(mix) for _ in range(total - len(cold_paths))]
        cached, cached_seconds = _run(base, cached_paths, concurrency)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return LoadResult(cold, cached, cold_seconds, cached_seconds)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def serve_rows(
    total: int = 200, concurrency: int = 20, jobs: tuple[int, ...] = (1, 2)
) -> list[Row]:
    """The load test as rows of the benchmark table, once per ``kedu serve --jobs`` value."""
    rows: list[Row] = []
    for workers in jobs:
        label = f"--jobs {workers}"
        try:
            result = load_test(total, concurrency, jobs=workers)
        except (RuntimeError, ValueError, OSError) as exc:
            rows.append(Row(GROUP, f"{label}: load test", "count", error=str(exc)))
            continue
        problems = sorted({f"{r.path}: {r.problem}" for r in result.failures})
        rows.append(
            Row(
                GROUP,
                f"{label}: failed or incomplete responses (of {len(result.all)}, "
                f"{concurrency} at a time)",
                "count",
                samples=[float(len(result.failures))],
                target=Target("<=", 0, "0"),
                note="; ".join(problems)[:200],
            )
        )
        for name, responses, seconds in (
            ("cold (first request per document)", result.cold, result.cold_seconds),
            ("cached (documents and pages)", result.cached, result.cached_seconds),
        ):
            latencies = [r.seconds for r in responses]
            if not latencies:
                continue
            rows.append(
                Row(
                    GROUP,
                    f"{label}: {name}: throughput, requests/s",
                    "count",
                    samples=[round(len(latencies) / seconds, 1)],
                    note=f"{len(latencies)} requests in {seconds:.2f} s",
                )
            )
            p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
            rows.append(Row(GROUP, f"{label}: {name}: latency p50", "time", samples=[p50]))
            rows.append(Row(GROUP, f"{label}: {name}: latency p95", "time", samples=[p95]))
    return rows


if __name__ == "__main__":
    from benchmarks.harness import render_table

    print(render_table(serve_rows()))
