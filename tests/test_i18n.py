"""The translators' workflow and localize()."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from kedu.cli import main
from kedu.errors import LocaleError, MissingTranslationError
from kedu.load import load_article
from kedu.localization import localize
from kedu.localization.catalogs import (
    BUILTIN_STORE,
    CatalogStore,
    po_bytes,
    read_catalog,
    write_catalog,
)
from kedu.localization.extract import article_template
from kedu.localization.workflow import extract_templates, init_catalog, update_catalogs
from kedu.models import Article, plain_text
from tests.conftest import EXAMPLE, LOCALES, SHIPPED_LOCALES, export_args


def _read(path: Path):  # type: ignore[no-untyped-def]
    return read_catalog(path)


def test_extraction_is_deterministic(example: Article, tmp_path: Path) -> None:
    first = po_bytes(article_template(example, EXAMPLE, project_root=EXAMPLE.parents[2]))
    second = po_bytes(article_template(example, EXAMPLE, project_root=EXAMPLE.parents[2]))
    assert first == second
    shipped = (LOCALES / "templates" / "ketamine-therapy.pot").read_bytes()
    assert first == shipped, (
        "locales/templates/ketamine-therapy.pot is stale: run kedu i18n extract"
    )


def test_template_messages_have_context_comments_and_lines(example: Article) -> None:
    catalog = article_template(example, EXAMPLE, project_root=EXAMPLE.parents[2])
    messages = [m for m in catalog if m.id]
    assert [m.context for m in messages] == [s.path for s in example.segments()]
    term = next(m for m in messages if m.context == "sensations/euphoria/term")
    assert "keep it short" in term.auto_comments[0]
    path, line = term.locations[0]
    assert path == "examples/ketamine-therapy/article.yaml"
    assert "Euphoria" in EXAMPLE.read_text().splitlines()[line - 1]
    faq = next(m for m in messages if m.context.endswith("session-length/question"))
    assert faq.auto_comments[0].startswith("FAQ question")


def test_cli_extract_twice_gives_identical_bytes(project: Path) -> None:
    article = project / "examples" / "ketamine-therapy" / "article.yaml"
    pot = project / "locales" / "templates" / "ketamine-therapy.pot"
    assert main(["i18n", "extract", str(article), "--locales", str(project / "locales")]) == 0
    once = pot.read_bytes()
    assert main(["i18n", "extract", str(article), "--locales", str(project / "locales")]) == 0
    assert pot.read_bytes() == once


def _edit_example(project: Path, old: str, new: str) -> Path:
    article = project / "examples" / "ketamine-therapy" / "article.yaml"
    text = article.read_text(encoding="utf-8")
    assert text.count(old) == 1
    article.write_text(text.replace(old, new), encoding="utf-8")
    return article


def test_update_makes_exactly_the_edited_message_fuzzy(project: Path, example: Article) -> None:
    segment = next(s for s in example.segments() if s.path == "faq/session-length/answer")
    first_sentence = segment.text.split(". ")[0]
    article_path = _edit_example(project, first_sentence, first_sentence + " or a little more")
    store = CatalogStore(project / "locales")
    before = {loc: _read(store.po_path(loc, "ketamine-therapy")) for loc in SHIPPED_LOCALES}
    assert main(["i18n", "update", str(article_path), "--locales", str(store.root)]) == 0
    for loc in SHIPPED_LOCALES:
        after = _read(store.po_path(loc, "ketamine-therapy"))
        fuzzy = [m.context for m in after if m.id and m.fuzzy]
        assert fuzzy == ["faq/session-length/answer"], loc
        changed = next(m for m in after if m.context == "faq/session-length/answer")
        assert changed.previous_id == [segment.text]
        old = {m.context: m.string for m in before[loc] if m.id}
        assert changed.string == old["faq/session-length/answer"]
        for message in after:
            if message.id and message.context != "faq/session-length/answer":
                assert message.string == old[message.context]
    # The fuzzy message is never printed: the stale translation is refused.
    edited = load_article(article_path)
    with pytest.raises(MissingTranslationError, match="faq/session-length/answer"):
        localize(edited, "es", catalogs=store.root)


def test_translator_comments_survive_update(project: Path) -> None:
    store = CatalogStore(project / "locales")
    path = store.po_path("es", "ketamine-therapy")
    catalog = read_catalog(path, "es")
    next(m for m in catalog if m.context == "title").user_comments.append("Revisado con Dra. P.")
    write_catalog(path, catalog)
    update_catalogs(store, ["ketamine-therapy"])
    assert "# Revisado con Dra. P." in path.read_text(encoding="utf-8")


def test_removed_message_goes_obsolete(project: Path) -> None:
    article_path = project / "examples" / "ketamine-therapy" / "article.yaml"
    article = load_article(article_path)
    shorter = article.model_copy(update={"subtitle": None})
    store = CatalogStore(project / "locales")
    extract_templates([(shorter, article_path)], store)
    update_catalogs(store)
    text = store.po_path("ru", "ketamine-therapy").read_text(encoding="utf-8")
    assert '#~ msgctxt "subtitle"' in text


def test_reordering_sections_loses_no_translation(project: Path, example: Article) -> None:
    reordered = example.model_copy(update={"sections": list(reversed(example.sections))})
    store = CatalogStore(project / "locales")
    extract_templates([(reordered, EXAMPLE)], store)
    update_catalogs(store)
    for loc in SHIPPED_LOCALES:
        doc = localize(reordered, loc, catalogs=store.root)
        assert doc.report.fallbacks == []


def test_identical_sources_translate_differently(tmp_path: Path) -> None:
    article = Article.model_validate(
        {
            "id": "twice",
            "title": "Rest",
            "sections": [
                {"type": "prose", "id": "a", "heading": "Rest", "paragraphs": ["Rest."]},
            ],
        }
    )
    store = CatalogStore(tmp_path / "locales")
    source = tmp_path / "twice.yaml"
    source.write_text("id: twice\n")
    extract_templates([(article, source)], store)
    init_catalog(store, "twice", "es")
    catalog = read_catalog(store.po_path("es", "twice"), "es")
    wording = {"title": "Descanso", "a/heading": "Reposo", "a/p1": "Descanse."}
    for message in catalog:
        if message.id:
            message.string = wording[message.context]
    write_catalog(store.po_path("es", "twice"), catalog)
    doc = localize(article, "es", catalogs=store.root)
    assert doc.article.title == "Descanso"
    assert doc.article.sections[0].heading == "Reposo"  # type: ignore[union-attr]


def test_spanish_json_has_every_msgstr_and_no_english(example: Article, tmp_path: Path) -> None:
    assert main(export_args("es", str(tmp_path), "-q")) == 0
    data = json.loads((tmp_path / "ketamine-therapy.es.json").read_text(encoding="utf-8"))
    assert data["locale"] == "es" and data["review"]["state"] == "draft"
    article = Article.model_validate(data["article"])
    texts = {s.path: s.text for s in article.segments()}
    catalog = _read(LOCALES / "es" / "LC_MESSAGES" / "ketamine-therapy.po")
    for message in catalog:
        if message.id:
            assert texts[message.context] == message.string
    english = {s.path: s.text for s in example.segments()}
    for path, text in texts.items():
        assert text != english[path], path


def test_missing_translation_error_and_allow_partial(project: Path, example: Article) -> None:
    store = CatalogStore(project / "locales")
    path = store.po_path("vi", "ketamine-therapy")
    catalog = read_catalog(path, "vi")
    for message in catalog:
        if message.context in ("title", "misuse-risks/tolerance/term"):
            message.string = ""
        if message.context == "summary":
            message.flags.add("fuzzy")
    write_catalog(path, catalog)
    with pytest.raises(MissingTranslationError) as info:
        localize(example, "vi", catalogs=store.root)
    message = str(info.value)
    assert "3 of" in message and "title" in message and "--allow-partial" in message
    assert message.startswith(str(path))
    doc = localize(example, "vi", catalogs=store.root, allow_partial=True)
    assert doc.report.fallbacks == ["title", "summary", "misuse-risks/tolerance/term"]
    assert doc.article.title == example.title


def test_locale_negotiation(project: Path, example: Article) -> None:
    store = CatalogStore(project / "locales")
    shutil.copytree(store.root / "es", store.root / "pt")
    # kedu's labels for pt come from the project's locales folder (it overrides the built-in).
    shutil.copy(BUILTIN_STORE.po_path("es", "kedu"), store.po_path("pt", "kedu"))
    for form in ("pt_BR", "pt-BR", "pt"):
        assert localize(example, form, catalogs=store.root).locale == "pt"
    assert localize(example, "es_MX", catalogs=store.root).locale == "es"
    assert localize(example, "zh-Hans", catalogs=store.root).locale == "zh_Hans"
    assert localize(example, "en_US", catalogs=store.root).locale == "en"
    with pytest.raises(LocaleError, match="available locales: en, ar, es"):
        localize(example, "fr", catalogs=store.root)


def test_direction_and_labels_travel_with_the_article(example: Article) -> None:
    arabic = localize(example, "ar", base_dir=EXAMPLE.parent)
    assert arabic.direction == "rtl" and arabic.language_tag == "ar"
    assert arabic.labels.page_of != "Page {page} of {pages}"
    assert "{page}" in arabic.labels.page_of
    chinese = localize(example, "zh_Hans", base_dir=EXAMPLE.parent)
    assert chinese.language_tag == "zh-Hans" and chinese.direction == "ltr"
    spanish = localize(example, "es", base_dir=EXAMPLE.parent)
    assert "noviembre" in (spanish.labels.last_reviewed or "")
    assert spanish.labels.page_counter(2, 3) == spanish.labels.page_of.format(page=2, pages=3)


def test_unknown_locale_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(EXAMPLE), "--lang", "xx", "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "available locales: en, ar, es, ht, ru, vi, zh_Hans" in err


def test_init_writes_headers_and_plural_forms(project: Path) -> None:
    article = project / "examples" / "ketamine-therapy" / "article.yaml"
    assert (
        main(["i18n", "init", "--lang", "pl", str(article), "--locales", str(project / "locales")])
        == 0
    )
    text = (project / "locales" / "pl" / "LC_MESSAGES" / "ketamine-therapy.po").read_text()
    assert '"Language: pl\\n"' in text
    assert "nplurals=3" in text
    assert 'msgctxt "sensations/euphoria/term"' in text
    assert (
        main(["i18n", "init", "--lang", "pl", str(article), "--locales", str(project / "locales")])
        == 1
    )


def test_edit_po_and_reexport_without_compiling(project: Path, example: Article) -> None:
    store = CatalogStore(project / "locales")
    path = store.po_path("es", "ketamine-therapy")
    first = localize(example, "es", catalogs=store.root).article.title
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'msgstr "{first}"', 'msgstr "Título corregido"'), "utf-8")
    assert localize(example, "es", catalogs=store.root).article.title == "Título corregido"


def test_compile_writes_mo(project: Path) -> None:
    assert main(["i18n", "compile", "--locales", str(project / "locales")]) == 0
    assert (project / "locales" / "ar" / "LC_MESSAGES" / "ketamine-therapy.mo").stat().st_size > 0


def test_kedu_labels_template_is_current() -> None:
    from kedu.localization.catalogs import BUILTIN_STORE
    from kedu.localization.extract import labels_template

    shipped = BUILTIN_STORE.template_path("kedu").read_bytes()
    assert po_bytes(labels_template()) == shipped


def test_localized_plain_text_has_no_markup(example: Article) -> None:
    doc = localize(example, "ru", base_dir=EXAMPLE.parent)
    for segment in doc.article.segments():
        assert "**" not in plain_text(segment.text)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt not installed")
def test_gnu_msgfmt_accepts_every_shipped_catalog() -> None:
    import subprocess

    from kedu.localization.catalogs import BUILTIN_STORE

    catalogs = sorted(LOCALES.glob("*/LC_MESSAGES/*.po"))
    catalogs += sorted(BUILTIN_STORE.root.glob("*/LC_MESSAGES/*.po"))
    assert len(catalogs) == 12
    for po in catalogs:
        done = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "warning" not in done.stderr, done.stderr


def test_po_with_byte_order_mark_reads(tmp_path: Path) -> None:
    po = tmp_path / "es.po"
    po.write_bytes(b"\xef\xbb\xbf" + (LOCALES / "es/LC_MESSAGES/ketamine-therapy.po").read_bytes())
    assert len(read_catalog(po, "es")) == 58


def test_duplicate_entry_in_po_is_an_error(tmp_path: Path) -> None:
    from kedu.errors import CatalogError

    text = (LOCALES / "es/LC_MESSAGES/ketamine-therapy.po").read_text(encoding="utf-8")
    start = text.index('msgctxt "title"')
    entry = text[start : text.index("\n\n", start)]
    po = tmp_path / "es.po"
    po.write_text(text + "\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="a second entry for msgctxt 'title'") as info:
        read_catalog(po, "es")
    assert str(info.value).startswith(f"{po}:{text.count(chr(10)) + 3}:")  # its msgid line


@pytest.mark.parametrize(
    "creation, revision",
    [
        ("2026-03-01 12:00+0100", "2026-03-02 08:30-0530"),
        ("2026-03-01 12:00", "YEAR-MO-DA HO:MI+ZONE"),
        ("2026-03-01 12:00+0000", ""),
        ("2026-3-1 9:05", "2026-03-02 08:30+0200"),  # a form only Babel reads
        ("2026-13-01 12:00", "2026-03-02 08:30"),  # no such month: Babel's error
        ("", "2026-02-30 08:30"),
    ],
)
def test_catalog_header_dates_read_as_babel_reads_them(creation: str, revision: str) -> None:
    """kedu's catalog class keeps Babel's reading of the date headers: every
    value, and every error, is Babel's own."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    from kedu.localization.catalogs import KeduCatalog

    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"POT-Creation-Date: {creation}\\n"\n"PO-Revision-Date: {revision}\\n"\n'
        '"Language: es\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    )
    outcomes: list[tuple[object, object]] = []
    for catalog in (KeduCatalog(locale="es"), Catalog(locale="es")):
        try:
            PoFileParser(catalog).parse(io.BytesIO(po.encode()))
            outcomes.append((catalog.creation_date, catalog.revision_date))
        except ValueError as exc:
            outcomes.append(("error", str(exc)))
    ours, babels = outcomes
    if babels[0] == "error":
        assert ours == babels
        return
    # The catalog's own defaults (now, the placeholder) where a header gives none.
    for mine, theirs, given in zip(ours, babels, (creation, revision), strict=True):
        if given.strip() and "YEAR" not in given:
            assert mine == theirs and repr(mine) == repr(theirs)
            assert getattr(mine, "tzinfo", None) == getattr(theirs, "tzinfo", None)
