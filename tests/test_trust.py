"""A translation prints only when it can be trusted on a patient handout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kedu.cli import main
from kedu.errors import CatalogError, KeduError
from kedu.load import load_article
from kedu.localization import localize
from kedu.localization.catalogs import BUILTIN_STORE


def _article(project: Path) -> Path:
    return project / "examples" / "ketamine-therapy" / "article.yaml"


def _edit_msgstr(po: Path, context: str, old: str, new: str) -> int:
    """Replace ``old`` in the translation of ``context``; return the msgid's line."""
    text = po.read_text(encoding="utf-8")
    block = text.index(f'msgctxt "{context}"')
    at = text.index(old, text.index("msgstr", block))
    po.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text[:block].count("\n") + 2


def test_changed_phone_number_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    _edit_msgstr(po, "contact/text", "tel:+15550100", "tel:+15550199")
    args = [
        "export",
        str(_article(project)),
        "--lang",
        "es",
        "--format",
        "json",
        "--out",
        str(project / "out"),
        "--locales",
        str(project / "locales"),
        "-q",
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "ketamine-therapy.po:" in err and "[contact/text]" in err
    assert "cannot be printed" in err and "kedu i18n check" in err
    assert not (project / "out" / "ketamine-therapy.es.json").exists()

    assert main([*args, "--allow-partial"]) == 0
    data = json.loads((project / "out" / "ketamine-therapy.es.json").read_text("utf-8"))
    assert data["fallbacks"] == ["contact/text"]
    assert "tel:+15550100" in data["article"]["sections"][-1]["text"]  # E.164 link
    assert data["review"]["state"] == "draft"


def test_broken_markup_in_a_translation_is_a_kedu_error(project: Path) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    _edit_msgstr(po, "how-it-feels/p3", "**", "")
    article = load_article(_article(project))
    with pytest.raises(CatalogError) as info:
        localize(article, "es", catalogs=project / "locales")
    message = str(info.value)
    assert isinstance(info.value, KeduError)
    assert message.startswith(f"{po}:") and "[how-it-feels/p3]" in message


def test_wrong_label_placeholder_names_the_label_catalog(project: Path) -> None:
    locales = project / "locales"
    override = locales / "es" / "LC_MESSAGES" / "kedu.po"
    override.write_bytes(BUILTIN_STORE.po_path("es", "kedu").read_bytes())
    line = _edit_msgstr(override, "last_reviewed", "{date}", "{fecha}")
    article = load_article(_article(project))
    with pytest.raises(CatalogError) as info:
        localize(article, "es", catalogs=locales)
    message = str(info.value)
    assert message.startswith(f"{override}:")
    assert "[last_reviewed]" in message and "{date}" in message
    assert message.split(":")[1] == str(line)
    # With --allow-partial the broken override is skipped: kedu's own Spanish label prints.
    doc = localize(article, "es", catalogs=locales, allow_partial=True)
    assert doc.labels.last_reviewed is not None and "noviembre" in doc.labels.last_reviewed


def test_a_review_never_covers_an_unfinished_catalog(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article_path = _article(project)
    locales = project / "locales"
    assert (
        main(["i18n", "init", "--lang", "pt_BR", str(article_path), "--locales", str(locales)]) == 0
    )
    assert (
        main(
            [
                "i18n",
                "review",
                "--lang",
                "pt_BR",
                "--by",
                "X",
                str(article_path),
                "--locales",
                str(locales),
            ]
        )
        == 1
    )
    assert "cannot record a review: 58 messages are untranslated" in capsys.readouterr().err
    assert main(["i18n", "review", "--lang", "es", "--by", " ", "--locales", str(locales)]) == 2


def test_reviewed_catalog_with_fallbacks_prints_as_draft(project: Path) -> None:
    article_path = _article(project)
    locales = project / "locales"
    assert main(["i18n", "review", "--lang", "es", "--by", "Ana", "--locales", str(locales)]) == 0
    source = article_path.read_text(encoding="utf-8")
    article_path.write_text(source.replace("Most sessions last", "Most visits last", 1), "utf-8")
    doc = localize(load_article(article_path), "es", catalogs=locales, allow_partial=True)
    assert doc.review.state == "draft" and doc.report.fallbacks == ["faq/session-length/answer"]


def test_new_language_needs_its_labels(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kedu.localization.catalogs import CatalogStore, read_catalog, write_catalog

    article_path = _article(project)
    locales = project / "locales"
    store = CatalogStore(locales)
    assert main(["i18n", "init", "--lang", "fr", str(article_path), "--locales", str(locales)]) == 0
    catalog = read_catalog(store.po_path("fr", "ketamine-therapy"), "fr")
    spanish = read_catalog(store.po_path("es", "ketamine-therapy"), "es")
    for message in catalog:  # any complete, well-formed translation will do for the test
        if message.id:
            message.string = spanish.get(message.id, message.context).string
    write_catalog(store.po_path("fr", "ketamine-therapy"), catalog)
    article = load_article(article_path)
    with pytest.raises(KeduError) as info:
        localize(article, "fr", catalogs=locales)
    assert "kedu i18n init --labels --lang fr" in str(info.value)

    assert main(["i18n", "init", "--labels", "--lang", "fr", "--locales", str(locales)]) == 0
    labels = read_catalog(store.po_path("fr", "kedu"), "fr")
    french = {
        "page_of": "Page {page} sur {pages}",
        "last_reviewed": "Revu le {date}",
        "photo_credit": "Photo : {credit}",
        "call_us": "Appelez-nous",
        "website": "Site web",
        "email": "Courriel",
        "address": "Adresse",
        "note": "Remarque",
        "warning": "Attention",
        "tip": "Conseil",
        "disclaimer_heading": "Important",
        "default_disclaimer": "Ce document ne remplace pas l'avis de votre médecin. "
        "En cas d'urgence, appelez le {emergency}.",
        "crisis_line": "En cas de crise de santé mentale, appelez le {crisis_line}.",
        "date_format": "long",
        "month_names": "janvier, février, mars, avril, mai, juin, juillet, août, septembre, "
        "octobre, novembre, décembre",
        "draft_notice": "Traduction provisoire, non relue par un traducteur médical qualifié",
    }
    for message in labels:
        if message.id and message.context in french:  # the printed labels (not kedu serve's)
            message.string = french[str(message.context)]
    write_catalog(store.po_path("fr", "kedu"), labels)
    doc = localize(article, "fr", catalogs=locales)
    assert doc.labels.page_counter(1, 3) == "Page 1 sur 3"
    assert doc.review.state == "draft" and doc.report.label_fallbacks == []
