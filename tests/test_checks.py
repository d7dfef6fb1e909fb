"""Translation quality checks (kedu.localization.checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from kedu.localization.catalogs import BUILTIN_STORE, CatalogStore
from kedu.localization.checks import Finding, check_catalog, check_store

SHIPPED_LOCALES = ["es", "ht", "vi", "ru", "ar", "zh_Hans"]


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def write_catalog(
    tmp_path: Path,
    messages: list[tuple[str, str | tuple[str, str], str | tuple[str, ...]]],
    *,
    locale: str = "es",
    fuzzy: frozenset[str] = frozenset(),
) -> Path:
    """A .po in tmp_path/<locale>/LC_MESSAGES/demo.po from (msgctxt, msgid, msgstr)."""
    catalog = Catalog(locale=locale, domain="demo", fuzzy=False)
    for context, msgid, msgstr in messages:
        flags = ["fuzzy"] if context in fuzzy else []
        catalog.add(msgid, msgstr, context=context, flags=flags)
    path = tmp_path / locale / "LC_MESSAGES" / "demo.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def check_one(tmp_path: Path, msgid: str, msgstr: str) -> list[Finding]:
    return check_catalog(write_catalog(tmp_path, [("ctx", msgid, msgstr)]))


def errors(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings if f.severity == "error"]


def test_good_translation_has_no_findings(tmp_path: Path) -> None:
    source = "Take **0.5 mg** of it, then [call us](tel:+1-555-0100) at 555-0100 within 45 minutes."
    target = "Tome **0,5 mg**, luego [llámenos](tel:+1-555-0100) al 555-0100 en 45 minutos."
    assert check_one(tmp_path, source, target) == []


def test_dropped_link(tmp_path: Path) -> None:
    source = "Please [call us](tel:+1-555-0100) or send us a message."
    findings = check_one(tmp_path, source, "Llámenos o envíenos un mensaje.")
    assert ("link", "link target tel:+15550100 is missing") in errors(findings)


def test_links_in_another_order(tmp_path: Path) -> None:
    source = "See [one](https://a.example) and [two](https://b.example)."
    target = "Vea [dos](https://b.example) y [uno](https://a.example)."
    assert errors(check_one(tmp_path, source, target)) == [
        ("link", "the links are in a different order than in the source")
    ]


def test_changed_number(tmp_path: Path) -> None:
    source = "Most sessions last from about 45 minutes to a few hours."
    target = "La mayoría de las sesiones duran de 46 minutos a unas horas."
    assert errors(check_one(tmp_path, source, target)) == [
        ("number", "number 45 is missing from the translation"),
        ("number", "number 46 is not in the source"),
    ]


def test_decimal_separator_of_the_locale_is_accepted(tmp_path: Path) -> None:
    assert check_one(tmp_path, "Take 0.5 mg or 1,000 mcg.", "Tome 0,5 mg o 1.000 mcg.") == []
    assert errors(check_one(tmp_path, "Take 0.5 mg.", "Tome 5 mg.")) == [
        ("number", "number 0.5 is missing from the translation"),
        ("number", "number 5 is not in the source"),
    ]


def test_numbers_are_a_multiset(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "Take 2 pills, then 2 more.", "Tome 2 pastillas y luego más.")
    assert errors(findings) == [
        ("number", "number 2 occurs 2 times in the source but once in the translation")
    ]


def test_number_words_and_ranges(tmp_path: Path) -> None:
    assert check_one(tmp_path, "Call nine friends.", "Llame a nueve amigos.") == []
    assert check_one(tmp_path, "It takes 45-60 minutes.", "Toma de 45 a 60 minutos.") == []


def test_non_western_digits(tmp_path: Path) -> None:
    findings = check_catalog(
        write_catalog(tmp_path, [("ctx", "Call 911.", "اتصل بالرقم ٩١١.")], locale="ar")
    )
    assert errors(findings) == [("digits", "number ٩١١ must be written with the digits 0-9 (911)")]


def test_missing_unit(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "Take 5 mL (10%).", "Tome 5 cucharaditas (10).")
    assert ("unit", "unit mL is missing") in errors(findings)
    assert ("unit", "unit % is missing") in errors(findings)


def test_changed_phone_number(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "Call 555-0100 today.", "Llame al 555-0101 hoy.")
    assert errors(findings) == [
        ("phone", "phone number 555-0100 is missing"),
        ("phone", "phone number 555-0101 is not in the source"),
    ]


def test_missing_placeholder(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "Page {page} of {pages}", "Página {page}")
    assert errors(findings) == [("placeholder", "placeholder {pages} is missing")]
    findings = check_one(tmp_path, "Photo: {credit}", "Foto: {credito}")
    assert ("placeholder", "placeholder {credito} is not in the source") in errors(findings)


def test_broken_markup(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "**Do not drive** today.", "**No maneje hoy.")
    assert [code for code, _ in errors(findings)] == ["markup"]
    assert "'**' is never closed" in findings[0].message


def test_different_bold_count(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "**Do not drive** today.", "No maneje hoy.")
    assert errors(findings) == [("bold", "the source has 1 bold span but the translation has 0")]
    findings = check_one(tmp_path, "An *out-of-body* feeling.", "Una **sensación** extracorporal.")
    assert [code for code, _ in errors(findings)] == ["bold", "italic"]


PO_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: {locale}\\n"\n'
    '"Plural-Forms: nplurals={n}; plural={rule};\\n"\n\n'
)


def test_wrong_plural_count(tmp_path: Path) -> None:
    # Babel's write_po always writes nplurals forms, so this file is written by hand.
    path = tmp_path / "ru" / "LC_MESSAGES" / "demo.po"
    path.parent.mkdir(parents=True)
    rule = "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"
    path.write_text(
        PO_HEADER.format(locale="ru", n=3, rule=rule)
        + 'msgctxt "pills"\nmsgid "{n} pill"\nmsgid_plural "{n} pills"\n'
        'msgstr[0] "{n} таблетка"\nmsgstr[1] "{n} таблетки"\n',
        encoding="utf-8",
    )
    findings = check_catalog(path)
    assert [(f.code, f.line, f.context) for f in findings if f.severity == "error"] == [
        ("plurals", 7, "pills")
    ]
    assert "has 2 plural forms but this language has 3" in findings[0].message


def test_too_many_plural_forms(tmp_path: Path) -> None:
    path = tmp_path / "es" / "LC_MESSAGES" / "demo.po"
    path.parent.mkdir(parents=True)
    path.write_text(
        PO_HEADER.format(locale="es", n=2, rule="(n != 1)")
        + 'msgctxt "pills"\nmsgid "{n} pill"\nmsgid_plural "{n} pills"\n'
        'msgstr[0] "{n} pastilla"\nmsgstr[1] "{n} pastillas"\nmsgstr[2] "{n} pastillas"\n',
        encoding="utf-8",
    )
    findings = check_catalog(path)
    assert [(f.code, f.line, f.context) for f in findings] == [("plurals", 7, "pills")]


def test_plural_forms_are_checked_each(tmp_path: Path) -> None:
    catalog = Catalog(locale="es", domain="demo", fuzzy=False)
    catalog.add(("{n} pill", "{n} pills"), ("{n} pastilla", "pastillas"), context="pills")
    path = tmp_path / "demo.po"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    assert errors(check_catalog(path, "es")) == [
        ("placeholder", "plural form 1: placeholder {n} is missing")
    ]


def test_identical_long_source(tmp_path: Path) -> None:
    source = "Ask a friend to take you home."
    findings = check_one(tmp_path, source, source)
    assert [(f.severity, f.code) for f in findings] == [("warning", "identical")]
    assert check_one(tmp_path, "Email", "Email") == []  # short labels may stay the same


def test_whitespace(tmp_path: Path) -> None:
    findings = check_one(tmp_path, "Call us ", "Llámenos")
    assert [(f.severity, f.code) for f in findings] == [("warning", "whitespace")]
    assert findings[0].message == "the source ends with whitespace but the translation does not"


def test_untranslated_and_fuzzy_are_warnings(tmp_path: Path) -> None:
    path = write_catalog(
        tmp_path,
        [("a", "Call us", ""), ("b", "Call 555-0100 now", "Llame ahora")],
        fuzzy=frozenset({"b"}),
    )
    findings = check_catalog(path)
    assert [(f.context, f.severity, f.code) for f in findings] == [
        ("a", "warning", "untranslated"),
        ("b", "warning", "fuzzy"),  # a fuzzy translation is not checked further
    ]


def test_babel_checks_are_included(tmp_path: Path) -> None:
    catalog = Catalog(locale="es", domain="demo", fuzzy=False)
    catalog.add("%(count)d pills", "%(cuenta)d pastillas", context="c", flags=["python-format"])
    path = tmp_path / "demo.po"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    findings = check_catalog(path, "es")
    assert [(f.code, f.severity) for f in findings] == [("babel", "error")]
    assert "cuenta" in findings[0].message


def test_findings_carry_file_line_and_context(tmp_path: Path) -> None:
    path = write_catalog(
        tmp_path,
        [
            ("risks/intro", "Risks", "Riesgos"),
            ("risks/tolerance/description", "Take 45 mg.", "Tome 46 mg."),
        ],
    )
    finding = check_catalog(path)[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[finding.line - 1 if finding.line else 0] == 'msgid "Take 45 mg."'
    assert finding.context == "risks/tolerance/description"
    assert str(finding) == (
        f"{path}:{finding.line}: [risks/tolerance/description] error: "
        "number 45 is missing from the translation"
    )


def test_unreadable_catalog_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "es" / "LC_MESSAGES" / "demo.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid "a"\nmsgstr "b"\nbogus "c"\n', encoding="utf-8")
    findings = check_catalog(path)
    assert [(f.code, f.severity) for f in findings] == [("syntax", "error")]
    assert str(findings[0]).startswith(str(path))


def test_check_store_earlier_store_shadows(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_catalog(first, [("x", "Take 45 mg.", "Tome 45 mg.")])
    write_catalog(second, [("x", "Take 45 mg.", "Tome 4 mg.")])
    assert check_store([CatalogStore(first), CatalogStore(second)]) == []
    assert len(check_store([CatalogStore(second), CatalogStore(first)])) == 2
    assert check_store([CatalogStore(second)], locales=["ru"]) == []
    assert check_store([CatalogStore(second)], domains=["other"]) == []


def test_shipped_catalogs_have_no_errors(repo_root: Path) -> None:
    stores = [CatalogStore(repo_root / "locales"), BUILTIN_STORE]
    findings = check_store(stores)
    assert [str(f) for f in findings if f.severity == "error"] == []
    checked = {(f.parent.parent.name, f.stem) for f in (repo_root / "locales").glob("*/*/*.po")}
    assert {(locale, "ketamine-therapy") for locale in SHIPPED_LOCALES} <= checked
