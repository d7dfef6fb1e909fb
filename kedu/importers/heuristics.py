"""Small, single-line judgements shared by the front ends and the structurer.

Each function looks at one line, heading or list item — never at the whole
post — and the regular expressions here are deliberately small.  They encode
the conventions of patient-education blog posts: "Photo by X from Y" credits,
an SEO keyword line at the end, "Table of Contents" placeholders left by a
plugin, "Term — description" list items, a "Frequently Asked Questions"
heading, and a closing paragraph that invites the reader to get in touch.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from kedu.importers.blocks import Runs, clean_runs, plain, slice_runs
from kedu.models.inline import Run

__all__ = [
    "Credit",
    "Slugger",
    "invites_contact",
    "is_faq_heading",
    "is_question",
    "is_toc",
    "looks_like_contact_heading",
    "parse_credit",
    "parse_keywords",
    "slugify",
    "split_term",
]

_TOC = {"table of contents", "contents", "in this article", "in this post", "on this page"}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split()).strip(" :.-\u2013\u2014")


def is_toc(text: str) -> bool:
    """A "Table of Contents" placeholder (a blog plugin's widget, empty in a copy)."""
    return _norm(text) in _TOC


@dataclass(frozen=True)
class Credit:
    """A photo credit: who took it and where it comes from."""

    author: str
    source: str | None


_CREDIT = re.compile(
    r"^(?:photo|image|picture|photograph|header image|featured image)"
    r"(?:\s+credit)?\s*(?:by|:)\s+(?P<author>.+?)"
    r"(?:\s+(?:from|on|via|at)\s+(?P<source>[^,;]+?))?\s*\.?$",
    re.IGNORECASE,
)


def parse_credit(text: str) -> Credit | None:
    """``"Photo by Ana Ruiz from Pexels"`` → Credit("Ana Ruiz", "Pexels")."""
    line = " ".join(text.split())
    if len(line) > 120:
        return None
    match = _CREDIT.match(line)
    if not match:
        return None
    author = match.group("author").strip(" .")
    if author.lower().startswith("by "):
        author = author[3:]
    source = match.group("source")
    if not author or len(author.split()) > 8:
        return None
    return Credit(author, source.strip(" .") if source else None)


def parse_keywords(text: str) -> list[str] | None:
    """The phrases of an SEO keyword line, or None if ``text`` reads like prose.

    A keyword line is four or more comma-separated short phrases (at most six
    words each, four on average), with no sentence punctuation at the end and no "and"/"or"
    before the last phrase (which would make it an ordinary enumeration).  Three
    phrases count too when each has at most four words: a bare "iron infusion,
    anemia, iron deficiency" line is SEO, and printing it would be worse than
    listing it as keywords (the import says so in its report).
    """
    line = " ".join(text.split())
    if not line or line[-1] in ".!?:;" or len(line) > 600:
        return None
    parts = [p.strip() for p in line.split(",") if p.strip()]
    if len(parts) < 3 or (len(parts) == 3 and any(len(p.split()) > 4 for p in parts)):
        return None
    if sum(len(p.split()) for p in parts) > 4 * len(parts):
        return None
    for part in parts:
        words = part.split()
        if len(words) > 6 or words[0].lower() in ("and", "or", "&"):
            return None
        if any(ch in part for ch in ".!?;:()\"“”"):
            return None
    return parts


_FAQ = re.compile(
    r"^(?:(?:frequently|commonly)\s+asked\s+questions|faqs?|common\s+questions|"
    r"questions\s+(?:and|&)\s+answers|q\s*&\s*a|your\s+questions\s+answered)\b",
    re.IGNORECASE,
)


def is_faq_heading(text: str) -> bool:
    """ "Frequently Asked Questions", "FAQ", "Common questions", "Q&A", ..."""
    return bool(_FAQ.match(_norm(text)))


def is_question(text: str) -> bool:
    """A line that asks something (ends with a question mark)."""
    return text.rstrip().rstrip("\"'\u201d\u2019)").endswith("?")


_CONTACT = re.compile(
    r"\b(?:contact\s+us|call\s+us|call\s+our|get\s+in\s+touch|reach\s+out\s+to\s+us|"
    r"reach\s+us|e-?mail\s+us|message\s+us|give\s+us\s+a\s+call|"
    r"(?:book|schedule|request)\s+(?:a|an|your)\s+(?:consultation|appointment|visit))\b",
    re.IGNORECASE,
)


def invites_contact(text: str) -> bool:
    """A paragraph that asks the reader to call, write or book."""
    return bool(_CONTACT.search(text))


def looks_like_contact_heading(text: str) -> bool:
    """A heading such as "Contact Us" or "Book an appointment"."""
    norm = _norm(text)
    return bool(_CONTACT.search(norm)) or norm in ("contact", "get in touch", "next steps")


# "Term \u2014- description" (em dash + hyphen, as some editors save it), "Term \u2013
# description" (en dash), "Term -- description", "Term - description", "Term: description".
_DASHES = "\u2013\u2014"
_TERM_SEP = re.compile(rf"\s*[{_DASHES}][{_DASHES}-]*\s*|\s+-{{1,3}}\s+|\s*--+\s*|:\s+")
_LEAD_SEP = re.compile(rf"^\s*(?:[{_DASHES}:-]+\s*)?")
_MAX_TERM_WORDS = 8


def _term_ok(term: str) -> bool:
    words = term.split()
    return (
        0 < len(words) <= _MAX_TERM_WORDS
        and len(term) <= 80
        and term[-1] not in ".!?,;"
        and term[0].isalnum()
    )


def _is_range(text: str, match: re.Match[str]) -> bool:
    """An en dash between digits ("2\u20133 days") is a range, not a separator."""
    before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
    return match.group().strip() == "\u2013" and before.isdigit() and after.isdigit()


def split_term(item: Runs) -> tuple[Runs, Runs] | None:
    """Split a list item into (term, description), or None if it has no term.

    A term is either a leading bold span (``**Euphoria** — ...``, ``**Euphoria:**
    ...``) or a short phrase before the first dash or colon (``Euphoria —- ...``).
    """
    if not item:
        return None
    text = plain(item)
    first = item[0]
    if first.bold and first.href is None:
        term = clean_runs([Run(first.text.rstrip(f" :.-{_DASHES}"), True, first.italic)])
        rest = text[len(first.text) :]
        lead = _LEAD_SEP.match(rest)
        skip = lead.end() if lead else 0
        had_sep = bool(rest[:skip].strip()) or first.text.rstrip()[-1:] in f":-.{_DASHES}"
        description = slice_runs(item, len(first.text) + skip)
        if term and description and _term_ok(plain(term)):
            starts_sentence = plain(description)[:1].isupper()
            if had_sep or starts_sentence:
                return tuple(Run(r.text, False, r.italic, r.href) for r in term), description
    match = next((m for m in _TERM_SEP.finditer(text) if not _is_range(text, m)), None)
    if match is None or match.start() == 0:
        return None
    term_runs = slice_runs(item, 0, match.start())
    description = slice_runs(item, match.end())
    if not description or not _term_ok(plain(term_runs)) or "\n" in plain(term_runs):
        return None
    return tuple(Run(r.text, False, r.italic, r.href) for r in term_runs), description


# Negations ("no", "not") are never dropped: "No scrubbing" must not become
# ``scrubbing``, an id that says the opposite of its text.
_STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be because been before being but by can
    could did do does doing during each for from get gets getting go had has have having here
    how i if in into is it its just know let like make me more most much my need needs
    now of on once only or other our out over own really should so some such than that the
    their them then there these they this those through to too up us very was we well were what
    when where which while who whom why will with would you your yours""".split()  # noqa: SIM905
)


def slugify(text: str, *, max_words: int = 3, fallback: str = "section") -> str:
    """A short, stable id from text: ASCII, lowercase, stop words dropped, 1-3 words."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("'", "").replace("\u2019", ""))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    significant = [w for w in words if w not in _STOP_WORDS]
    slug = "-".join((significant or words)[:max_words])[:48].strip("-")
    return slug or fallback


class Slugger:
    """Hands out ids that are unique within one article (``x``, ``x-2``, ``x-3``)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, text: str, *, fallback: str = "section", exact: bool = False) -> str:
        """A fresh id for ``text``; with ``exact`` the text is already the wanted slug."""
        base = text if exact else slugify(text, fallback=fallback)
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate


def word_count(runs: Sequence[Run]) -> int:
    """Number of words in the visible text."""
    return len(plain(runs).split())
