"""The types of the semantic document tree.

A :class:`Document` is what every renderer (PDF, Word, HTML, JSON) consumes: a
localized article turned into blocks with semantic roles and inline spans, with
every presentation decision that all formats share already made (how a phone
number or website is shown and linked, the separator between a list term and
its description, which labels print, which runs are isolated left-to-right text
inside right-to-left text).  Renderers only translate blocks into their format.

The tree is immutable and made of plain frozen dataclasses: it is cheap to
build, hashable and picklable (it can travel to a worker process).

A renderer dispatches with ``match`` and ends with ``assert_never``::

    match block:
        case Paragraph(): ...
        case Heading(): ...
        ...
        case _:
            assert_never(block)

so a block type added here and forgotten in a renderer is a mypy error, never a
silently dropped paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

__all__ = [
    "PAIR_SEPARATOR",
    "BilingualDocument",
    "Block",
    "Box",
    "BoxKind",
    "ContactBox",
    "ContactDetail",
    "ContactKind",
    "Direction",
    "Disclaimer",
    "Document",
    "FaqEntry",
    "Figure",
    "Furniture",
    "Heading",
    "Inline",
    "ItemList",
    "ListEntry",
    "Logo",
    "Masthead",
    "Metadata",
    "Paragraph",
    "ParagraphRole",
    "Section",
    "SectionBlock",
    "Span",
    "Subtitle",
    "Title",
    "plain",
]

Direction = Literal["ltr", "rtl"]
BoxKind = Literal["note", "warning", "tip"]
ContactKind = Literal["phone", "website", "email", "address"]
ParagraphRole = Literal["body", "summary", "intro", "outro"]


# --- inline content ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text with one style.

    ``lang`` and ``direction`` are set only where they differ from the block's
    (an English phrase inside a Spanish paragraph, a left-to-right website
    inside Arabic text): a renderer isolates such a span (``<bdi>``/``dir`` in
    HTML, a bidi isolate in the PDF's line layout, ``w:lang``/``w:rtl`` in Word).
    ``href`` is one of the schemes the article model allows (http, https,
    mailto, tel); renderers may trust it.
    """

    text: str
    strong: bool = False
    emphasis: bool = False
    href: str | None = None
    lang: str | None = None
    direction: Direction | None = None


Inline = tuple[Span, ...]
"""Inline content of a block: spans in logical (reading) order."""


def plain(content: Inline) -> str:
    """The text of inline content without styles (for metadata, bookmarks, checks)."""
    return "".join(span.text for span in content)


# --- blocks --------------------------------------------------------------------------------
#
# Every block has a ``key``: the stable id path of the article text it comes from
# ("faq/cost/question", "title", "disclaimer").  Keys pair a translation with its
# source in bilingual layouts, name anchors and bookmarks, and name the place of
# a problem in an error message.


@dataclass(frozen=True, slots=True)
class Logo:
    """The organization's logo, printed at the top of the first page."""

    key: str
    path: Path
    alt: str


@dataclass(frozen=True, slots=True)
class Masthead:
    """The organization's name above the title."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Title:
    """The article's title: the document's one top-level heading."""

    key: str
    content: Inline


@dataclass(frozen=True, slots=True)
class Subtitle:
    """A line under the title (not a heading)."""

    key: str
    content: Inline


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading.

    ``level`` counts from the title: the title is level 1, section headings are
    level 2 (HTML ``<h2>``, PDF ``H2``, Word "Heading 1" — Word's Title style
    plays the title's part).
    """

    key: str
    level: int
    content: Inline


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of body text; ``role`` lets a renderer style a summary or a
    list's intro differently without guessing from position."""

    key: str
    content: Inline
    role: ParagraphRole = "body"


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One item of a term/description list.

    ``separator`` goes between the label and the body when a format prints them
    on one line (PDF, Word); formats with their own markup for the pair (HTML
    ``<dt>``/``<dd>``) may leave it out.
    """

    key: str
    label: Inline
    separator: str
    body: Inline


@dataclass(frozen=True, slots=True)
class ItemList:
    """A bulleted list of term/description items."""

    key: str
    items: tuple[ListEntry, ...]


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """A question and its answer; they belong together on the page."""

    key: str
    question: Inline
    answer: Inline


@dataclass(frozen=True, slots=True)
class Box:
    """A note, warning or tip.

    ``label`` is the visible word ("Warning") in the document's language;
    ``heading`` is the box's own heading, styled as a heading but not part of
    the document outline.
    """

    key: str
    kind: BoxKind
    label: str
    heading: Inline | None
    body: Inline


@dataclass(frozen=True, slots=True)
class ContactDetail:
    """One labelled contact detail: ``display`` is what patients read (and
    type), ``href`` what a link opens (``tel:`` in E.164 form, ``mailto:``,
    ``https:``); ``direction`` is set when the value must be isolated from the
    surrounding text direction."""

    kind: ContactKind
    label: str
    display: str
    href: str | None
    direction: Direction | None = None


@dataclass(frozen=True, slots=True)
class ContactBox:
    """The call to action: heading, invitation and the organization's details."""

    key: str
    heading: Inline
    text: Inline
    details: tuple[ContactDetail, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """A picture with its description for screen readers, caption and credit.

    ``credit`` is already the printed line ("Photo: Jane Doe") in the
    document's language.
    """

    key: str
    path: Path
    alt: str
    caption: Inline | None
    credit: str | None


@dataclass(frozen=True, slots=True)
class Disclaimer:
    """The medical disclaimer at the end, with its heading."""

    key: str
    heading: str
    content: Inline


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the article: an optional heading and its blocks.

    ``outline`` is the section's entry in bookmarks and navigation: its heading,
    or for a section without one (a box, a picture) the box's heading or label,
    or the figure's caption or description.
    """

    key: str
    kind: Literal["prose", "list", "faq", "callout", "image", "call_to_action"]
    outline: str
    heading: Heading | None
    blocks: tuple[SectionBlock, ...]


SectionBlock = Paragraph | ItemList | FaqEntry | Box | ContactBox | Figure
"""What a section holds."""

Block = Logo | Masthead | Title | Subtitle | Paragraph | Section | Disclaimer
"""A top-level block: front matter (logo, masthead, title, subtitle, the summary as a
:class:`Paragraph` with role ``summary``), the sections, and the disclaimer."""


# --- the document --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metadata:
    """Document properties (PDF info and XMP, Word core properties, HTML head)."""

    title: str
    author: str | None
    subject: str | None
    keywords: tuple[str, ...]
    review_date: date | None
    canonical_url: str | None


@dataclass(frozen=True, slots=True)
class Furniture:
    """What a paged format prints around the content on every page.

    ``page_of`` has ``{page}`` and ``{pages}`` placeholders; call
    :meth:`page_counter` to get the line with numbers in the document's
    numbering system.
    """

    organization: str | None
    last_reviewed: str | None
    draft_notice: str | None
    page_of: str
    number_locale: str

    def page_counter(self, page: int, pages: int) -> str:
        from babel.numbers import format_decimal

        loc = self.number_locale
        return self.page_of.format(
            page=format_decimal(page, locale=loc), pages=format_decimal(pages, locale=loc)
        )


@dataclass(frozen=True, slots=True)
class Document:
    """A handout in one language, ready for any renderer.

    ``lang`` is the BCP 47 tag of the document's language (``zh-Hans``),
    ``locale`` the Babel locale it was made from (``zh_Hans``).
    ``draft_notice`` is set when the translation has not been reviewed: every
    format must show it (PDF and Word on every page, HTML at the top).
    """

    lang: str
    locale: str
    direction: Direction
    language_name: str
    metadata: Metadata
    furniture: Furniture
    blocks: tuple[Block, ...]
    draft_notice: str | None = None
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def sections(self) -> Iterator[Section]:
        """The article's sections, in reading order."""
        for block in self.blocks:
            if isinstance(block, Section):
                yield block


@dataclass(frozen=True, slots=True)
class BilingualDocument:
    """A source document and its translation, segment beside segment.

    Both documents come from the same article, so their blocks correspond one
    to one with equal keys (checked when built).  ``left`` says which document
    is the left column (the same for every direction: a clinician's column
    stays put); ``first`` says which one a reader meets first in reading
    order — the target for a right-to-left target, whose reader starts at the
    right edge, else the source.  Tagged and linear formats (the PDF structure
    tree, HTML stacked on a phone, Word's reading order) follow ``first``.
    """

    source: Document
    target: Document
    left: Literal["source", "target"]
    first: Literal["source", "target"]

    def reading_order(self) -> tuple[Document, Document]:
        """(first, second) document in reading order."""
        if self.first == "source":
            return self.source, self.target
        return self.target, self.source

    def columns(self) -> tuple[Document, Document]:
        """(left, right) document on the page."""
        if self.left == "source":
            return self.source, self.target
        return self.target, self.source

    def rows(self) -> Iterator[tuple[Block, Block]]:
        """(source block, target block) pairs, top level, in order."""
        yield from zip(self.source.blocks, self.target.blocks, strict=True)

    def paired(self, source_text: str, target_text: str) -> str:
        """One line in both languages (a footer, a column heading): the left
        column's language on the left, so a right-to-left line reads target first."""
        if self.target.direction == "rtl":
            return f"{target_text}{PAIR_SEPARATOR}{source_text}"
        return f"{source_text}{PAIR_SEPARATOR}{target_text}"


PAIR_SEPARATOR = "  \u00b7  "
"""Between the two languages of a paired line (a middle dot, spaced)."""
