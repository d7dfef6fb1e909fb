"""Phone numbers: read, printed and linked one way everywhere.

Parsing and formatting use ``phonenumbers`` (Google's libphonenumber metadata):
numbers are read in the organization's country (``organization.country``,
default US), printed in that country's national format ("(617) 555-0100"),
numbers of other countries in international format, and linked as E.164
(``tel:+16175550100``), so the same number always gets the same link.  Short
codes (911, 112) and anything the library cannot read are printed as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, NumberParseException, PhoneNumber, PhoneNumberFormat

__all__ = [
    "DEFAULT_REGION",
    "find_phones",
    "normalize_tel_links",
    "parse_phone",
    "phone_display",
    "tel_href",
]

DEFAULT_REGION = "US"


@lru_cache(maxsize=256)
def parse_phone(number: str, region: str = DEFAULT_REGION) -> PhoneNumber | None:
    """The number, if it is one that can be dialled (a possible number), else None."""
    try:
        parsed = phonenumbers.parse(number, region)
    except NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def tel_href(number: str, region: str = DEFAULT_REGION) -> str | None:
    """``tel:`` link in E.164 form; short codes keep their digits (``tel:911``)."""
    parsed = parse_phone(number, region)
    if parsed is not None:
        return "tel:" + phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if digits.strip("+") else None


def phone_display(number: str, region: str = DEFAULT_REGION) -> tuple[str, str | None]:
    """(printed form, ``tel:`` link): national format for numbers of ``region``,
    international format for others, the text as written when it is no number."""
    parsed = parse_phone(number, region)
    if parsed is None:
        return number, tel_href(number, region)
    home = parsed.country_code == phonenumbers.country_code_for_region(region)
    style = PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style), tel_href(number, region)


def find_phones(text: str, region: str = DEFAULT_REGION) -> list[tuple[str, str]]:
    """(as written, E.164) of every phone number in running text."""
    return [
        (match.raw_string, phonenumbers.format_number(match.number, PhoneNumberFormat.E164))
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE)
    ]


_TEL_LINK = re.compile(r"\]\(tel:([^()\s]+)\)")


def normalize_tel_links(text: str, region: str = DEFAULT_REGION) -> str:
    """Inline markup with every ``tel:`` link target in E.164 form."""

    def fix(match: re.Match[str]) -> str:
        href = tel_href(match.group(1), region)
        return f"]({href})" if href else match.group()

    return _TEL_LINK.sub(fix, text)
