"""Locale names: parsing, negotiation and text direction (all from CLDR via Babel)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from babel import Locale, UnknownLocaleError

from kedu.errors import LocaleError
from kedu.models.localized import Direction

_SEPARATORS = re.compile(r"[-_@.]")


def normalize(tag: str) -> str:
    """'pt-BR', 'pt_br', 'zh-hans' → Babel identifiers 'pt_BR', 'zh_Hans'."""
    raw = tag.strip()
    if not raw or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", raw):
        raise LocaleError(f"{tag!r} is not a locale name (expected e.g. es, pt_BR, zh_Hans)")
    try:
        return str(Locale.parse(raw, sep="-" if "-" in raw else "_"))
    except (UnknownLocaleError, ValueError):
        parts = _SEPARATORS.split(raw)
        head = parts[0].lower()
        rest = [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
        return "_".join([head, *rest])


def language_tag(locale: str) -> str:
    """BCP 47 form for document metadata: 'zh_Hans' → 'zh-Hans'."""
    return locale.replace("_", "-")


@cache
def direction(locale: str) -> Direction:
    """'rtl' for right-to-left scripts (Arabic, Hebrew, ...), else 'ltr', from CLDR."""
    try:
        order = Locale.parse(locale).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


@cache
def display_name(locale: str) -> str:
    """The locale's name in its own language, as it starts a label ('Español',
    'Русский', 'العربية').

    CLDR gives names in their running-text form ('español'); every language that
    has capital letters starts a label with one (CLDR's contextTransforms, which
    Babel does not ship, say so for the stand-alone use), and for scripts without
    case ``upper()`` changes nothing.
    """
    try:
        name = Locale.parse(locale).get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        return locale
    if not name:
        return locale
    return name[:1].upper() + name[1:]


def _fallback_chain(locale: str) -> list[str]:
    """'es_MX' → ['es_MX', 'es']; 'zh_Hans_CN' → ['zh_Hans_CN', 'zh_Hans', 'zh']."""
    parts = locale.split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def negotiate(requested: str, available: Iterable[str]) -> str | None:
    """The best available locale for ``requested``, or None.

    Exact match first, then the request's parents (``es_MX`` → ``es``), then an
    available locale that CLDR's likely subtags make equivalent (``zh`` →
    ``zh_Hans``).
    """
    wanted = normalize(requested)
    by_key = {a.lower(): a for a in available}
    for candidate in _fallback_chain(wanted):
        if candidate.lower() in by_key:
            return by_key[candidate.lower()]
    try:
        likely = Locale.parse(wanted)
        lang, script = likely.language, likely.script
    except (UnknownLocaleError, ValueError):
        return None
    for option in by_key.values():
        try:
            other = Locale.parse(option)
        except (UnknownLocaleError, ValueError):
            continue
        if other.language == lang and (script is None or other.script in (None, script)):
            return option
    return None
