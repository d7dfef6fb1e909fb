"""Which Word language ids, fonts and direction a locale gets.

Word and LibreOffice want ``ll-CC`` language ids in ``w:lang`` (Word's proofing
tools are keyed by region), while kedu locales are often bare languages
(``es``) or scripts (``zh_Hans``).  A locale that names a territory keeps it;
otherwise CLDR's likely-subtags table supplies the region (``es`` → ``es-ES``,
``zh_Hans`` → ``zh-CN``, ``zh_Hant`` → ``zh-TW``, ``vi`` → ``vi-VN``), so no
hand-kept table goes stale.  One exception: Arabic maps to ``ar-SA``, Word's
primary Arabic and the id Word itself writes into ``w:bidi`` by default, where
CLDR would say ``ar-EG``.

Fonts are chosen for what Word users actually have, because a .docx carries no
fonts and a clinic will open it in Word:

* Latin, Cyrillic, Greek, Vietnamese and Arabic: **Arial**.  It ships with every
  Windows and macOS Word (with Arabic glyphs on Windows), and LibreOffice
  substitutes the metric-compatible Liberation Sans, so line breaks match.
  Noto Sans (used by the PDF exporter) is rarely installed on office PCs and
  would fall back to an arbitrary font with different metrics.
* Simplified Chinese: **Microsoft YaHei** (Windows Vista+, bundled with Office
  for Mac); LibreOffice without it falls back by ``w:eastAsia="zh-CN"`` to a
  Simplified Chinese face such as Noto Sans CJK SC rather than a Japanese one.
  Traditional Chinese, Japanese and Korean get the equivalent system UI fonts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from kedu.exporters.docx.oxml import FontHint, Languages
from kedu.models.localized import LocalizedArticle

__all__ = [
    "COMPLEX_SCRIPT_FONT",
    "FONT_HINTS",
    "LATIN_FONT",
    "TextSetup",
    "combined_setup",
    "text_setup",
    "word_language_id",
]

LATIN_FONT = "Arial"
COMPLEX_SCRIPT_FONT = "Arial"

_EAST_ASIAN_FONTS = {
    "zh-CN": "Microsoft YaHei",
    "zh-SG": "Microsoft YaHei",
    "zh-TW": "Microsoft JhengHei",
    "zh-HK": "Microsoft JhengHei",
    "zh-MO": "Microsoft JhengHei",
    "ja": "Yu Gothic",
    "ko": "Malgun Gothic",
}
_WORD_PRIMARY_REGION = {"ar": "SA"}

FONT_HINTS = {
    "Microsoft YaHei": FontHint(
        name="Microsoft YaHei",
        alt_name="微软雅黑",
        panose="020B0503020204020204",
        charset="86",
        family="swiss",
        pitch="variable",
        sig=("800002BF", "38CF7CFA", "00000016", "00000000", "0004001F", "00000000"),
    ),
}
"""Font-table entries (as Word itself writes them) for fonts a handout names
but python-docx's template does not list, so Word on a machine without the font
substitutes a sans-serif Simplified Chinese face instead of guessing."""
_FULL_WIDTH_COLON = {"zh", "ja"}


@dataclass(frozen=True, slots=True)
class TextSetup:
    """Everything about a locale's script that changes the XML of a run or paragraph."""

    languages: Languages
    rtl: bool
    east_asian_font: str | None
    term_separator: str
    """Between a list item's bold term and its description (full-width colon in CJK)."""


def word_language_id(locale: str) -> str:
    """``ll-CC`` id for a Babel/BCP 47 locale, e.g. ``zh_Hans`` → ``zh-CN``."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        # A language CLDR does not know (a catalog may exist for any tag): PDF and
        # JSON print it with its own tag, so Word does too.
        return locale.replace("_", "-")
    territory = parsed.territory or _WORD_PRIMARY_REGION.get(parsed.language)
    if territory is None:
        likely: Mapping[str, str] = get_global("likely_subtags")
        key = f"{parsed.language}_{parsed.script}" if parsed.script else parsed.language
        full = likely.get(key) or likely.get(parsed.language)
        if full is not None:
            territory = Locale.parse(full).territory
    return f"{parsed.language}-{territory}" if territory else parsed.language


def text_setup(doc: LocalizedArticle) -> TextSetup:
    """The language slots, direction and fonts for ``doc``'s locale.

    For Arabic and CJK handouts the Latin slot (``w:val``) gets the *source*
    language: the Latin-script words in them are untranslated fallbacks,
    acronyms and addresses, not the target language.
    """
    word_id = word_language_id(doc.locale)
    language = word_id.split("-")[0]
    source_id = word_language_id(doc.article.language)
    east_asian_font = _EAST_ASIAN_FONTS.get(word_id) or _EAST_ASIAN_FONTS.get(language)
    rtl = doc.direction == "rtl"
    if east_asian_font:
        languages = Languages(val=source_id, east_asia=word_id)
    elif rtl:
        languages = Languages(val=source_id, bidi=word_id)
    else:
        languages = Languages(val=word_id)
    separator = "\uff1a" if language in _FULL_WIDTH_COLON else ": "
    return TextSetup(languages, rtl, east_asian_font, separator)


def combined_setup(source: TextSetup, target: TextSetup) -> TextSetup:
    """Document-wide defaults (styles, docDefaults, settings) of a bilingual handout.

    The Latin slot gets the source language, the East Asian and complex-script
    slots whichever of the two languages fills them, and the page stays
    left-to-right: each table cell sets its own language and direction (see
    :mod:`kedu.exporters.docx.build`), so nothing here may mark text RTL.
    """
    languages = Languages(
        val=source.languages.val,
        east_asia=target.languages.east_asia or source.languages.east_asia,
        bidi=target.languages.bidi or source.languages.bidi,
    )
    font = target.east_asian_font or source.east_asian_font
    return TextSetup(languages, False, font, target.term_separator)
