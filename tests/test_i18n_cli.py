"""kedu i18n stats / check / readability on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kedu.cli import main
from kedu.localization.labels import LABEL_SOURCES
from tests.conftest import EXAMPLE, SHIPPED_LOCALES, export_args, mark_fuzzy


def test_stats_json_shows_complete_shipped_catalogs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "stats", "--json", "--min", "100"]) == 0
    rows = json.loads(capsys.readouterr().out)
    seen = {(r["locale"], r["domain"]) for r in rows}
    for locale in SHIPPED_LOCALES:
        for domain in ("kedu", "ketamine-therapy"):
            assert (locale, domain) in seen
    assert all(r["percent"] == 100 and r["fuzzy"] == 0 for r in rows)


def test_stats_min_fails_below(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mark_fuzzy(project / "locales" / "ht" / "LC_MESSAGES" / "ketamine-therapy.po", "title")
    assert main(["i18n", "stats", "--locales", str(project / "locales"), "--min", "100"]) == 1
    captured = capsys.readouterr()
    assert "ht" in captured.out and "98.3" in captured.out
    assert "98.3% translated, below --min 100" in captured.err


def test_check_is_clean_on_shipped_catalogs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "check"]) == 0
    assert "0 errors" in capsys.readouterr().err


def test_check_reports_file_line_and_context(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    text = po.read_text(encoding="utf-8")
    assert "45 minutos" in text
    po.write_text(text.replace("45 minutos", "40 minutos", 1), encoding="utf-8")
    assert main(["i18n", "check", "--locales", str(project / "locales")]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "faq/session-length/answer" in x)
    assert line.startswith(f"{po}:")
    assert "45" in line and "error" in line


def test_readability_json_and_max_grade(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "readability", str(EXAMPLE), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["locale"] for r in rows] == ["en", "ar", "es", "ht", "ru", "vi", "zh_Hans"]
    english = rows[0]
    assert english["grade"] is not None and english["grade"] <= 8
    assert english["longest"][0]["path"]
    assert main(["i18n", "readability", str(EXAMPLE), "--lang", "en", "--max-grade", "2"]) == 1
    assert "above --max-grade 2" in capsys.readouterr().err
    assert main(["i18n", "readability", str(EXAMPLE), "--lang", "en", "--max-grade", "8"]) == 0


def test_export_report_carries_readability(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(export_args("es", str(tmp_path), "--report", "json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["readability"][0]["locale"] == "es"
    assert report["readability"][0]["ease_formula"]


def test_stats_shows_missing_labels_for_a_new_language(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = project / "locales"
    article = project / "examples" / "ketamine-therapy" / "article.yaml"
    assert main(["i18n", "init", "--lang", "pt_BR", str(article), "--locales", str(locales)]) == 0
    capsys.readouterr()
    assert main(["i18n", "stats", "--json", "--lang", "pt_BR", "--locales", str(locales)]) == 0
    rows = {(r["locale"], r["domain"]): r for r in json.loads(capsys.readouterr().out)}
    assert rows[("pt_BR", "kedu")]["percent"] == 0
    assert rows[("pt_BR", "kedu")]["untranslated"] == len(LABEL_SOURCES)
