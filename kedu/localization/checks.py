"""Quality checks of translations, beyond what Babel checks.

Babel's ``Catalog.check()`` verifies plural forms and ``python-format`` strings;
its errors are reported too (code ``babel``).  On top of that, each translated
message (non-empty and not fuzzy) is compared with its source text:

====================  ========  ==========================================================
code                  severity  problem
====================  ========  ==========================================================
``syntax``            error     the .po file cannot be read
``plurals``           error     number of msgstr forms differs from the catalog's nplurals
``babel``             error     an error from Babel's ``Catalog.check()``
``markup``            error     the translation's inline markup does not parse
``bold``/``italic``   error     a different number of bold / italic spans
``link``              error     link targets missing, added, or in another order
``number``            error     numbers differ (as a multiset; ``0,5`` equals ``0.5``)
``digits``            error     numbers written with non-Western digits (kedu needs 0-9)
``unit``              error     a unit of the source (mg, mL, mcg, kg, %) is missing
``phone``             error     a phone number is missing or added
``placeholder``       error     a ``{placeholder}`` is missing or added
``fuzzy``             warning   the translation is marked fuzzy (it is not used)
``untranslated``      warning   the message (or one plural form) has no translation
``identical``         warning   the translation is the source text (more than 3 words)
``whitespace``        warning   leading or trailing whitespace differs from the source
====================  ========  ==========================================================

Numbers are the digit sequences of the text a reader sees (markup removed, link
targets not included); numbers spelled out in words are not numbers here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileParser

from kedu.errors import CatalogError, MarkupError
from kedu.localization.catalogs import CatalogStore, KeduCatalog, read_catalog
from kedu.localization.phones import DEFAULT_REGION, find_phones, tel_href
from kedu.localization.stats import catalog_files
from kedu.models.article import text_problem
from kedu.models.inline import Run, link_targets, parse_runs, plain_text

__all__ = ["Finding", "Severity", "check_catalog", "check_message", "check_store"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in a catalog, at a message (``line``/``context``) or the whole file."""

    path: Path
    line: int | None
    context: str | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        context = f" [{self.context}]" if self.context else ""
        text = " ".join(self.message.splitlines())
        return f"{where}:{context} {self.severity}: {text}"


# A problem found in one message, before it gets its file and line.
_Problem = tuple[Severity, str, str]


def check_catalog(path: Path, locale: str | None = None) -> list[Finding]:
    """Check every message of the .po at ``path``; findings are in file order.

    ``locale`` defaults to the ``<locale>/LC_MESSAGES/`` directory the file is in.
    A file that cannot be read gives a single ``syntax`` finding rather than an exception.
    """
    locale = locale or _locale_from_path(path)
    plural_lines = _plural_form_lines(path)
    try:
        catalog: Catalog = read_catalog(path, locale)
    except CatalogError as exc:
        lenient = _read_lenient(path, locale) if _is_excess_plurals(exc) else None
        if lenient is None:
            return [Finding(path, exc.line, None, "error", "syntax", exc.message)]
        catalog = lenient
    except (UnknownLocaleError, ValueError) as exc:
        return [Finding(path, None, None, "error", "syntax", f"malformed catalog: {exc}")]

    from_babel = _babel_problems(catalog)
    findings: list[Finding] = []
    for message in catalog:
        if not message.id:
            continue
        problems = check_message(
            message, catalog.num_plurals, plural_lines.get(message.lineno or -1)
        )
        problems += from_babel.get(_key(message), [])
        findings += [
            Finding(path, message.lineno, message.context, severity, code, text)
            for severity, code, text in problems
        ]
    return findings


def check_store(
    stores: Sequence[CatalogStore],
    *,
    domains: Sequence[str] | None = None,
    locales: Sequence[str] | None = None,
) -> list[Finding]:
    """Check every (locale, domain) catalog of ``stores``, earlier stores shadowing later ones."""
    findings: list[Finding] = []
    for locale, _domain, path in catalog_files(stores, domains=domains, locales=locales):
        findings += check_catalog(path, locale)
    return findings


def check_message(
    message: Message, num_plurals: int, forms_in_file: int | None = None
) -> list[_Problem]:
    """(severity, code, text) of each problem of one message (Babel's checks not included).

    ``forms_in_file`` is the number of ``msgstr[N]`` lines the message has in its file
    (Babel pads missing forms with empty strings when it reads a catalog).
    """
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = _forms(message.string)
    problems: list[_Problem] = []
    if message.pluralizable:
        count = forms_in_file if forms_in_file is not None else len(strings)
        if count != num_plurals:
            problems.append(
                (
                    "error",
                    "plurals",
                    f"the translation has {count} plural {_plural(count, 'form')} but this "
                    f"language has {num_plurals} (nplurals in the Plural-Forms header)",
                )
            )
    elif forms_in_file:
        problems.append(
            ("error", "plurals", "msgstr[N] is used but the message has no msgid_plural")
        )
    if message.fuzzy:
        problems.append(("warning", "fuzzy", "the translation is marked fuzzy and is not used"))
        return problems
    if not any(strings):
        problems.append(("warning", "untranslated", "not translated yet"))
        return problems
    if message.context in _DATE_LABELS:
        return problems + _check_date_label(message.context, strings[0])
    for index, text in enumerate(strings):
        if not text:
            problems.append(("warning", "untranslated", f"plural form {index} is not translated"))
            continue
        own_source = sources[0] if index == 0 and num_plurals > 1 else sources[-1]
        found = _compare(sources, own_source, text)
        if message.pluralizable:
            found = [(sev, code, f"plural form {index}: {msg}") for sev, code, msg in found]
        problems += found
    return problems


# kedu's date labels are not text to compare with the English: a CLDR date
# pattern and month names ("tháng 11" rightly has a number the English lacks).
_DATE_LABELS = frozenset({"date_format", "month_names"})


def _check_date_label(context: str | None, text: str) -> list[_Problem]:
    if context == "month_names":
        names = [name.strip() for name in re.split("[,،、]", text)]
        if len(names) != 12 or not all(names):
            return [("error", "months", f"needs 12 month names separated by commas, not "
                     f"{len(names)}")]
        return []
    from datetime import date

    from babel.dates import format_date

    if text.strip() == "long":
        return []
    try:
        format_date(date(2026, 11, 1), format=text.strip(), locale="en")
    except (ValueError, KeyError, AttributeError) as exc:
        return [("error", "date", f"{text!r} is not a CLDR date pattern ({exc})")]
    if "d" not in text or "y" not in text or "M" not in text:
        return [("error", "date", f"{text!r} lacks the day (d), month (M) or year (y)")]
    return []


# --- comparing a translation with its source --------------------------------------------------


def _compare(sources: list[str], own_source: str, text: str) -> list[_Problem]:
    problems: list[_Problem] = []
    unprintable = text_problem(text)  # the same rule the article model applies at export
    if unprintable:
        problems.append(("error", "characters", f"the translation {unprintable}"))
    try:
        runs: tuple[Run, ...] | None = parse_runs(text)
    except MarkupError as exc:
        problems.append(("error", "markup", f"the inline markup does not parse: {exc}"))
        runs = None
    try:
        source_runs = [parse_runs(source) for source in sources]
    except MarkupError:  # the source itself is not kedu markup: nothing to compare
        source_runs = []
    if runs is not None and source_runs:
        problems += _compare_spans("bold", [_spans(r, "bold") for r in source_runs], runs)
        problems += _compare_spans("italic", [_spans(r, "italic") for r in source_runs], runs)
        problems += _compare_links(
            [_link_keys(link_targets(s)) for s in sources], _link_keys(link_targets(text))
        )

    seen = _reader_text(text, parsed=runs is not None)
    seen_sources = [_reader_text(s, parsed=bool(source_runs)) for s in sources]
    problems += _compare_placeholders(sources, text)
    problems += _compare_phones(seen_sources, seen)
    problems += _compare_numbers(seen_sources, seen)
    problems += _compare_units(seen_sources, seen)

    if text in sources and len(_plain_or_raw(text).split()) > 3:
        problems.append(("warning", "identical", "the translation is the same as the source"))
    problems += _compare_whitespace(own_source, text)
    return problems


def _plain_or_raw(text: str) -> str:
    try:
        return plain_text(text)
    except MarkupError:
        return text


_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def _reader_text(text: str, *, parsed: bool) -> str:
    """The text a reader sees (markup and link targets removed) when it parses."""
    if parsed:
        return plain_text(text)
    return _LINK_TARGET.sub("]", text)


def _spans(runs: Iterable[Run], style: Literal["bold", "italic"]) -> int:
    count, inside = 0, False
    for run in runs:
        styled = getattr(run, style)
        if styled and not inside:
            count += 1
        inside = styled
    return count


def _compare_spans(style: str, expected: list[int], runs: tuple[Run, ...]) -> list[_Problem]:
    found = _spans(runs, "bold" if style == "bold" else "italic")
    low, high = min(expected), max(expected)
    if low <= found <= high:
        return []
    wanted = str(low) if low == high else f"{low} to {high}"
    return [
        (
            "error",
            style,
            f"the source has {wanted} {style} {_plural(high, 'span')} "
            f"but the translation has {found}",
        )
    ]


def _link_keys(targets: list[str]) -> list[str]:
    """Link targets as compared: a ``tel:`` link by its E.164 number, so
    ``tel:+1-555-0100`` and ``tel:+15550100`` are the same link."""
    return [
        (tel_href(t[4:], DEFAULT_REGION) or t) if t.startswith("tel:") else t for t in targets
    ]


def _compare_links(expected: list[list[str]], found: list[str]) -> list[_Problem]:
    required, allowed = _bounds(expected)
    problems: list[_Problem] = []
    have = Counter(found)
    for target, count in required.items():
        if have[target] < count:
            problems.append(("error", "link", f"link target {target} is missing"))
    for target, count in have.items():
        if count > allowed[target]:
            problems.append(("error", "link", f"link target {target} is not in the source"))
    if not problems and all(e == expected[0] for e in expected) and found != expected[0]:
        problems.append(("error", "link", "the links are in a different order than in the source"))
    return problems


_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[.\[][^{}]*)?(?:![rsa])?(?::[^{}]*)?\}")


def _compare_placeholders(sources: list[str], text: str) -> list[_Problem]:
    per_source = [set(_PLACEHOLDER.findall(source)) for source in sources]
    required = set.intersection(*per_source)
    allowed = set.union(*per_source)
    found = _PLACEHOLDER.findall(text)
    problems: list[_Problem] = [
        ("error", "placeholder", f"placeholder {name} is missing")
        for name in sorted(required - set(found))
    ]
    problems += [
        ("error", "placeholder", f"placeholder {name} is not in the source")
        for name in dict.fromkeys(found)
        if name not in allowed
    ]
    return problems


# Large numbers written in groups of three ("1 000 000", "1.234.567") are amounts,
# not phone numbers, though libphonenumber could dial them.
_GROUPED_AMOUNT = re.compile(r"\d{1,3}(?:([ .,\u00a0\u202f\u2009])\d{3})(?:\1\d{3})*")


def _phone_matches(text: str) -> list[tuple[str, str]]:
    """(as written, E.164) of each phone number in ``text``, found and compared with
    ``phonenumbers`` so "555-0100", "555 0100" and "+1-555-0100" are one number.
    Numbers without a +country code are read as US numbers (kedu's default)."""
    return [
        (raw, key) for raw, key in find_phones(text, DEFAULT_REGION)
        if not _GROUPED_AMOUNT.fullmatch(raw)
    ]


def _phones(text: str) -> list[str]:
    return [raw for raw, _key in _phone_matches(text)]


def _phone_key(phone: str) -> str:
    found = _phone_matches(phone)
    return found[0][1] if found else re.sub(r"[^0-9+]", "", phone)


def _compare_phones(sources: list[str], text: str) -> list[_Problem]:
    required, allowed = _bounds([[_phone_key(p) for p in _phones(s)] for s in sources])
    shown = {_phone_key(p): p for s in sources for p in _phones(s)}
    found = Counter(_phone_key(p) for p in _phones(text))
    problems: list[_Problem] = [
        ("error", "phone", f"phone number {shown[key]} is missing")
        for key, count in required.items()
        if found[key] < count
    ]
    problems += [
        ("error", "phone", f"phone number {phone} is not in the source")
        for phone in dict.fromkeys(_phones(text))
        if found[_phone_key(phone)] > allowed[_phone_key(phone)]
    ]
    return problems


# Digit groups joined by decimal or grouping separators: 45, 0.5, 0,5, 1,000, 1 000 (NBSP).
_DECIMAL_SEPARATORS = ".,\u066b"  # U+066B is the Arabic decimal separator
_GROUP_SEPARATORS = ".,\u066c\u00a0\u202f\u2009"  # Arabic, NBSP, narrow NBSP, thin space
_NUMBER = re.compile(r"[0-9]+(?:[.,\u066b\u066c\u00a0\u202f\u2009][0-9]+)*")


@dataclass(frozen=True)
class _Number:
    text: str
    values: frozenset[tuple[str, str]]  # (integer digits, fraction digits) it may mean

    def same(self, other: _Number) -> bool:
        return self.text == other.text or bool(self.values & other.values)


def _number(token: str) -> _Number:
    groups = re.split(r"[^0-9]", token)
    seps = [ch for ch in token if not ch.isdigit()]
    values: set[tuple[str, str]] = set()
    if not seps:
        values.add((token, ""))
    else:
        leading = seps[:-1]
        grouped = all(len(g) == 3 for g in groups[1:-1]) and len(set(leading)) <= 1
        grouped = grouped and all(s in _GROUP_SEPARATORS for s in leading)
        last_grouping = seps[-1] in _GROUP_SEPARATORS and seps[-1] == (leading or seps)[0]
        if grouped and len(groups[-1]) == 3 and last_grouping:
            values.add(("".join(groups), ""))  # 1,000 / 1.000 / 1 000
        if grouped and seps[-1] in _DECIMAL_SEPARATORS and seps[-1] not in leading:
            values.add(("".join(groups[:-1]), groups[-1]))  # 0.5 / 0,5 / 1,234.5
    return _Number(token, frozenset(values))


def _numbers(text: str) -> list[_Number]:
    text = _PLACEHOLDER.sub(" ", text)
    for raw in _phones(text):
        text = text.replace(raw, " ")
    return [_number(match.group()) for match in _NUMBER.finditer(_western_digits(text))]


def _compare_numbers(sources: list[str], text: str) -> list[_Problem]:
    problems: list[_Problem] = []
    foreign = sorted({m.group() for m in _FOREIGN_DIGITS.finditer(text)}, key=text.index)
    for run in foreign:
        problems.append(
            (
                "error",
                "digits",
                f"number {run} must be written with the digits 0-9 ({_western_digits(run)})",
            )
        )
    per_source = [_numbers(source) for source in sources]
    found = _numbers(text)
    # Required: numbers every source form has; allowed: numbers any source form has.
    required = per_source[0]
    for other in per_source[1:]:
        required = _intersect(required, other)
    allowed = _union(per_source) if len(per_source) > 1 else required

    pool = list(found)
    missing: list[_Number] = []
    for number in required:
        match = _take(pool, number)
        if match is None:
            missing.append(number)
    spare = list(allowed)
    for number in required:
        _take(spare, number)
    extra = [number for number in pool if _take(spare, number) is None]

    # The same report both ways: numbers the translation lost, and numbers it added.
    for surplus, side, where, absent in (
        (missing, required, ("source", "translation"), "is missing from the translation"),
        (extra, found, ("translation", "source"), "is not in the source"),
    ):
        for text_, count in Counter(n.text for n in surplus).items():
            total = sum(1 for n in side if n.text == text_)
            message = (
                f"number {text_} {absent}"
                if count == total
                else f"number {text_} occurs {_times(total)} in the {where[0]} "
                f"but {_times(total - count)} in the {where[1]}"
            )
            problems.append(("error", "number", message))
    return problems


def _take(pool: list[_Number], number: _Number) -> _Number | None:
    """Remove and return the number of ``pool`` that equals ``number`` (same text first)."""
    for test in (lambda n: n.text == number.text, number.same):
        for index, candidate in enumerate(pool):
            if test(candidate):
                return pool.pop(index)
    return None


def _intersect(first: list[_Number], second: list[_Number]) -> list[_Number]:
    rest = list(second)
    return [number for number in first if _take(rest, number) is not None]


def _union(lists: list[list[_Number]]) -> list[_Number]:
    result: list[_Number] = []
    for numbers in lists:
        rest = list(result)
        result += [number for number in numbers if _take(rest, number) is None]
    return result


# A number written with other decimal digits (Arabic-Indic, Devanagari, full-width, ...).
_FOREIGN_DIGITS = re.compile(r"(?:(?![0-9])\d)+(?:[.,\u066b\u066c](?:(?![0-9])\d)+)*")


def _is_foreign_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd" and not "0" <= char <= "9"


_ANY_FOREIGN_DIGIT = re.compile(r"(?![0-9])\d")  # re's \d is Unicode category Nd


def _western_digits(text: str) -> str:
    if _ANY_FOREIGN_DIGIT.search(text) is None:  # most texts: nothing to convert
        return text
    return "".join(str(unicodedata.digit(c)) if _is_foreign_digit(c) else c for c in text)


_UNIT = re.compile(r"(?<![^\W\d_])(?:mg|mcg|kg|ml)(?![^\W\d_])|[%\u066a\uff05]", re.IGNORECASE)


def _unit_key(unit: str) -> str:
    return "%" if unit in "%\u066a\uff05" else unit.lower()


def _compare_units(sources: list[str], text: str) -> list[_Problem]:
    found = {_unit_key(u) for u in _UNIT.findall(text)}
    per_source = [{_unit_key(u): u for u in _UNIT.findall(source)} for source in sources]
    required = set.intersection(*(set(units) for units in per_source))
    return [
        ("error", "unit", f"unit {per_source[0][key]} is missing")
        for key in sorted(required - found)
    ]


def _compare_whitespace(source: str, text: str) -> list[_Problem]:
    problems: list[_Problem] = []
    for where, index in (("starts", 0), ("ends", -1)):
        src = bool(source) and source[index].isspace()
        got = bool(text) and text[index].isspace()
        if src != got:
            first, second = ("source", "translation") if src else ("translation", "source")
            text_ = f"the {first} {where} with whitespace but the {second} does not"
            problems.append(("warning", "whitespace", text_))
    return problems


# --- helpers ----------------------------------------------------------------------------------


def _bounds(per_source: list[list[str]]) -> tuple[Counter[str], Counter[str]]:
    """Items every source form has (required) and items any source form has (allowed)."""
    counters = [Counter(items) for items in per_source]
    required = counters[0]
    allowed = Counter(counters[0])
    for counter in counters[1:]:
        required = required & counter
        allowed = allowed | counter
    return required, allowed


def _forms(string: str | Sequence[str] | None) -> list[str]:
    if string is None:
        return [""]
    return [string] if isinstance(string, str) else list(string)


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _key(message: Message) -> tuple[object, str | None]:
    return (message.id, message.context)


def _babel_problems(catalog: Catalog) -> dict[tuple[object, str | None], list[_Problem]]:
    """Babel's own check, for translated messages; plural counts are checked by kedu."""
    found: dict[tuple[object, str | None], list[_Problem]] = {}
    for message, errors in catalog.check():
        if message.fuzzy or not any(_forms(message.string)):
            continue
        for error in errors:
            text = str(error)
            if text.startswith("Wrong number of plural forms"):
                continue
            found.setdefault(_key(message), []).append(("error", "babel", text))
    return found


def _locale_from_path(path: Path) -> str | None:
    if path.parent.name != "LC_MESSAGES":
        return None
    name = path.parent.parent.name
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return None
    return name


_EXCESS = "more translations than num_plurals"


def _is_excess_plurals(exc: CatalogError) -> bool:
    return _EXCESS in exc.message


class _LenientParser(PoFileParser):
    """Babel's parser, keeping a message with too many plural forms (kedu reports it)."""

    other_problems: bool = False

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        if _EXCESS not in msg:
            self.other_problems = True


def _read_lenient(path: Path, locale: str | None) -> KeduCatalog | None:
    """The catalog, if too many plural forms is its only problem; else None."""
    catalog = KeduCatalog(locale=locale, domain=path.stem)
    parser = _LenientParser(catalog, ignore_obsolete=False, abort_invalid=False)
    try:
        with open(path, "rb") as handle:
            parser.parse(handle)
    except (ValueError, SyntaxError):
        return None
    return None if parser.other_problems else catalog


def _plural_form_lines(path: Path) -> dict[int, int]:
    """{line of each msgid: how many ``msgstr[N]`` lines its message has} (not obsolete ones)."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return {}
    counts: dict[int, int] = {}
    current: int | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith("msgid "):
            current = number
            counts[current] = 0
        elif line.startswith("msgstr[") and current is not None:
            counts[current] += 1
    return counts
