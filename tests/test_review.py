"""Translation review status: recorded in the .po header, printed, enforced."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from kedu.cli import main
from kedu.load import load_article
from kedu.localization import localize
from kedu.localization.catalogs import CatalogStore, read_catalog, write_catalog
from tests.conftest import export_args


def _article(project: Path) -> Path:
    return project / "examples" / "ketamine-therapy" / "article.yaml"


def test_shipped_catalogs_are_drafts(project: Path) -> None:
    article = load_article(_article(project))
    for locale in ("es", "ar", "zh_Hans"):
        doc = localize(article, locale, catalogs=project / "locales")
        assert doc.review.state == "draft"
        assert doc.review.reason == "no review is recorded in the catalog"
    assert localize(article, "en", catalogs=project / "locales").review.state == "source"


def test_review_command_records_and_a_source_change_undoes_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _article(project)
    locales = project / "locales"
    assert (
        main(
            [
                "i18n",
                "review",
                "--lang",
                "es",
                "--by",
                "Ana Ruiz, CMI",
                "--date",
                "2026-11-20",
                str(path),
                "--locales",
                str(locales),
            ]
        )
        == 0
    )
    text = (locales / "es" / "LC_MESSAGES" / "ketamine-therapy.po").read_text(encoding="utf-8")
    assert '"X-Reviewed-By: Ana Ruiz, CMI\\n"' in text
    assert '"X-Review-Date: 2026-11-20\\n"' in text
    doc = localize(load_article(path), "es", catalogs=locales)
    assert doc.review.state == "reviewed" and doc.review.reviewed_by == "Ana Ruiz, CMI"

    out = project / "out"
    assert (
        main(
            export_args(
                "es", str(out), "--locales", str(locales), "--require-reviewed", "-q", article=path
            )
        )
        == 0
    )
    data = json.loads((out / "ketamine-therapy.es.json").read_text(encoding="utf-8"))
    assert data["review"] == {
        "state": "reviewed",
        "reviewed_by": "Ana Ruiz, CMI",
        "review_date": "2026-11-20",
        "reason": None,
    }

    # The article changes: update makes one message fuzzy, so the review no longer holds.
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("Most sessions last", "Most visits last", 1), encoding="utf-8")
    assert main(["i18n", "update", str(path), "--locales", str(locales)]) == 0
    edited = load_article(path)
    doc = localize(edited, "es", catalogs=locales, allow_partial=True)
    assert doc.review.state == "draft"
    assert doc.review.reason == "1 message printed in the source language (--allow-partial)"
    from kedu.localization.catalogs import CatalogStore as _Store
    from kedu.localization.review import review_status

    es = read_catalog(_Store(locales).po_path("es", "ketamine-therapy"), "es")
    assert review_status(es).reason == "the catalog has fuzzy messages since the review"

    # The translator fixes the message: still a draft until someone reviews again.
    store = CatalogStore(locales)
    catalog = read_catalog(store.po_path("es", "ketamine-therapy"), "es")
    for message in catalog:
        if message.fuzzy and message.id:
            message.flags.discard("fuzzy")
            message.previous_id = []
    write_catalog(store.po_path("es", "ketamine-therapy"), catalog)
    doc = localize(edited, "es", catalogs=locales)
    assert doc.review.state == "draft"
    assert doc.review.reason == "messages changed after the review"


def test_require_reviewed_refuses_drafts(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        export_args(
            "ar",
            str(project / "out"),
            "--locales",
            str(project / "locales"),
            "--require-reviewed",
            "-q",
            article=_article(project),
        )
    )
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kedu: failed: ketamine-therapy ar json:")
    assert "is a draft" in err and "kedu i18n review --lang ar" in err
    assert not (project / "out" / "ketamine-therapy.ar.json").exists()


def test_review_without_article_reviews_every_catalog_of_the_locale(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locales = project / "locales"
    assert (
        main(["i18n", "review", "--lang", "zh-Hans", "--by", "Li Wei", "--locales", str(locales)])
        == 0
    )
    assert "zh_Hans/LC_MESSAGES/ketamine-therapy.po: reviewed by Li Wei" in capsys.readouterr().out
    doc = localize(load_article(_article(project)), "zh_Hans", catalogs=locales)
    assert doc.review.state == "reviewed"
    assert main(["i18n", "review", "--lang", "fr", "--by", "X", "--locales", str(locales)]) == 2


def test_review_unknown_locale(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "i18n",
                "review",
                "--lang",
                "fr",
                "--by",
                "X",
                str(_article(project)),
                "--locales",
                str(project / "locales"),
            ]
        )
        == 2
    )
    assert "available locales: ar, es, ht, ru, vi, zh_Hans" in capsys.readouterr().err


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join((page.extract_text() or "") for page in PdfReader(path).pages)


def _docx_header_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    return " ".join(p.text for s in document.sections for p in s.header.paragraphs)


def test_draft_notice_is_printed_until_reviewed_and_returns_after_a_change(
    project: Path,
) -> None:
    from kedu.localization.catalogs import BUILTIN_STORE

    path = _article(project)
    locales = project / "locales"
    out = project / "out"
    notice = next(
        m.string
        for m in read_catalog(BUILTIN_STORE.po_path("es", "kedu"), "es")
        if m.context == "draft_notice"
    )
    assert (
        notice and notice != "Draft translation, not yet reviewed by a qualified medical translator"
    )
    args = [
        "export",
        str(path),
        "--lang",
        "es",
        "--format",
        "pdf,docx",
        "--out",
        str(out),
        "--locales",
        str(locales),
        "-q",
        "--jobs",
        "1",
    ]

    assert main(args) == 0
    words = notice.split()[:4]
    assert " ".join(words) in " ".join(_pdf_text(out / "ketamine-therapy.es.pdf").split())
    assert notice in _docx_header_text(out / "ketamine-therapy.es.docx")

    assert (
        main(["i18n", "review", "--lang", "es", "--by", "Ana Ruiz", "--locales", str(locales)]) == 0
    )
    assert main(args) == 0
    assert " ".join(words) not in " ".join(_pdf_text(out / "ketamine-therapy.es.pdf").split())
    assert notice not in _docx_header_text(out / "ketamine-therapy.es.docx")

    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("Most sessions last", "Most visits last", 1), "utf-8")
    assert main(["i18n", "update", str(path), "--locales", str(locales)]) == 0
    assert main([*args, "--allow-partial"]) == 0
    assert " ".join(words) in " ".join(_pdf_text(out / "ketamine-therapy.es.pdf").split())


def test_a_review_of_labels_covers_what_prints_not_the_staff_interface(tmp_path: Path) -> None:
    """kedu.po also holds the words of `kedu serve`'s interface; a medical review of the
    printed labels neither waits for them nor is undone by editing them."""
    from datetime import date

    from kedu.localization.review import review_status
    from kedu.localization.workflow import record_review

    shipped = Path(__file__).resolve().parent.parent / "kedu" / "locales" / "es"
    po = tmp_path / "es" / "LC_MESSAGES" / "kedu.po"
    po.parent.mkdir(parents=True)
    # read_catalog caches what it parsed: change a copy, never the shipped catalog
    catalog = copy.deepcopy(read_catalog(shipped / "LC_MESSAGES" / "kedu.po", "es"))
    interface = [m for m in catalog if m.id and (m.context or "").startswith("serve/")]
    printed = [m for m in catalog if m.id and not (m.context or "").startswith("serve/")]
    assert interface and printed
    for message in interface:
        message.string = ""  # the interface is not translated yet
    write_catalog(po, catalog)

    record_review(CatalogStore(tmp_path), "kedu", "es", "Ana Ruiz, CMI", date(2026, 12, 1))
    assert review_status(read_catalog(po, "es")).state == "reviewed"

    catalog = copy.deepcopy(read_catalog(po, "es"))
    next(m for m in catalog if m.id == interface[0].id).string = "Biblioteca"
    write_catalog(po, catalog)
    assert review_status(read_catalog(po, "es")).state == "reviewed"

    catalog = copy.deepcopy(read_catalog(po, "es"))
    label = next(m for m in catalog if m.id == printed[0].id and m.context == printed[0].context)
    label.string = f"{label.string} (editado)"
    write_catalog(po, catalog)
    status = review_status(read_catalog(po, "es"))
    assert status.state == "draft" and status.reason == "messages changed after the review"
