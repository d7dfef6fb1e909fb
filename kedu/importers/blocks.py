"""The neutral document that every front end (Markdown, HTML, plain text) produces.

A blog post is read into a flat list of :data:`Block` values whose inline
content is a tuple of :class:`~kedu.models.inline.Run` (text + bold/italic/link).
Mapping blocks to article sections happens once, in
:mod:`kedu.importers.structure`, so the same post written in Markdown or HTML
gives the same article by construction, not by keeping two mappers in step.

Runs carry the *raw* link target; turning targets into kedu links (only http,
https, mailto, tel; relative links resolved or dropped with a warning) is the
structurer's job.  A ``"\\n"`` inside a run's text is a line break inside a
paragraph (Markdown soft/hard break, HTML ``<br>``): photo-credit and keyword
lines are often glued to a paragraph that way, so they are split off by line
before whitespace is collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from kedu.errors import ImportArticleError
from kedu.limits import limits, too_big
from kedu.models.inline import LINK_SCHEMES, Run, escape, parse_runs

__all__ = [
    "Block",
    "BulletList",
    "Heading",
    "Image",
    "InlineBuilder",
    "Paragraph",
    "Runs",
    "Unmapped",
    "clean_runs",
    "link_target",
    "plain",
    "slice_runs",
    "split_lines",
    "to_markup",
]

Runs = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is the title level."""

    level: int
    runs: Runs


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content (may contain ``"\\n"`` line breaks)."""

    runs: Runs


@dataclass(frozen=True)
class BulletList:
    """A bulleted (or numbered) list; each item is its inline content."""

    items: tuple[Runs, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Image:
    """A picture in the post; never becomes printed text by itself."""

    src: str
    alt: str


@dataclass(frozen=True)
class Unmapped:
    """Content kedu's article format has no place for (table, code, raw HTML)."""

    kind: str
    text: str


Block = Heading | Paragraph | BulletList | Image | Unmapped


@dataclass
class InlineBuilder:
    """Collects runs while a front end walks nested bold/italic/link markup."""

    runs: list[Run] = field(default_factory=list)
    bold: int = 0
    italic: int = 0
    hrefs: list[str | None] = field(default_factory=list)

    def text(self, value: str) -> None:
        if value:
            href = self.hrefs[-1] if self.hrefs else None
            self.runs.append(Run(value, self.bold > 0, self.italic > 0, href))

    def open_link(self, href: str | None) -> None:
        # A link inside a link is not allowed in kedu markup: the outer one wins.
        self.hrefs.append(self.hrefs[-1] if self.hrefs and self.hrefs[-1] else href)

    def close_link(self) -> None:
        if self.hrefs:
            self.hrefs.pop()

    def result(self) -> Runs:
        return clean_runs(self.runs)


Style = tuple[bool, bool, str | None]


def _style(run: Run) -> Style:
    return run.bold, run.italic, run.href


def _common(a: Style, b: Style) -> Style:
    return a[0] and b[0], a[1] and b[1], a[2] if a[2] == b[2] else None


_PLAIN: Style = (False, False, None)
_SPACES = re.compile(r"(\s+)")


def _merge(pieces: Iterable[tuple[str, Style]]) -> list[Run]:
    # Pieces are joined once per run: appending to a growing string one character
    # at a time made a 3 MB one-line post take minutes.
    out: list[Run] = []
    texts: list[str] = []
    current: Style = _PLAIN
    for text, style in pieces:
        if not text:
            continue
        if style != current and texts:
            out.append(Run("".join(texts), *current))
            texts = []
        current = style
        texts.append(text)
    if texts:
        out.append(Run("".join(texts), *current))
    return out


def clean_runs(runs: Iterable[Run]) -> Runs:
    """Normalize whitespace and styling so equal content gives equal runs.

    Whitespace collapses to one space (a line break, kept as ``"\\n"``, absorbs
    the spaces around it), both ends are stripped, and spaces at the edge of a
    bold/italic/link span move outside it, so the markup reads ``**Euphoria** —``
    rather than ``**Euphoria **—``.  Neighbours with the same style merge.
    """
    runs = list(runs)
    size = sum(len(run.text) for run in runs)
    limit = limits().max_field_chars
    if size > 2 * limit:  # twice: whitespace the cleaning removes does not count
        # A text this long cannot become one article field: refuse it now rather
        # than after cleaning and validating megabytes (a one-line 3 MB post).
        raise ImportArticleError(
            too_big("a paragraph or heading", size, "max_field_chars", limit, "characters")
        )
    # Whole words and whitespace runs at a time, not single characters.
    pieces: list[tuple[str, Style]] = []
    last = ""  # the last character kept so far
    for run in runs:
        style = _style(run)
        for token in _SPACES.split(run.text):
            if not token:
                continue
            if not token[0].isspace():
                pieces.append((token, style))
                last = token[-1]
                continue
            kind = "\n" if "\n" in token else " "
            if not last or last == "\n":
                continue
            if last == " ":
                if kind == "\n":
                    text, kept = pieces[-1]
                    pieces[-1] = (text[:-1] + "\n", kept)
                    last = "\n"
                continue
            pieces.append((kind, style))
            last = kind
    while pieces and pieces[-1][0][-1:] in (" ", "\n"):
        text, kept = pieces.pop()
        text = text.rstrip(" \n")
        if text:
            pieces.append((text, kept))
            break
    chars = pieces
    merged = _merge(chars)
    moved: list[tuple[str, Style]] = []
    for i, run in enumerate(merged):
        style = _style(run)
        before = _style(merged[i - 1]) if i > 0 else _PLAIN
        after = _style(merged[i + 1]) if i + 1 < len(merged) else _PLAIN
        core = run.text.strip(" \n")
        if not core:
            moved.append((run.text, _common(_common(before, style), after)))
            continue
        lead = run.text[: len(run.text) - len(run.text.lstrip(" \n"))]
        trail = run.text[len(lead) + len(core) :]
        moved += [(lead, _common(before, style)), (core, style), (trail, _common(style, after))]
    return tuple(_merge(moved))


def plain(runs: Sequence[Run]) -> str:
    """The visible text of ``runs`` (line breaks kept as ``"\\n"``)."""
    return "".join(r.text for r in runs)


def split_lines(runs: Sequence[Run]) -> list[Runs]:
    """Split at ``"\\n"`` line breaks; each line is cleaned, empty lines dropped."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        parts = run.text.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append(Run(part, run.bold, run.italic, run.href))
    return [cleaned for line in lines if (cleaned := clean_runs(line))]


def slice_runs(runs: Sequence[Run], start: int, end: int | None = None) -> Runs:
    """The runs covering characters ``start:end`` of :func:`plain`, cleaned."""
    out: list[Run] = []
    pos = 0
    stop = len(plain(runs)) if end is None else end
    for run in runs:
        lo, hi = pos, pos + len(run.text)
        pos = hi
        a, b = max(lo, start), min(hi, stop)
        if a < b:
            out.append(Run(run.text[a - lo : b - lo], run.bold, run.italic, run.href))
    return clean_runs(out)


def link_target(href: str, base_url: str | None = None) -> str | None:
    """``href`` as a kedu link target, or None when kedu cannot link to it.

    Relative links are resolved against ``base_url`` (the post's canonical URL)
    when there is one; in-page anchors (``#...``) and other schemes are refused.
    Parentheses and spaces are percent-encoded because ``)`` ends a kedu link.
    """
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    scheme = urlsplit(href).scheme.lower()
    if not scheme and base_url:
        href = urljoin(base_url, href)
        scheme = urlsplit(href).scheme.lower()
    if scheme not in LINK_SCHEMES:
        return None
    if scheme in ("http", "https") and not urlsplit(href).netloc:
        return None
    return quote(href, safe="/:?#[]@!$&'*+,;=%~-._")


def to_markup(runs: Sequence[Run]) -> str:
    """Render runs as kedu inline markup (line breaks become spaces).

    kedu's ``**`` and ``*`` toggle, so styles are written as toggles at every
    change; a link is closed before the style changes around it.
    """
    out: list[str] = []
    bold = italic = False
    href: str | None = None
    for run in runs:
        text = run.text.replace("\n", " ")
        if run.href != href:
            if href is not None:
                out.append(f"]({href})")
            href = None
        if run.bold != bold:
            out.append("**")
            bold = run.bold
        if run.italic != italic:
            out.append("*")
            italic = run.italic
        if run.href is not None and href is None:
            out.append("[")
            href = run.href
        out.append(escape(text))
    if href is not None:
        out.append(f"]({href})")
    if bold:
        out.append("**")
    if italic:
        out.append("*")
    markup = re.sub(r" {2,}", " ", "".join(out)).strip()
    parse_runs(markup)  # a bug here must surface, not reach a handout
    return markup
