"""Batch planning as a library function, and batches that localize once per
(article, language) however many formats they make."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import kedu
import kedu.localization
from kedu.cli import main
from kedu.errors import LocaleError, UsageError
from tests.conftest import EXAMPLE, LOCALES, SHIPPED_LOCALES, export_args


def _planned(jobs: list[kedu.ExportJob]) -> list[tuple[str, str, bool]]:
    return [(job.locale, job.format, job.bilingual) for job in jobs]


def test_all_languages_are_planned_as_the_command_line_plans_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(EXAMPLE), "--all-langs", "--format", "json", "--out", str(tmp_path)]
    assert main(["export", *args, "--locales", str(LOCALES), "--report", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    cli = sorted((f["locale"], f["format"]) for f in report["files"])
    jobs = kedu.plan_exports(EXAMPLE, "json", locales="all", catalogs=LOCALES)
    assert sorted((job.locale, job.format) for job in jobs) == cli
    assert {job.locale for job in jobs} == {"en", *SHIPPED_LOCALES}
    assert all(job.base_dir == EXAMPLE.parent for job in jobs)


def test_locales_are_negotiated_once_per_catalog_and_bilingual_skips_the_source() -> None:
    article = kedu.load_article(EXAMPLE)
    jobs = kedu.plan_exports(
        article, ["docx"], locales=["es", "es_MX", "ES", "zh"], catalogs=LOCALES
    )
    assert _planned(jobs) == [("es", "docx", False), ("zh_Hans", "docx", False)]
    jobs = kedu.plan_exports(article, "pdf", locales="all", catalogs=LOCALES, bilingual=True)
    assert [job.locale for job in jobs] == SHIPPED_LOCALES or sorted(
        job.locale for job in jobs
    ) == sorted(SHIPPED_LOCALES)
    assert all(job.bilingual for job in jobs)
    with pytest.raises(UsageError, match="bilingual needs a target language"):
        kedu.plan_exports(article, "pdf", locales="en", catalogs=LOCALES, bilingual=True)
    with pytest.raises(LocaleError, match="no translation of 'ketamine-therapy' into 'de'"):
        kedu.plan_exports(article, "pdf", locales="de", catalogs=LOCALES)
    assert _planned(kedu.plan_exports(article, catalogs=LOCALES)) == [("en", "pdf", False)]


def test_a_batch_localizes_once_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = kedu.localization.localize

    def counting(article: Any, locale: str, **kwargs: Any) -> Any:
        calls.append(locale)
        return real(article, locale, **kwargs)

    monkeypatch.setattr(kedu.localization, "localize", counting)
    jobs = kedu.plan_exports(EXAMPLE, "json,docx", locales="all", catalogs=LOCALES)
    results = kedu.export_many(jobs)
    assert len(results) == len(jobs) == 14 and all(r.ok for r in results)
    # 7 localizations, not one per document
    assert sorted(calls) == sorted(["en", *SHIPPED_LOCALES])
    assert [r.job for r in results] == jobs  # in the order of the jobs


def test_portable_jobs_are_compact_and_report_localization_errors(
    project: Path, tmp_path: Path
) -> None:
    article_file = project / "examples" / "ketamine-therapy" / "article.yaml"
    locales = project / "locales"
    jobs = kedu.plan_exports(
        article_file, "pdf,docx,json", locales="all", catalogs=locales, portable=True
    )
    assert all(job.localized is not None for job in jobs)
    # The formats of one language share one localized article: pickled together
    # (as a group travels to a worker), it is stored once.
    one = len(pickle.dumps(jobs[:1]))
    assert len(pickle.dumps(jobs[:3])) < 1.2 * one
    (locales / "ru" / "LC_MESSAGES" / "ketamine-therapy.po").write_text(
        "this is not a catalog", encoding="utf-8"
    )
    broken = kedu.plan_exports(article_file, "json", locales="ru", catalogs=locales, portable=True)
    assert broken[0].problem is not None
    (result,) = kedu.export_many(broken)
    assert not result.ok and result.error == broken[0].problem
    assert "ketamine-therapy.po" in result.error


def test_the_command_line_uses_the_same_planning(tmp_path: Path) -> None:
    assert main(export_args("es,es_MX", tmp_path, fmt="json")) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["ketamine-therapy.es.json"]
