"""Plain-text front end: a post as staff copy it out of a web browser.

Copied text has no markup, so structure is read from the shape of each line:

* a **heading** is a short line (at most 14 words, 2 commas) that does not end like a
  sentence (no final ``.``, ``:``, ``;``, ``,`` or ``!``) and is not a bullet;
  the first one is the title;
* under a "Frequently Asked Questions"-like heading, a line ending in ``?``
  (up to 30 words) is a question (level 3); any other heading-shaped line
  ends the FAQ;
* a **bullet** is a line starting with ``•``, ``-``, ``*`` (or ``·``, ``▪``,
  ``◦``), indented or not; consecutive bullets, blank lines allowed between
  them, form one list;
* every other non-blank line is a paragraph (browsers put one paragraph on
  one line; hard-wrapped text is not reassembled).

Photo credits, keyword lines and "Table of Contents" are recognised *before*
the heading test — a keyword line is short and has no final period either —
and handed on as paragraphs for the structurer to move into metadata.  All
text is escaped: an asterisk in copied text is a literal asterisk.
"""

from __future__ import annotations

import re

from kedu.errors import ImportArticleError
from kedu.importers.blocks import Block, BulletList, Heading, Paragraph, Runs, clean_runs
from kedu.importers.heuristics import (
    is_faq_heading,
    is_question,
    is_toc,
    parse_credit,
    parse_keywords,
)
from kedu.limits import limits, too_big
from kedu.models.inline import Run

__all__ = ["parse_text"]

_BULLET = re.compile(r"^\s*[•·▪◦‣*-]\s+(?P<text>\S.*)$")
_MAX_HEADING_WORDS = 14


def _runs(text: str) -> Runs:
    return clean_runs([Run(text)])


def looks_like_heading(line: str) -> bool:
    """Short, starts like a title and does not end like a sentence."""
    if len(line) > 120:  # before splitting: a one-line 3 MB post is not a heading
        return False
    words = line.split()
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and len(line) <= 120
        and line.count(",") <= 2
        and line[-1] not in ".:;,!…"
        and (line[0].isalnum() or line[0] in "\"'\u201c\u2018\u00bf\u00a1")
        and any(ch.isalpha() for ch in line)
    )


def _quoted(lines: list[str], limit: int = 6) -> str:
    shown = ", ".join(repr(line if len(line) <= 40 else line[:39] + "…") for line in lines[:limit])
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def parse_text(text: str) -> tuple[list[Block], list[str]]:
    """Blocks of a plain-text post, and warnings saying what was guessed."""
    blocks: list[Block] = []
    items: list[Runs] = []
    seen_title = in_faq = False
    lists = bullets = 0
    headings: list[str] = []
    questions: list[str] = []
    title = ""

    def flush() -> None:
        nonlocal lists, bullets
        if items:
            blocks.append(BulletList(tuple(items)))
            lists, bullets = lists + 1, bullets + len(items)
            items.clear()

    limit = limits().max_field_chars
    for number, raw in enumerate(text.splitlines(), start=1):
        if len(raw) > 2 * limit:  # no field can hold it: refuse before any heuristic runs
            raise ImportArticleError(
                too_big("the line", len(raw), "max_field_chars", limit, "characters"),
                line=number,
            )
        line = " ".join(raw.split())
        if not line:
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            items.append(_runs(bullet.group("text")))
            continue
        flush()
        if is_toc(line) or parse_credit(line) or parse_keywords(line):
            blocks.append(Paragraph(_runs(line)))
        elif seen_title and in_faq and is_question(line) and len(line.split()) <= 30:
            blocks.append(Heading(3, _runs(line)))
            questions.append(line)
        elif looks_like_heading(line):
            if seen_title:
                headings.append(line)
            else:
                title = line
            level = 2 if seen_title else 1
            seen_title, in_faq = True, seen_title and is_faq_heading(line)
            blocks.append(Heading(level, _runs(line)))
        else:
            blocks.append(Paragraph(_runs(line)))
    flush()
    warnings: list[str] = []
    if seen_title:
        warnings.append(f"guessed the title from the first short line: {_quoted([title])}")
    if headings:
        warnings.append(
            f"guessed {len(headings)} headings (short lines without a final period): "
            + _quoted(headings)
        )
    if questions:
        warnings.append(
            f"guessed {len(questions)} FAQ questions (lines ending in '?' under the FAQ heading)"
        )
    if bullets:
        warnings.append(
            f"guessed {bullets} bullets in {lists} list{'s' if lists > 1 else ''} "
            "(lines starting with a bullet, dash or asterisk); list terms were split at the "
            "first dash or colon"
        )
    return blocks, warnings
