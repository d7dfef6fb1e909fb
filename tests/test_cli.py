"""The command line: in-process through main(argv), and once through a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kedu.cli import main
from kedu.errors import ConfigError
from kedu.jobs import ExportJob
from kedu.models import Article
from tests.conftest import EXAMPLE, ROOT, SHIPPED_LOCALES, export_args, mark_fuzzy


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    from kedu import __version__

    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("export", "validate", "schema", "i18n", "import"):
        assert command in out


def _imported_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, json; from kedu.cli import main; main(json.loads(sys.argv[1])); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(argv)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_and_validate_stay_light() -> None:
    heavy = {"reportlab", "docx", "fontTools", "uharfbuzz", "markdown_it", "selectolax"}
    after_help = _imported_after(["--help"])
    assert not heavy & after_help
    assert "pydantic" not in after_help and "babel" not in after_help
    assert not heavy & _imported_after(["validate", str(EXAMPLE)])


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "ok (ketamine-therapy: 7 sections, 58 texts)" in capsys.readouterr().out


def test_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "kedu article"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(EXAMPLE), "--format", "epub"]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'epub'; available formats: pdf, docx, html, json" in err
    assert main(["export", str(EXAMPLE), "--paper", "legal"]) == 2
    assert main(["frobnicate"]) == 2


def test_missing_article_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "nope.yaml", "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert err == "kedu: error: nope.yaml: file not found\n"


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", str(EXAMPLE), "--format", "json", "--out", str(blocker / "o")]) == 1
    assert "cannot create the output folder" in capsys.readouterr().err


def test_json_batch_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "export",
            str(EXAMPLE),
            "--all-langs",
            "--format",
            "json",
            "--out",
            str(tmp_path),
            "--report",
            "json",
            "--jobs",
            "1",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert sorted(f["locale"] for f in report["files"]) == sorted(["en", *SHIPPED_LOCALES])
    for entry in report["files"]:
        assert Path(entry["path"]).stat().st_size == entry["bytes"]
        assert entry["draft"] is (entry["locale"] != "en")


def test_one_failing_job_does_not_stop_the_others(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path = project
    locales = project / "locales"
    mark_fuzzy(locales / "ru" / "LC_MESSAGES" / "ketamine-therapy.po", "title")
    out = tmp_path / "out"
    code = main(export_args("es,ru", str(out), "--locales", str(locales), "--jobs", "1", "-q"))
    assert code == 1
    err = capsys.readouterr().err
    failures = [line for line in err.splitlines() if line.startswith("kedu: failed:")]
    assert len(failures) == 1
    assert "ketamine-therapy ru json" in failures[0] and "title" in failures[0]
    assert "--allow-partial" in failures[0]
    assert (out / "ketamine-therapy.es.json").exists()
    assert not (out / "ketamine-therapy.ru.json").exists()
    assert (
        main(export_args("ru", str(out), "--locales", str(locales), "--allow-partial", "-q")) == 0
    )
    data = json.loads((out / "ketamine-therapy.ru.json").read_text(encoding="utf-8"))
    assert data["fallbacks"] == ["title"]


def test_malformed_po_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    lines = po.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("msgctxt")) + 1
    lines.insert(at, 'msgbogus "x"')
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(export_args("es", str(tmp_path / "o"), "--locales", str(locales), "-q")) == 1
    err = capsys.readouterr().err
    assert f"{po}:{at + 1}: malformed catalog" in err


class CountingExecutor(Executor):
    """Any concurrent.futures.Executor works; this one counts what it ran."""

    def __init__(self) -> None:
        self.inner = ThreadPoolExecutor(max_workers=2)
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return self.inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_export_many_accepts_any_executor(example: Article, tmp_path: Path) -> None:
    import kedu

    jobs = [
        ExportJob(article=example, locale=loc, format="json", base_dir=EXAMPLE.parent)
        for loc in ("en", "es", "ar")
    ]
    with CountingExecutor() as executor:
        results = kedu.export_many(jobs, executor, out_dir=tmp_path)
    assert executor.submitted == 3
    assert [r.job.locale for r in results] == ["en", "es", "ar"]
    assert all(r.ok for r in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ketamine-therapy.ar.json",
        "ketamine-therapy.en.json",
        "ketamine-therapy.es.json",
    ]


def test_config_file_is_validated(tmp_path: Path) -> None:
    from kedu.config import load_config

    (tmp_path / "kedu.toml").write_text('paper = "a4"\npapr = "letter"\n')
    with pytest.raises(ConfigError, match="unknown field 'papr'; did you mean 'paper'"):
        load_config(tmp_path)
    (tmp_path / "kedu.toml").write_text('paper = "a5"\n')
    with pytest.raises(ConfigError, match=r"kedu\.toml: paper"):
        load_config(tmp_path)
    (tmp_path / "kedu.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.kedu]\npaper = "a4"\noutput_dir = "build"\n')
    config = load_config(tmp_path)
    assert config.paper == "a4" and config.output_dir == tmp_path / "build"


def test_config_overrides_organization(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kedu.toml").write_text(
        f'output_dir = "handouts"\nlocales_dir = "{ROOT / "locales"}"\n'
        '[organization]\nname = "Lakeside Family Clinic"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(EXAMPLE), "--format", "json", "-q"]) == 0
    data = json.loads((tmp_path / "handouts" / "ketamine-therapy.en.json").read_text())
    assert data["article"]["organization"]["name"] == "Lakeside Family Clinic"
    assert data["article"]["organization"]["phone"] == "555-0100"
    (tmp_path / "kedu.toml").write_text("[organisation]\nname = 'x'\n")
    assert main(["validate", str(EXAMPLE)]) == 1
    assert "unknown field 'organisation'; did you mean 'organization'" in capsys.readouterr().err


def test_real_process_exit_codes(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def kedu(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kedu", *args], capture_output=True, text=True, env=env, cwd=ROOT
        )

    done = kedu(*export_args("xx", tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    done = kedu(*export_args("es", tmp_path))
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and "1 written, 0 failed" in done.stdout


def test_debug_shows_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "validate", "nope.yaml"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_full_batch_is_identical_with_one_or_two_jobs(tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        args = [
            "export",
            str(EXAMPLE),
            "--all-langs",
            "--format",
            "all",
            "--out",
            str(tmp_path / jobs),
            "--jobs",
            jobs,
            "-q",
        ]
        assert main(args) == 0
    one = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert len(one) == 28
    assert one == sorted(p.name for p in (tmp_path / "2").iterdir())
    for name in one:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_bilingual_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path)
    assert (
        main(
            [
                "export",
                str(EXAMPLE),
                "--lang",
                "es",
                "--bilingual",
                "--format",
                "json",
                "--out",
                out,
            ]
        )
        == 2
    )
    assert "--bilingual works with pdf, docx, html, not with json" in capsys.readouterr().err
    assert (
        main(
            [
                "export",
                str(EXAMPLE),
                "--lang",
                "es",
                "--bilingual",
                "--format",
                "all",
                "--out",
                out,
                "-q",
            ]
        )
        == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ketamine-therapy.en-es.docx",
        "ketamine-therapy.en-es.html",
        "ketamine-therapy.en-es.pdf",
    ]
    assert main(["export", str(EXAMPLE), "--lang", "en", "--bilingual", "--out", out]) == 2
    assert "needs a target language other than 'en'" in capsys.readouterr().err


def test_same_catalog_is_exported_once_and_formats_ignore_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(export_args("es,es_MX,ES", str(tmp_path), "--report", "json", fmt="JSON")) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["locale"] for f in report["files"]] == ["es"]


def test_summary_says_how_much_is_in_the_source_language(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = project / "locales"
    mark_fuzzy(locales / "ru" / "LC_MESSAGES" / "ketamine-therapy.po", "title")
    assert (
        main(export_args("ru", str(project / "o"), "--locales", str(locales), "--allow-partial"))
        == 0
    )
    assert "ok (draft translation; 1 in source language)" in capsys.readouterr().out
