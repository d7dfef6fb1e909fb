"""Issue 16: things a new user of kedu tripped over (one test per item, or near it)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import kedu
from kedu.cli import main
from kedu.localization.catalogs import CatalogStore, read_catalog, write_catalog
from kedu.localization.review import mark_reviewed
from tests.conftest import EXAMPLE, export_args, mark_fuzzy, minimal_article


def _write(tmp_path: Path, data: dict[str, object], name: str = "a.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- 12: ids keep the meaning of their words -------------------------------------------------


def test_imported_ids_keep_negations(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "# Skin care after treatment\n\nA short guide.\n\n## What to avoid\n\n"
        "- **No scrubbing** — let the skin heal on its own.\n"
        "- **Not too much sun** — wear a hat outside.\n",
        encoding="utf-8",
    )
    article = kedu.import_article(post).article
    ids = [item.id for section in article.sections for item in getattr(section, "items", [])]
    assert ids == ["no-scrubbing", "not-sun"]


# --- 13: a wrongly written date says how to write it -----------------------------------------


@pytest.mark.parametrize("value", ["15/10/2026", "October 15, 2026", "next week"])
def test_bad_review_date_names_the_format(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, minimal_article(review_date=value))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "a.yaml:" in err and "review_date" in err and "YYYY-MM-DD" in err
    assert "invalid character" not in err


# --- 16: concise reprs -----------------------------------------------------------------------


def test_reprs_are_short(example: kedu.Article) -> None:
    job = kedu.ExportJob(article=example, locale="es", format="json", base_dir=EXAMPLE.parent)
    (result,) = kedu.export_many([job])
    assert result.ok and result.data is not None and len(result.data) > 10_000
    for value, expected in [
        (example, "Article(id='ketamine-therapy', "),
        (job, "ExportJob(article='ketamine-therapy', locale='es', format='json')"),
        (result, "JobResult('ketamine-therapy es json', ok: ketamine-therapy.es.json, "),
        (kedu.localize(example, "es", base_dir=EXAMPLE.parent),
         "LocalizedArticle('ketamine-therapy', locale='es', direction='ltr', review='draft')"),
    ]:
        assert repr(value).startswith(expected) and str(value) == repr(value)
        assert len(repr(value)) < 200
    failed = kedu.export_many([job.model_copy(update={"locale": "xx"})])[0]
    assert repr(failed).startswith("JobResult('ketamine-therapy xx json', failed: no translation")


# --- 17: the schema selects a section's kind by its type -------------------------------------


def test_schema_discriminates_sections_and_has_a_versioned_id() -> None:
    from kedu.schema import SCHEMA_ID, schema_text

    schema = json.loads(schema_text())
    assert schema["$id"] == SCHEMA_ID == "urn:kedu:schema:article:v1"
    assert "example.org" not in schema_text()
    validator = jsonschema.Draft202012Validator(schema)
    source = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    source["review_date"] = str(source["review_date"])
    assert not list(validator.iter_errors(source))

    source["sections"][1] = dict(source["sections"][1], paragraphz=["x"])
    error = jsonschema.exceptions.best_match(validator.iter_errors(source))
    assert error is not None and "'paragraphz' was unexpected" in error.message
    assert list(error.absolute_path) == ["sections", 1]

    source["sections"][1] = {"type": "pros", "id": "x"}
    error = jsonschema.exceptions.best_match(validator.iter_errors(source))
    assert error is not None and "'pros' is not one of" in error.message
    assert "is not valid under any of the given schemas" not in error.message


# --- translators ----------------------------------------------------------------------------

def _article_path(project: Path) -> Path:
    return project / "examples" / "ketamine-therapy" / "article.yaml"


def _pdf_text(path: Path) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_review_covers_the_label_catalog(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 1: stamping only the article catalog leaves the handout a draft (its
    disclaimer and draft notice come from kedu.po); `i18n review` stamps both."""
    from datetime import date

    locales = project / "locales"
    store = CatalogStore(locales)
    article = kedu.load_article(_article_path(project))
    po = store.po_path("es", "ketamine-therapy")
    catalog = read_catalog(po, "es")
    mark_reviewed(catalog, "Ana Ruiz, CMI", date(2026, 11, 20))
    write_catalog(po, catalog)
    doc = kedu.localize(article, "es", catalogs=locales)
    assert doc.review.state == "draft"
    assert doc.review.reason is not None and "kedu's labels" in doc.review.reason
    assert "kedu.po" in doc.review.reason
    out = project / "out"
    assert main(export_args("es", out, "--locales", str(locales), "--require-reviewed")) == 1
    assert "draft" in capsys.readouterr().err

    args = ["i18n", "review", "--lang", "es", "--by", "Ana Ruiz, CMI", "--locales", str(locales)]
    assert main([*args, str(_article_path(project))]) == 0
    printed = capsys.readouterr().out
    labels = store.po_path("es", "kedu")
    assert f"{labels}: reviewed by Ana Ruiz, CMI" in printed and f"{po}: reviewed" in printed
    assert "X-Reviewed-By: Ana Ruiz, CMI" in labels.read_text(encoding="utf-8")
    assert kedu.localize(article, "es", catalogs=locales).review.state == "reviewed"

    # A later edit of a label (here the disclaimer) undoes the review of the labels.
    text = labels.read_text(encoding="utf-8").replace("Esta hoja informativa", "Esta hoja", 1)
    labels.write_text(text, encoding="utf-8")
    doc = kedu.localize(article, "es", catalogs=locales)
    assert doc.review.state == "draft" and "kedu.po" in (doc.review.reason or "")


def _polish_labels() -> dict[str, str]:
    return {
        "page_of": "Strona {page} z {pages}",
        "last_reviewed": "Ostatnio sprawdzono: {date}",
        "photo_credit": "Zdjęcie: {credit}",
        "call_us": "Zadzwoń do nas",
        "website": "Strona internetowa",
        "email": "E-mail",
        "address": "Adres",
        "note": "Uwaga",
        "warning": "Ostrzeżenie",
        "tip": "Wskazówka",
        "disclaimer_heading": "Ważne",
        "default_disclaimer": "Ta ulotka ma charakter ogólny i nie zastępuje porady "
        "lekarza ani zespołu opieki. W nagłym wypadku dzwoń pod {emergency}.",
        "crisis_line": "W kryzysie psychicznym dzwoń pod {crisis_line} o każdej porze.",
        "date_format": "long",
        "month_names": "stycznia, lutego, marca, kwietnia, maja, czerwca, lipca, sierpnia, "
        "września, października, listopada, grudnia",
        "draft_notice": "Wersja robocza tłumaczenia, niesprawdzona przez tłumacza medycznego",
    }


def _translate_article(store: CatalogStore, locale: str) -> None:
    """Fill a new catalog with well-formed text (the Spanish will do for a test)."""
    path = store.po_path(locale, "ketamine-therapy")
    catalog = read_catalog(path, locale)
    spanish = read_catalog(store.po_path("es", "ketamine-therapy"), "es")
    for message in catalog:
        if message.id:
            message.string = spanish.get(message.id, message.context).string
    write_catalog(path, catalog)


def _translate_labels(store: CatalogStore, locale: str) -> None:
    path = store.po_path(locale, "kedu")
    catalog = read_catalog(path, locale)
    printed = _polish_labels()
    for message in catalog:
        if message.id:
            # kedu.po also holds `kedu serve`'s interface words; they print on no
            # handout, so the test leaves them in English (a translator would not).
            message.string = printed.get(str(message.context), message.id)
    write_catalog(path, catalog)


def test_init_says_labels_are_missing_and_one_error_lists_both_catalogs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Items 2 and 3."""
    from kedu.localization.workflow import DRAFT_TEAM

    locales = project / "locales"
    store = CatalogStore(locales)
    args = ["i18n", "init", "--lang", "pl", str(_article_path(project)), "--locales", str(locales)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "kedu's printed labels" in err and "kedu i18n init --labels --lang pl" in err
    po = store.po_path("pl", "ketamine-therapy")
    header = po.read_text(encoding="utf-8").split("\n\n")[0]
    assert DRAFT_TEAM.split(" (")[0] not in header
    assert "Language-Team: pl <LL@li.org>" in header  # gettext's placeholder, filled by Babel

    article = kedu.load_article(_article_path(project))
    with pytest.raises(kedu.KeduError) as info:
        kedu.localize(article, "pl", catalogs=locales)
    message = str(info.value)
    assert message.count("\n") == 0
    assert "58 of 58 messages" in message and "kedu's printed labels" in message
    assert "kedu i18n init --labels --lang pl" in message

    # With the labels started but empty, both catalogs are counted in the one error.
    assert main(["i18n", "init", "--labels", "--lang", "pl", "--locales", str(locales)]) == 0
    with pytest.raises(kedu.KeduError) as info:
        kedu.localize(article, "pl", catalogs=locales)
    message = str(info.value)
    assert "58 of 58 messages" in message
    assert f"14 of 14 kedu's printed labels in {store.po_path('pl', 'kedu')}" in message


def test_fuzzy_error_names_the_line(project: Path) -> None:
    """Item 4."""
    locales = project / "locales"
    po = locales / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    mark_fuzzy(po, "summary")
    lines = po.read_text(encoding="utf-8").splitlines()
    with pytest.raises(kedu.KeduError) as info:
        kedu.localize(kedu.load_article(_article_path(project)), "es", catalogs=locales)
    error = info.value
    assert str(error).startswith(f"{po}:{error.line}: ")
    assert error.line is not None and lines[error.line - 2] == 'msgctxt "summary"'
    assert "fuzzy" in str(error) and "[summary]" in str(error)


def test_emergency_number_is_organization_data(project: Path) -> None:
    """Item 5: the clinic sets 112 once; every language prints it through {emergency}."""
    locales = project / "locales"
    path = _article_path(project)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["organization"].update(emergency_number="112", crisis_line="116 123")
    del data["disclaimer"]  # kedu's default disclaimer, from the label catalogs
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    article = kedu.load_article(path)
    english = kedu.localize(article, "en", catalogs=locales).disclaimer
    assert english.endswith(
        "call 112. In a mental health crisis, call 116 123 for help at any hour."
    )
    for locale in ("es", "ht", "vi", "ru", "ar", "zh_Hans"):
        disclaimer = kedu.localize(article, locale, catalogs=locales).disclaimer
        assert "112" in disclaimer and "116 123" in disclaimer and "911" not in disclaimer
        assert "{" not in disclaimer, locale
    # Without settings, US numbers: 911 and no crisis sentence.
    del data["organization"]["emergency_number"], data["organization"]["crisis_line"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    plain = kedu.localize(kedu.load_article(path), "es", catalogs=locales).disclaimer
    assert plain.endswith("llame al 911.")

    # The checks accept {emergency} and refuse a number written in its place.
    from kedu.localization.checks import check_catalog

    labels = project / "locales" / "es" / "LC_MESSAGES" / "kedu.po"
    from kedu.localization.catalogs import BUILTIN_STORE

    labels.write_bytes(BUILTIN_STORE.po_path("es", "kedu").read_bytes())
    assert not [f for f in check_catalog(labels, "es") if f.severity == "error"]
    labels.write_text(
        labels.read_text(encoding="utf-8").replace("llame al {emergency}", "llame al 112"), "utf-8"
    )
    errors = [str(f) for f in check_catalog(labels, "es") if f.severity == "error"]
    assert len(errors) == 2 and all("[default_disclaimer]" in e for e in errors)
    assert any("placeholder {emergency} is missing" in e for e in errors)


def test_emergency_placeholder_in_article_text_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = minimal_article(
        sections=[{"type": "callout", "id": "help", "kind": "warning",
                   "text": "Trouble breathing? Call {emergency} now."}]
    )
    path = _write(tmp_path, data)
    (tmp_path / "kedu.toml").write_text('[organization]\nemergency_number = "999"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(path), "--format", "pdf", "--out", "out", "-q"]) == 0
    text = " ".join(_pdf_text(tmp_path / "out" / "demo.en.pdf").split())
    assert "Call 999 now." in text and "call 999." in text and "{emergency}" not in text

    data["sections"][0]["text"] = "Call {crisis_line}."
    _write(tmp_path, data)
    assert main(["export", str(path), "--format", "json", "--out", "out", "-q"]) == 1
    assert "organization.crisis_line" in capsys.readouterr().err


def test_every_shipped_locale_prints_a_readable_date(example: kedu.Article) -> None:
    """Item 6: CLDR has no long date for Haitian Creole; kedu.po supplies it."""
    import re

    dates = {
        loc: kedu.localize(example, loc, base_dir=EXAMPLE.parent).labels.last_reviewed or ""
        for loc in ("en", "es", "ht", "vi", "ru", "ar", "zh_Hans")
    }
    assert dates["ht"].endswith("1 novanm 2026")
    assert dates["es"].endswith("1 de noviembre de 2026")
    for locale, text in dates.items():
        assert not re.search(r"\bM\d\d?\b", text), (locale, text)


def test_translator_supplied_date_pattern_is_checked(project: Path) -> None:
    from kedu.localization.checks import check_catalog

    labels = project / "locales" / "ht" / "LC_MESSAGES" / "kedu.po"
    from kedu.localization.catalogs import BUILTIN_STORE

    text = BUILTIN_STORE.po_path("ht", "kedu").read_text(encoding="utf-8")
    labels.write_text(text.replace("janvye, fevriye, ", "janvye "), "utf-8")
    errors = [str(f) for f in check_catalog(labels, "ht") if f.severity == "error"]
    assert errors and "[month_names]" in errors[0] and "12 month names" in errors[0]
    with pytest.raises(kedu.KeduError, match="month_names"):
        kedu.localize(kedu.load_article(_article_path(project)), "ht",
                      catalogs=project / "locales")


def test_language_names_are_capitalized_labels() -> None:
    """Item 7."""
    from kedu.localization.locales import display_name

    assert display_name("es") == "Español"
    assert display_name("ru") == "Русский"
    assert display_name("vi") == "Tiếng Việt"
    assert display_name("ar") == "العربية"
    assert display_name("zh_Hans").startswith("中文")


def test_bilingual_column_label_is_capitalized(tmp_path: Path) -> None:
    assert main(export_args("es", tmp_path, "--bilingual", fmt="pdf")) == 0
    text = _pdf_text(tmp_path / "ketamine-therapy.en-es.pdf")
    assert "Español" in text and "español" not in text.split("English")[0]


def test_keywords_stay_out_of_translated_documents(tmp_path: Path) -> None:
    """Item 8: the English search words are the source's metadata only."""
    import io
    import zipfile

    from pypdf import PdfReader

    assert main(export_args("en,es", tmp_path, fmt="pdf,docx")) == 0
    english = PdfReader(tmp_path / "ketamine-therapy.en.pdf").metadata
    spanish = PdfReader(tmp_path / "ketamine-therapy.es.pdf").metadata
    assert english is not None and "ketamine" in str(english.get("/Keywords"))
    assert spanish is not None and not spanish.get("/Keywords")
    core = zipfile.ZipFile(io.BytesIO((tmp_path / "ketamine-therapy.es.docx").read_bytes()))
    assert "ketamine therapy" not in core.read("docProps/core.xml").decode()
    core = zipfile.ZipFile(io.BytesIO((tmp_path / "ketamine-therapy.en.docx").read_bytes()))
    assert "ketamine therapy" in core.read("docProps/core.xml").decode()


# --- the whole translator's round trip -----------------------------------------------------


def test_new_language_end_to_end(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init a new language (article + labels) → translate → review both catalogs →
    `--require-reviewed` export prints without a draft band."""
    import json as json_module

    locales = project / "locales"
    store = CatalogStore(locales)
    article = str(_article_path(project))
    loc = ["--locales", str(locales)]
    out = project / "out"
    assert main(["i18n", "init", "--lang", "pl", "--labels", article, *loc]) == 0
    assert "kedu.po: created" in capsys.readouterr().out

    _translate_article(store, "pl")
    _translate_labels(store, "pl")
    assert main(["i18n", "check", "--lang", "pl", *loc]) == 0
    assert main(["i18n", "stats", "--lang", "pl", "--min", "100", *loc]) == 0

    # Translated but not reviewed: refused, and a plain export carries the draft band.
    assert main(export_args("pl", out, *loc, "--require-reviewed", fmt="pdf")) == 1
    assert "draft" in capsys.readouterr().err
    assert main(export_args("pl", out, *loc, fmt="pdf")) == 0
    draft = _polish_labels()["draft_notice"]
    assert draft in " ".join(_pdf_text(out / "ketamine-therapy.pl.pdf").split())

    capsys.readouterr()
    assert main(["i18n", "review", "--lang", "pl", "--by", "Jan Nowak, lekarz", article, *loc]) == 0
    reviewed = capsys.readouterr().out
    assert reviewed.count("reviewed by Jan Nowak, lekarz") == 2 and "kedu.po" in reviewed

    assert main(export_args("pl", out, *loc, "--require-reviewed", fmt="pdf,json")) == 0
    text = " ".join(_pdf_text(out / "ketamine-therapy.pl.pdf").split())
    assert "Strona 1 z" in text and "Ostatnio sprawdzono: 1 listopada 2026" in text
    assert draft not in text
    envelope = json_module.loads((out / "ketamine-therapy.pl.json").read_text("utf-8"))
    assert "reviewed" in json_module.dumps(envelope)


# --- 14: phone numbers -----------------------------------------------------------------------


def test_phone_display_and_links() -> None:
    from kedu.localization.phones import phone_display, tel_href

    assert phone_display("617.555.0100") == ("(617) 555-0100", "tel:+16175550100")
    assert phone_display("+1 (617) 555-0100") == ("(617) 555-0100", "tel:+16175550100")
    assert phone_display("+44 20 7946 0958") == ("+44 20 7946 0958", "tel:+442079460958")
    assert phone_display("020 7946 0958", "GB") == ("020 7946 0958", "tel:+442079460958")
    assert tel_href("+1-555-0100") == tel_href("555-0100") == "tel:+15550100"
    assert phone_display("911") == ("911", "tel:911")


def test_one_number_one_link_in_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import subprocess

    from pypdf import PdfReader

    data = minimal_article(
        organization={"name": "Clinic", "phone": "617.555.0100"},
        sections=[{"type": "call_to_action", "id": "contact", "heading": "Questions?",
                   "text": "[Call us](tel:617-555-0100) or [this](tel:+1.617.555.0100).",
                   "show": ["phone"]}],
    )
    path = _write(tmp_path, data)
    monkeypatch.chdir(tmp_path)  # no kedu.toml: the article's own organization
    assert main(["export", str(path), "--format", "pdf,json", "--out", str(tmp_path), "-q"]) == 0
    pdf = tmp_path / "demo.en.pdf"
    uris = {
        str(annot.get_object()["/A"]["/URI"])
        for page in PdfReader(pdf).pages for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    }
    assert uris == {"tel:+16175550100"}
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "(617) 555-0100" in text and "617.555.0100" not in text
    exported = json.loads((tmp_path / "demo.en.json").read_text("utf-8"))
    assert re.findall(r"tel:[^)]+", json.dumps(exported["article"])) == ["tel:+16175550100"] * 2


def test_translation_check_compares_phone_numbers_not_their_spelling() -> None:
    from babel.messages.catalog import Message

    from kedu.localization.checks import check_message

    def phone_errors(source: str, target: str) -> list[str]:
        return [text for _sev, code, text in check_message(Message(source, target), 2)
                if code == "phone"]

    source = "Call (617) 555-0100 or +44 20 7946 0958."
    assert phone_errors(source, "Llame al 617 555 0100 o al +44 (0)20 7946 0958.") == []
    arabic_digits = "\u0666\u0661\u0667-\u0665\u0665\u0665-\u0660\u0661\u0660\u0660"
    assert phone_errors(source, f"Llame al {arabic_digits} o al +44 20 7946 0958.") == []
    assert phone_errors(source, "Llame al 617 555 0199 o al +44 20 7946 0958.") == [
        "phone number (617) 555-0100 is missing",
        "phone number 617 555 0199 is not in the source",
    ]
    # Amounts in groups of three are numbers, not phone numbers.
    assert phone_errors("About 1 000 000 people.", "Unos 1 000 000 de personas.") == []


# --- 9, 10, 11: importing a clinic's own posts ---------------------------------------------

_POST = """# Caring for your skin after laser treatment

What to do in the first week.

## What to avoid

The first days matter most.

Your skin is healing under the surface.

- **No scrubbing** — let the skin heal on its own.
- **Hot baths** — they dry the skin.

## Frequently Asked Questions

### When can I wear makeup?

After three days.

If you have questions, call us or write to us any weekday.
"""


def test_import_and_validate_say_what_the_handout_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no kedu.toml here
    (tmp_path / "post.md").write_text(_POST, encoding="utf-8")
    assert main(["import", "post.md", "-o", "article.yaml"]) == 0
    err = capsys.readouterr().err
    # 9: the guessed contact box has nothing to show.
    assert "contact box 'contact' shows phone, website, email, address" in err
    # 10: no review date, no clinic name.
    assert "review_date: no review date" in err and "organization.name: no organization" in err
    # 11: two paragraphs became one intro.
    assert "2 paragraphs before the list under 'What to avoid' were joined" in err

    assert main(["validate", "article.yaml"]) == 0
    out, err = capsys.readouterr()
    assert "article.yaml: ok" in out
    warnings = err.strip().splitlines()
    assert len(warnings) == 3
    assert all(w.startswith("kedu: warning: article.yaml:") for w in warnings)
    lines = Path("article.yaml").read_text(encoding="utf-8").splitlines()
    contact = next(w for w in warnings if "contact box" in w)
    line = int(contact.split(":")[3])
    assert lines[line - 1].strip().startswith("show:") or "show" in lines[line - 1]

    # export warns too, and still makes the handout.
    assert main(["export", "article.yaml", "--format", "json", "--out", "out"]) == 0
    assert "contact box 'contact'" in capsys.readouterr().err

    # With the clinic's details in kedu.toml there is nothing to warn about.
    data = yaml.safe_load(Path("article.yaml").read_text(encoding="utf-8"))
    data["review_date"] = "2026-10-15"
    Path("article.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    Path("kedu.toml").write_text('[organization]\nname = "Clinic"\nphone = "555-0100"\n', "utf-8")
    assert main(["validate", "article.yaml"]) == 0
    assert capsys.readouterr().err == ""
