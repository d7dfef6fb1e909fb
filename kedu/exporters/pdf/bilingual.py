"""Bilingual handouts: the source article and its translation in two aligned columns.

A clinician points at the English while the patient reads the same sentence
in their own language, so the page is a sequence of *rows*, one per segment
(see :meth:`kedu.models.article.Article.segments`): heading beside heading,
paragraph beside paragraph, each list item, question and answer beside its
translation.  Callouts and the contact box are one row each, drawn as two
boxes of equal height whose inner parts (label, heading, text, contact lines)
are aligned band by band.

Column placement
    The source (English) column is on the left and the target column on the
    right, for every target.  What changes with direction is the *reading
    order*: for a left-to-right target the page reads English first (a US
    clinic's document with the translation beside it); for a right-to-left
    target the page is mirrored for its reader, who starts at the right edge:
    the Arabic column comes first in their reading direction, its text is
    right-aligned, bullets and box bars sit on its right side, the title
    block, organization line and footer start from the right, and the
    combined labels (page counter, review date) put Arabic on the right.
    The placement lives in :data:`SOURCE_ON_LEFT` should a clinic want the
    patient's language on the left for left-to-right targets.

Each column keeps its own direction, font stack and alignment.  Source cells
are wrapped in a ``/Span <</Lang (en)>>`` marked-content sequence, so screen
readers and text extraction know the English is English, while the document's
/Lang is the target's.

Rows never split a pair across pages: a row that does not fit moves whole to
the next page, and only a row taller than a whole page is cut, between bands
or between lines.  A heading row keeps with the row after it.  A long
translation makes its row taller; nothing is ever drawn past a cell.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Frame, KeepTogether, PageTemplate

from kedu.errors import ExportError, MissingGlyphError
from kedu.exporters.base import ExportOptions
from kedu.exporters.pdf.document import (
    _CTA_COLORS,
    _KIND_COLORS,
    MUTED,
    PageFurniture,
    Sizes,
    Story,
    _Anchor,
    _canvas_class,
    _color,
    _metadata_text,
    binary_streams,
    check_glyphs,
    handout_template,
    printed_texts,
)
from kedu.exporters.pdf.fonts import FontStack, font_stack
from kedu.exporters.pdf.text import Direction, TextBlock
from kedu.models.article import (
    CalloutSection,
    CallToActionSection,
    FaqSection,
    ImageSection,
    ListSection,
    ProseSection,
    Section,
)
from kedu.models.inline import plain_text
from kedu.models.localized import LocalizedArticle

__all__ = ["SOURCE_ON_LEFT", "PairRow", "build_bilingual_pdf", "column_order"]

SOURCE_ON_LEFT = True
"""The source column's side; the same for both directions (see the module docs)."""

GUTTER = 24.0
"""Space between the columns; a hairline runs down its middle."""
RULE_COLOR = "#c9d3dc"
TITLE_SEPARATOR = " / "
"""Between the two titles in the document metadata."""
SEPARATOR = "  \u00b7  "
"""Between the two languages of a footer label; a slash between 'of 6' and an Arabic
'6' that ends its phrase on the left read as one fraction."""


def column_order(direction: Direction) -> tuple[str, str]:
    """('source', 'target') from left to right; documented in the module docstring."""
    del direction  # the columns stay put; reading order mirrors inside them
    return ("source", "target") if SOURCE_ON_LEFT else ("target", "source")


def bilingual_sizes(large_print: bool) -> Sizes:
    """Type sizes for half-width columns: one step below the full-width handout's
    headings so a title fits in three lines; large print keeps everything at 16 pt or more."""
    if large_print:
        return Sizes(16, 24, 18, 16.5, 19, 17, 16, 16)
    return Sizes(11, 19, 13, 11.5, 14, 12, 9, 8.5)


def paired_label(target: str, source: str, direction: Direction) -> str:
    """One footer line in both languages, the source on the left either way: a
    left-to-right line reads source first, a right-to-left one target first."""
    return f"{target}{SEPARATOR}{source}" if direction == "rtl" else f"{source}{SEPARATOR}{target}"


# --- the row flowable ----------------------------------------------------------------------

Cell = list[Flowable]
Band = tuple[Cell, Cell]
"""(source cell, target cell) of one aligned band of a row."""


@dataclass(frozen=True)
class Decor:
    """A box drawn behind a cell: tint, border and bar on the cell's start side."""

    fill: str
    border: str


@dataclass(frozen=True)
class Columns:
    """What every row needs to know about the two columns."""

    source_direction: Direction
    target_direction: Direction
    source_lang: str
    page_height: float
    source_left: bool = SOURCE_ON_LEFT


def _spaces(cell: Cell, index: int) -> tuple[float, float]:
    child = cell[index]
    return float(child.getSpaceBefore()), float(child.getSpaceAfter())


class PairRow(Flowable):  # type: ignore[misc]
    """One aligned row of the bilingual handout: bands of (source, target) cells.

    Every band is as tall as its taller cell and the next band starts below it,
    so a heading inside a box still sits beside its translation.  With ``decor``
    each column gets a box of the row's full height.  The row is never split
    unless it is taller than a page (``Columns.page_height``): it then breaks
    between bands, or inside the band that does not fit, in both columns.
    """

    PAD = 9.0
    BAR = 4.0

    def __init__(
        self,
        bands: Sequence[Band],
        columns: Columns,
        *,
        decor: tuple[Decor, Decor] | None = None,
        keep_with_next: bool = False,
        space_before: float | None = None,
        space_after: float | None = None,
    ) -> None:
        super().__init__()
        self.bands = [(list(s), list(t)) for s, t in bands if s or t]
        self.columns = columns
        self.decor = decor
        self.keepWithNext = keep_with_next
        self._space_before = space_before
        self._space_after = space_after
        # Without a box, the first band's leading space becomes the row's space
        # before (dropped at the top of a page) and the last band's trailing
        # space is part of the row, so the gutter rule runs on through it.
        first = self.bands[0] if self.bands else ([], [])
        lead = max((_spaces(c, 0)[0] for c in first if c), default=0.0)
        self.spaceBefore = lead if space_before is None else space_before
        self.spaceAfter = 0.0 if space_after is None else space_after
        self._layout: list[tuple[float, float]] = []  # (top offset, height) per band
        self._col_width = 0.0

    # geometry
    def _inner(self, col_width: float) -> float:
        return col_width - (2 * self.PAD + self.BAR if self.decor else 0.0)

    def _cell_height(self, cell: Cell, width: float) -> float:
        total = 0.0
        for i, child in enumerate(cell):
            before, after = _spaces(cell, i)
            _, h = child.wrap(width, 10_000)
            total += (before if i else 0.0) + h + (after if i < len(cell) - 1 else 0.0)
        return total

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        col = (availWidth - GUTTER) / 2
        inner = self._inner(col)
        self._col_width = col
        self._layout = []
        y = self.PAD if self.decor else 0.0
        previous_after = 0.0
        for b, band in enumerate(self.bands):
            if b:
                lead = max((_spaces(c, 0)[0] for c in band if c), default=0.0)
                y += max(previous_after, lead)
            h = max(self._cell_height(c, inner) for c in band)
            self._layout.append((y, h))
            y += h
            previous_after = max((_spaces(c, len(c) - 1)[1] for c in band if c), default=0.0)
        y += self.PAD if self.decor else previous_after
        self.width = availWidth
        self.height = y
        return self.width, self.height

    # splitting
    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight + 1e-6:
            return [self]
        if self.height <= self.columns.page_height + 1e-6:
            return []  # moves whole to the next page
        inner = self._inner(self._col_width)
        room = availHeight - (self.PAD if self.decor else 0.0)
        for b, ((top, h), band) in enumerate(zip(self._layout, self.bands, strict=True)):
            if top + h <= room + 1e-6:
                continue
            parts = [_split_cell(cell, inner, room - top) for cell in band]
            head_band = (parts[0][0], parts[1][0])
            tail_band = (parts[0][1], parts[1][1])
            head = [*self.bands[:b], head_band]
            tail = [tail_band, *self.bands[b + 1 :]]
            if not any(s or t for s, t in head) or not any(s or t for s, t in tail):
                return []
            return [
                PairRow(
                    head,
                    self.columns,
                    decor=self.decor,
                    space_before=self.spaceBefore,
                    space_after=0.0,
                ),
                PairRow(
                    tail,
                    self.columns,
                    decor=self.decor,
                    keep_with_next=self.keepWithNext,
                    space_before=0.0,
                    space_after=self._space_after,
                ),
            ]
        return [self]

    # drawing
    def draw(self) -> None:
        canv = self.canv
        col = self._col_width
        cols = self.columns
        source_x, target_x = (0.0, col + GUTTER) if cols.source_left else (col + GUTTER, 0.0)
        sides = ((source_x, cols.source_direction, True), (target_x, cols.target_direction, False))
        if self.decor is None:
            canv.saveState()
            canv.setStrokeColor(_color(RULE_COLOR))
            canv.setLineWidth(0.6)
            canv.line(col + GUTTER / 2, 0, col + GUTTER / 2, self.height)
            canv.restoreState()
        inner = self._inner(col)
        for n, (x0, direction, is_source) in enumerate(sides):
            x = x0
            if self.decor is not None:
                self._draw_box(x0, col, self.decor[n], direction)
                x = x0 + self.PAD + (0.0 if direction == "rtl" else self.BAR)
            if is_source:
                canv._code.append(f"/Span <</Lang ({cols.source_lang})>> BDC")
            for (top, _), band in zip(self._layout, self.bands, strict=True):
                y = self.height - top
                cell = band[n]
                for i, child in enumerate(cell):
                    before, after = _spaces(cell, i)
                    y -= before if i else 0.0
                    _, h = child.wrap(inner, 10_000)
                    child.drawOn(canv, x, y - h)
                    y -= h + after
            if is_source:
                canv._code.append("EMC")

    def _draw_box(self, x: float, width: float, decor: Decor, direction: Direction) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(_color(decor.fill))
        canv.setStrokeColor(_color(decor.border))
        canv.setLineWidth(0.8)
        canv.roundRect(x, 0, width, self.height, 4, stroke=1, fill=1)
        canv.setFillColor(_color(decor.border))
        bar_x = x + width - self.BAR if direction == "rtl" else x
        canv.rect(bar_x, 0, self.BAR, self.height, stroke=0, fill=1)
        canv.restoreState()


def _split_cell(cell: Cell, width: float, room: float) -> tuple[Cell, Cell]:
    """The part of ``cell`` that fits in ``room`` points, and the rest."""
    used = 0.0
    for i, child in enumerate(cell):
        before, after = _spaces(cell, i)
        before = before if i else 0.0
        _, h = child.wrap(width, 10_000)
        if used + before + h <= room + 1e-6:
            used += before + h + after
            continue
        space = room - used - before
        parts = child.split(width, space) if space > 0 else []
        if len(parts) > 1:
            return [*cell[:i], parts[0]], [*parts[1:], *cell[i + 1 :]]
        return cell[:i], cell[i:]
    return list(cell), []


# --- the story -----------------------------------------------------------------------------


class BilingualStory:
    """Pairs the flowables of the source and target :class:`Story` row by row."""

    def __init__(self, target: Story, source: Story, columns: Columns) -> None:
        self.target = target
        self.source = source
        self.columns = columns

    def row(self, *bands: tuple[Flowable | None, Flowable | None], **kw: object) -> PairRow:
        pairs = [([s] if s is not None else [], [t] if t is not None else []) for s, t in bands]
        return PairRow(pairs, self.columns, **kw)  # type: ignore[arg-type]

    def build(self) -> list[Flowable]:
        src, tgt = self.source.doc.article, self.target.doc.article
        if len(src.sections) != len(tgt.sections) or any(
            a.id != b.id or a.type != b.type
            for a, b in zip(src.sections, tgt.sections, strict=False)
        ):
            raise ExportError(
                f"the {self.source.doc.locale} and {self.target.doc.locale} articles differ "
                "in structure; a bilingual handout needs the same sections in both"
            )
        story: list[Flowable] = [*self.title_block()]
        for index, (s, t) in enumerate(zip(src.sections, tgt.sections, strict=True)):
            story.extend(self.section(s, t, index))
        story.extend(self.disclaimer())
        return story

    def title_block(self) -> Iterator[Flowable]:
        tgt, src = self.target, self.source
        t_art, s_art = tgt.doc.article, src.doc.article
        if tgt.options.logo is not None:
            yield tgt.logo(tgt.options.logo)
        if t_art.organization.name:
            yield tgt.organization_line(t_art.organization.name)
        bands: list[tuple[Flowable | None, Flowable | None]] = [
            (self.language_name(src), self.language_name(tgt)),
            (src.title(s_art.title), tgt.title(t_art.title)),
        ]
        if s_art.subtitle and t_art.subtitle:
            bands.append((src.subtitle(s_art.subtitle), tgt.subtitle(t_art.subtitle)))
        if s_art.summary and t_art.summary:
            bands.append((src.summary(s_art.summary), tgt.summary(t_art.summary)))
        yield self.row(*bands)
        yield tgt.title_rule()

    @staticmethod
    def language_name(story: Story) -> TextBlock:
        s = story.sizes
        return story.block(
            story.doc.labels.language_name,
            story.style(s.small + 1.5, color=MUTED, space_after=s.small * 0.5),
            bold=True,
            markup=False,
        )

    def heading(self, s_text: str, t_text: str, key: str) -> PairRow:
        return self.row(
            (self.source.heading(s_text, key), self.target.heading(t_text, key)),
            keep_with_next=True,
        )

    def section(self, s: Section, t: Section, index: int) -> list[Flowable]:
        src, tgt = self.source, self.target
        key = f"s{index}-{t.id}"
        if isinstance(s, ProseSection) and isinstance(t, ProseSection):
            out: list[Flowable] = [self.heading(s.heading, t.heading, key)]
            out += [
                self.row((src.block(a, src.body), tgt.block(b, tgt.body)))
                for a, b in zip(s.paragraphs, t.paragraphs, strict=True)
            ]
            return out
        if isinstance(s, ListSection) and isinstance(t, ListSection):
            out = [self.heading(s.heading, t.heading, key)]
            if s.intro and t.intro:
                out.append(self.row((src.block(s.intro, src.body), tgt.block(t.intro, tgt.body))))
            out += [
                self.row((src.list_item(a), tgt.list_item(b)))
                for a, b in zip(s.items, t.items, strict=True)
            ]
            if s.outro and t.outro:
                out.append(self.row((src.block(s.outro, src.body), tgt.block(t.outro, tgt.body))))
            return out
        if isinstance(s, FaqSection) and isinstance(t, FaqSection):
            out = [self.heading(s.heading, t.heading, key)]
            for a, b in zip(s.entries, t.entries, strict=True):
                out.append(
                    self.row(
                        (src.question(a.question), tgt.question(b.question)),
                        (src.answer(a.answer), tgt.answer(b.answer)),
                    )
                )
            return out
        if isinstance(s, CalloutSection) and isinstance(t, CalloutSection):
            fill, border, _ = _KIND_COLORS[t.kind]
            body = tgt.sizes.body
            return [
                self.boxed(
                    src.callout_content(s, key),
                    tgt.callout_content(t, key),
                    Decor(fill, border),
                    space=body * 0.8,
                )
            ]
        if isinstance(s, CallToActionSection) and isinstance(t, CallToActionSection):
            fill, border, _ = _CTA_COLORS
            return [
                self.boxed(
                    src.contact_content(s, key),
                    tgt.contact_content(t, key),
                    Decor(fill, border),
                    space=tgt.sizes.body,
                )
            ]
        if isinstance(s, ImageSection) and isinstance(t, ImageSection):
            return [self.image(s, t, key)]
        raise ExportError(f"section {t.id!r} has a different type in the two languages")

    def boxed(self, s_content: Cell, t_content: Cell, decor: Decor, space: float) -> PairRow:
        if len(s_content) != len(t_content):
            raise ExportError("a box differs in structure between the two languages")
        return PairRow(
            [([a], [b]) for a, b in zip(s_content, t_content, strict=True)],
            self.columns,
            decor=(decor, decor),
            space_before=space,
            space_after=space,
        )

    def image(self, s: ImageSection, t: ImageSection, key: str) -> Flowable:
        tgt, src = self.target, self.source
        base = tgt.doc.base_dir or Path(".")
        path = Path(t.src) if Path(t.src).is_absolute() else (base / t.src).resolve()
        image = tgt.image_flowable(path, max_width=6.5 * inch, max_height=3.2 * inch)
        image.hAlign = "CENTER"
        image.spaceAfter = 4
        parts: list[Flowable] = [_Anchor((plain_text(t.caption or t.alt), key, 1)), image]
        bands: list[tuple[Flowable | None, Flowable | None]] = []
        sizes = tgt.sizes
        if s.caption and t.caption:
            bands.append(
                (
                    src.block(s.caption, src.style(sizes.small + 1, color=MUTED, space_after=1)),
                    tgt.block(t.caption, tgt.style(sizes.small + 1, color=MUTED, space_after=1)),
                )
            )
        if t.credit:
            bands.append(
                tuple(  # type: ignore[arg-type]
                    story.block(
                        story.doc.labels.photo_credit.format(credit=t.credit),
                        story.style(sizes.small, color=MUTED),
                        markup=False,
                    )
                    for story in (src, tgt)
                )
            )
        if bands:
            parts.append(self.row(*bands))
        return KeepTogether(parts)

    def disclaimer(self) -> Iterator[Flowable]:
        yield self.target.disclaimer_rule()
        s_parts = self.source.disclaimer_content()
        t_parts = self.target.disclaimer_content()
        yield PairRow([([a], [b]) for a, b in zip(s_parts, t_parts, strict=True)], self.columns)


# --- the document --------------------------------------------------------------------------


def _texts(doc: LocalizedArticle) -> list[str]:
    return [t for _, t in printed_texts(doc)]


def _furniture_texts(doc: LocalizedArticle, companion: LocalizedArticle) -> Iterator[str]:
    for n in range(1, 10):
        yield paired_label(
            doc.labels.page_counter(n, n * 11),
            companion.labels.page_counter(n, n * 11),
            doc.direction,
        )
    if doc.labels.last_reviewed and companion.labels.last_reviewed:
        yield paired_label(doc.labels.last_reviewed, companion.labels.last_reviewed, doc.direction)
    yield companion.labels.draft_notice
    yield companion.labels.language_name


def build_bilingual_pdf(
    doc: LocalizedArticle, companion: LocalizedArticle, options: ExportOptions
) -> bytes:
    """Lay out ``companion`` (the source) beside ``doc`` (the translation); same input,
    same bytes."""
    sizes = bilingual_sizes(options.large_print)
    both = _texts(doc) + _texts(companion)
    target_stack = font_stack(doc.locale, doc.direction, options.large_print, both)
    source_stack = font_stack(companion.locale, companion.direction, options.large_print, both)
    check_glyphs(doc, target_stack)
    check_glyphs(companion, source_stack)
    _check_furniture(doc, companion, target_stack)

    art = doc.article
    pagesize = A4 if options.paper == "a4" else LETTER
    margin = 0.65 * inch if not options.large_print else 0.6 * inch
    draft = doc.labels.draft_notice if doc.review.is_draft else None
    second = (companion.labels.draft_notice, companion.direction) if draft else None

    def page_counter(page: int, pages: int) -> str:
        return paired_label(
            doc.labels.page_counter(page, pages),
            companion.labels.page_counter(page, pages),
            doc.direction,
        )

    reviewed = doc.labels.last_reviewed
    if reviewed and companion.labels.last_reviewed:
        reviewed = paired_label(reviewed, companion.labels.last_reviewed, doc.direction)
    furniture = PageFurniture(
        stack=target_stack,
        direction=doc.direction,
        sizes=sizes,
        organization=art.organization.name,
        reviewed=reviewed,
        draft_notice=draft,
        page_counter=page_counter,
        margin=margin,
        second_notice=second,
    )
    top = margin * 0.85 + furniture.band_height(pagesize[0])
    bottom = furniture.footer_height(pagesize[0])
    frame_height = pagesize[1] - top - bottom
    columns = Columns(
        source_direction=companion.direction,
        target_direction=doc.direction,
        source_lang=_pdf_name_safe(companion.language_tag),
        page_height=frame_height,
    )
    out = io.BytesIO()
    title = _metadata_text(art.title)
    source_title = _metadata_text(companion.article.title)
    template = handout_template(
        out,
        doc,
        pagesize,
        (margin, top, bottom),
        f"{title}{TITLE_SEPARATOR}{source_title}" if source_title != title else title,
        target_stack,
        sizes,
    )
    frame = Frame(
        margin,
        bottom,
        pagesize[0] - 2 * margin,
        frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    target = Story(doc, options, target_stack, sizes=sizes)
    source = Story(companion, options, source_stack, sizes=sizes, outlines=False)
    story = BilingualStory(target, source, columns).build()
    stamp = art.review_date or date(2000, 1, 1)
    with binary_streams():
        template.build(story, canvasmaker=_canvas_class(furniture, stamp))
    return out.getvalue()


def _pdf_name_safe(tag: str) -> str:
    """A BCP 47 tag is letters, digits and hyphens; anything else would break the
    content stream's string syntax."""
    return "".join(ch for ch in tag if ch.isascii() and (ch.isalnum() or ch == "-")) or "und"


def _check_furniture(doc: LocalizedArticle, companion: LocalizedArticle, stack: FontStack) -> None:
    missing: dict[str, None] = {}
    for text in _furniture_texts(doc, companion):
        for ch in stack.missing(unicodedata.normalize("NFC", text)):
            missing[ch] = None
    if missing:
        chars = ", ".join(f"U+{ord(ch):04X} {ch!r}" for ch in missing)
        raise MissingGlyphError(
            f"locale {doc.locale}: no glyph in the handout fonts for the footer labels: {chars}"
        )
