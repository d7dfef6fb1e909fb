"""Inline markup: bold, italic and links inside any text field.

The markup is a strict subset of Markdown, chosen because authors and
translators already know it and it survives .po files untouched:

* ``**bold**``
* ``*italic*``
* ``[link text](https://example.org)`` — only ``http:``, ``https:``, ``mailto:``
  and ``tel:`` targets;
* a backslash makes the next character literal: ``\\*``, ``\\[``, ``\\]``, ``\\\\``.

Everything else is plain text, including ``<``, ``&`` and ``>``.

Unlike CommonMark, which never rejects input, this markup is validated: an
unclosed ``**``, a stray ``]`` or a ``javascript:`` link is an error with the
character position.  That strictness is why this is a small hand-written
scanner rather than markdown-it: a CommonMark parser would silently print the
asterisks of a broken translation on a patient handout.

Exporters never parse markup: they call :func:`parse_runs` (cached) and get
:class:`Run` objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from kedu.errors import MarkupError

__all__ = ["LINK_SCHEMES", "Run", "escape", "link_targets", "parse_runs", "plain_text"]

LINK_SCHEMES = ("http", "https", "mailto", "tel")

_SPECIAL = "\\*[]"


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one style.

    ``href`` is set when the run is (part of) a link's text.
    """

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


def _check_target(url: str, column: int) -> None:
    if not url or any(ch.isspace() for ch in url):
        raise MarkupError(f"link target {url!r} is empty or contains spaces", column)
    parts = urlsplit(url)
    if parts.scheme.lower() not in LINK_SCHEMES:
        allowed = ", ".join(f"{s}:" for s in LINK_SCHEMES)
        raise MarkupError(f"link target {url!r} must start with one of {allowed}", column)
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        raise MarkupError(f"link target {url!r} has no host", column)
    if parts.scheme.lower() in ("mailto", "tel") and not parts.path:
        raise MarkupError(f"link target {url!r} is empty after the scheme", column)


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    buf: list[str] = []
    bold = italic = False
    bold_at = italic_at = 0
    href: str | None = None
    link_at = 0

    def flush() -> None:
        if buf:
            piece = "".join(buf)
            last = runs[-1] if runs else None
            if last and (last.bold, last.italic, last.href) == (bold, italic, href):
                runs[-1] = Run(last.text + piece, bold, italic, href)
            else:
                runs.append(Run(piece, bold, italic, href))
            buf.clear()

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        col = i + 1
        if ch == "\\":
            if i + 1 < n and text[i + 1] in _SPECIAL + "()_":
                buf.append(text[i + 1])
                i += 2
                continue
            raise MarkupError("a backslash must be followed by one of \\ * [ ] ( ) _", col)
        if ch == "*":
            flush()
            if text.startswith("**", i):
                bold, bold_at = not bold, col
                i += 2
            else:
                italic, italic_at = not italic, col
                i += 1
            continue
        if ch == "[":
            if href is not None:
                raise MarkupError("a link cannot contain another link", col)
            close = _find_unescaped(text, "]", i + 1)
            if close < 0 or not text.startswith("(", close + 1):
                raise MarkupError("'[' must start a link written as [text](target)", col)
            end = text.find(")", close + 2)
            if end < 0:
                raise MarkupError("link target is missing its closing ')'", close + 2)
            target = text[close + 2 : end]
            _check_target(target, close + 3)
            flush()
            # Parse the link text in place so it may carry bold/italic.
            href, link_at = target, col
            inner_end = close
            j = i + 1
            while j < inner_end:
                c = text[j]
                if c == "\\" and j + 1 < inner_end and text[j + 1] in _SPECIAL + "()_":
                    buf.append(text[j + 1])
                    j += 2
                elif c == "\\":
                    raise MarkupError(
                        "a backslash must be followed by one of \\ * [ ] ( ) _", j + 1
                    )
                elif c == "*":
                    flush()
                    if text.startswith("**", j) and j + 1 < inner_end:
                        bold, bold_at = not bold, j + 1
                        j += 2
                    else:
                        italic, italic_at = not italic, j + 1
                        j += 1
                elif c == "[":
                    raise MarkupError("a link cannot contain another link", j + 1)
                else:
                    buf.append(c)
                    j += 1
            if not "".join(buf).strip() and not any(r.href == href for r in runs):
                raise MarkupError("link text is empty", link_at)
            flush()
            href = None
            i = end + 1
            continue
        if ch == "]":
            raise MarkupError("']' without a matching '[' (write \\] for a literal bracket)", col)
        buf.append(ch)
        i += 1
    flush()
    if bold:
        raise MarkupError("'**' is never closed", bold_at)
    if italic:
        raise MarkupError("'*' is never closed (write \\* for a literal asterisk)", italic_at)
    return tuple(r for r in runs if r.text)


def _find_unescaped(text: str, char: str, start: int) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def parse_runs(text: str) -> tuple[Run, ...]:
    """Split marked-up ``text`` into styled runs; raise :class:`MarkupError` if malformed."""
    return _parse(text)


def plain_text(text: str) -> str:
    """The text a reader sees, markup removed."""
    return "".join(run.text for run in _parse(text))


def link_targets(text: str) -> list[str]:
    """Link targets in order of appearance (one per link)."""
    targets: list[str] = []
    previous: str | None = None
    for run in _parse(text):
        if run.href is not None and run.href != previous:
            targets.append(run.href)
        previous = run.href
    return targets


_ESCAPE = re.compile(r"([\\*\[\]])")


def escape(text: str) -> str:
    """Make arbitrary plain text safe to embed as inline markup."""
    return _ESCAPE.sub(r"\\\1", text)
