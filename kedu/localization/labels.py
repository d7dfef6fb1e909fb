"""kedu's own printed words (the ``kedu`` gettext domain).

Each label is marked with :func:`pgettext_noop` so Babel's extractor finds it
(``kedu i18n extract`` runs it on this file); the context names the field of
:class:`kedu.models.Labels` it fills.  Comments starting with ``TRANSLATORS:``
reach the translator as ``#.`` comments.
"""

from __future__ import annotations

__all__ = ["DEFAULT_DATE_FORMAT", "LABEL_SOURCES", "OPTIONAL_LABELS", "pgettext_noop"]


def pgettext_noop(context: str, message: str) -> str:
    """Mark ``message`` for extraction; translation happens later, per locale."""
    return message


LABEL_SOURCES: dict[str, str] = {
    # TRANSLATORS: page counter in the footer; keep {page} and {pages}.
    "page_of": pgettext_noop("page_of", "Page {page} of {pages}"),
    # TRANSLATORS: footer; {date} is the review date, already formatted for your language.
    "last_reviewed": pgettext_noop("last_reviewed", "Last reviewed: {date}"),
    # TRANSLATORS: credit under a photo; {credit} is the photographer or source.
    "photo_credit": pgettext_noop("photo_credit", "Photo: {credit}"),
    # TRANSLATORS: label before the clinic's phone number in the contact box.
    "call_us": pgettext_noop("call_us", "Call us"),
    # TRANSLATORS: label before the clinic's website in the contact box.
    "website": pgettext_noop("website", "Website"),
    # TRANSLATORS: label before the clinic's e-mail address in the contact box.
    "email": pgettext_noop("email", "Email"),
    # TRANSLATORS: label before the clinic's postal address in the contact box.
    "address": pgettext_noop("address", "Address"),
    # TRANSLATORS: word at the top of a highlighted box with extra information.
    "note": pgettext_noop("note", "Note"),
    # TRANSLATORS: word at the top of a highlighted box about a danger or risk.
    "warning": pgettext_noop("warning", "Warning"),
    # TRANSLATORS: word at the top of a highlighted box with practical advice.
    "tip": pgettext_noop("tip", "Tip"),
    # TRANSLATORS: heading above the medical disclaimer at the end of the handout.
    "disclaimer_heading": pgettext_noop("disclaimer_heading", "Important"),
    # TRANSLATORS: printed at the end of every handout whose article has no disclaimer.
    # Keep {emergency}: kedu puts in the clinic's emergency number (911, 112, 999, ...).
    "default_disclaimer": pgettext_noop(
        "default_disclaimer",
        "This handout is for general information. It does not replace advice from your "
        "own doctor or care team. If you have an emergency, call {emergency}.",
    ),
    # TRANSLATORS: follows the disclaimer when the clinic has a crisis line (988 in the
    # US). Keep {crisis_line}: kedu puts in the number.
    "crisis_line": pgettext_noop(
        "crisis_line", "In a mental health crisis, call {crisis_line} for help at any hour."
    ),
    # TRANSLATORS: how the review date is written. Keep "long" to use your language's
    # usual long date from CLDR ("1 de noviembre de 2026"). Where CLDR has none, write a
    # CLDR date pattern instead: d = day, MMMM = month name, y = year ("d MMMM y").
    "date_format": pgettext_noop("date_format", "long"),
    # TRANSLATORS: the twelve month names as used in a date, separated by commas. Used
    # only with your own date_format pattern, where CLDR has no month names.
    "month_names": pgettext_noop(
        "month_names",
        "January, February, March, April, May, June, July, August, September, October, "
        "November, December",
    ),
    # TRANSLATORS: printed on every page of a handout whose translation nobody has checked.
    "draft_notice": pgettext_noop(
        "draft_notice",
        "Draft translation, not yet reviewed by a qualified medical translator",
    ),
}

DEFAULT_DATE_FORMAT = "long"

OPTIONAL_LABELS = frozenset({"date_format", "month_names"})
"""Labels a catalog may leave untranslated without making a handout a draft:
the date is then written as CLDR says."""
