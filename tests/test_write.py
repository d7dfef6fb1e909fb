"""Never a broken file: atomic writes under exceptions, kills and dead workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import ClassVar

import pytest

import kedu.exporters as registry
from kedu.exporters.base import Exporter, ExportOptions
from kedu.jobs import ExportJob
from kedu.models import Article, LocalizedArticle
from kedu.write import write_atomic
from tests.conftest import EXAMPLE, ROOT


def test_write_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_failure_mid_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"good old handout")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"half")
    assert target.read_bytes() == b"good old handout"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_ctrl_c_mid_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"good")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_killed_process_never_leaves_a_truncated_file(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    write_atomic(target, b"good old handout")
    script = (
        "import os, sys, time\n"
        "from kedu import write\n"
        "os.replace = lambda a, b: (print('ready', flush=True), time.sleep(60))\n"
        "write.write_atomic(sys.argv[1], b'x' * 5_000_000)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert target.read_bytes() == b"good old handout"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "a.pdf"]
    assert all(name.startswith(".a.pdf.") and name.endswith(".tmp") for name in leftovers)


class DyingExporter(Exporter):
    """Kills its worker process, as the OOM killer or a crash would."""

    name: ClassVar[str] = "dying"
    extension: ClassVar[str] = "bin"
    media_type: ClassVar[str] = "application/octet-stream"

    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        time.sleep(0.2)
        os._exit(9)


@pytest.mark.skipif(sys.platform == "win32", reason="needs fork")
def test_killed_worker_leaves_only_complete_files(
    example: Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    import kedu

    monkeypatch.setitem(registry.BUILTIN_FORMATS, "dying", f"{__name__}:DyingExporter")
    registry.get_exporter.cache_clear()
    jobs = [
        ExportJob(article=example, locale=loc, format=fmt, base_dir=EXAMPLE.parent)
        for loc, fmt in (("en", "json"), ("es", "dying"), ("ar", "json"), ("ru", "json"))
    ]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = kedu.export_many(jobs, pool, out_dir=tmp_path)
    registry.get_exporter.cache_clear()
    assert len(results) == 4
    dying = results[1]
    assert not dying.ok and dying.error is not None and "worker" in dying.error
    for path in tmp_path.iterdir():
        assert not path.name.endswith(".tmp")
        json.loads(path.read_text(encoding="utf-8"))  # every file that exists is complete


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found.update(int(x) for x in text.split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_kedu_ends_its_workers(tmp_path: Path, sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kedu",
            "export",
            str(EXAMPLE),
            "--all-langs",
            "--format",
            "pdf,docx",
            "--large-print",
            "--bilingual",
            "--out",
            str(tmp_path),
            "--jobs",
            "2",
            "-q",
        ],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.02)
    if proc.poll() is not None or not workers:
        pytest.skip("the batch finished before it could be interrupted")
    proc.send_signal(sig)
    proc.wait(timeout=20)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    if sig == signal.SIGTERM:
        assert proc.returncode == 143  # 128 + SIGTERM, as a shell reports it
