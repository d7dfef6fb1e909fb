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
    The placement and the reading order are decided in the document tree
    (:class:`kedu.document.BilingualDocument`), for every format alike.

Each column keeps its own direction, font stack and alignment.  In the
structure tree the two languages of a segment follow each other in reading
order, the source's elements with their own ``/Lang``, while the document's
/Lang is the target's.

Rows never split a pair across pages: a row that does not fit moves whole to
the next page, and only a row taller than a whole page is cut, between bands
or between lines.  A heading row keeps with the row after it.  A long
translation makes its row taller; nothing is ever drawn past a cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, assert_never

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch

from kedu.document import (
    BilingualDocument,
    Block,
    Box,
    ContactBox,
    Disclaimer,
    FaqEntry,
    Figure,
    ItemList,
    Logo,
    Masthead,
    Paragraph,
    Section,
    SectionBlock,
    Subtitle,
    Title,
    build_bilingual,
    printed_texts,
)
from kedu.errors import ExportError
from kedu.exporters.base import ExportOptions
from kedu.exporters.pdf.flow import Column, Typesetter
from kedu.exporters.pdf.fonts import font_stack
from kedu.exporters.pdf.layout import (
    CTA_COLORS,
    KIND_COLORS,
    PageFurniture,
    Sizes,
    Story,
    build_story,
    check_glyphs,
    draw_panel,
    properties,
)
from kedu.exporters.pdf.pages import Flowable, KeepTogether
from kedu.exporters.pdf.tagging import Marks, Node
from kedu.exporters.pdf.text import Direction, color
from kedu.models.localized import LocalizedArticle

__all__ = ["GUTTER", "PairRow", "build_bilingual_pdf"]

GUTTER = 24.0
"""Space between the columns; a hairline runs down its middle."""
RULE_COLOR = "#c9d3dc"
TITLE_SEPARATOR = " / "
"""Between the two titles in the document metadata."""


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
    page_height: float
    source_left: bool = True


def _spaces(cell: Cell, index: int) -> tuple[float, float]:
    child = cell[index]
    return float(child.getSpaceBefore()), float(child.getSpaceAfter())


class PairRow(Flowable):
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
                PairRow(head, self.columns, decor=self.decor, space_before=self.spaceBefore,
                        space_after=0.0),
                PairRow(tail, self.columns, decor=self.decor, keep_with_next=self.keepWithNext,
                        space_before=0.0, space_after=self._space_after),
            ]
        return [self]

    # drawing
    def draw(self) -> None:
        canv = self.canv
        col = self._col_width
        cols = self.columns
        source_x, target_x = (0.0, col + GUTTER) if cols.source_left else (col + GUTTER, 0.0)
        sides = ((source_x, cols.source_direction), (target_x, cols.target_direction))
        if self.decor is None:
            with Marks.artifact(canv):
                canv.saveState()
                canv.setStrokeColor(color(RULE_COLOR))
                canv.setLineWidth(0.6)
                canv.line(col + GUTTER / 2, 0, col + GUTTER / 2, self.height)
                canv.restoreState()
        inner = self._inner(col)
        for n, (x0, direction) in enumerate(sides):
            x = x0
            if self.decor is not None:
                draw_panel(canv, x0, col, self.height, self.decor[n].fill, self.decor[n].border,
                           direction, self.BAR)
                x = x0 + self.PAD + (0.0 if direction == "rtl" else self.BAR)
            for (top, _), band in zip(self._layout, self.bands, strict=True):
                y = self.height - top
                cell = band[n]
                for i, child in enumerate(cell):
                    before, after = _spaces(cell, i)
                    y -= before if i else 0.0
                    _, h = child.wrap(inner, 10_000)
                    child.drawOn(canv, x, y - h)
                    y -= h + after


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

B = TypeVar("B", bound="Block | SectionBlock")
P = TypeVar("P")
F = TypeVar("F")


def _twin(block: Block | SectionBlock, like: B) -> B:
    """The target's block beside a source block (the tree pairs them by key)."""
    if type(block) is not type(like) or block.key != like.key:
        raise ExportError(
            f"{like.key!r} differs between the two languages; a bilingual handout "
            "needs the same sections in both"
        )
    return block


class BilingualStory:
    """Pairs the blocks of the source and target documents row by row; the
    structure elements of each pair are created in reading order."""

    def __init__(self, bi: BilingualDocument, source: Typesetter, target: Typesetter,
                 columns: Columns, root: Node) -> None:
        self.bi = bi
        self.source = source
        self.target = target
        self.columns = columns
        self.root = root

    def pair(self, s: P, t: P, make: Callable[..., F], *args: Any, **kw: Any) -> tuple[F, F]:
        """(source, target) results of ``make(typesetter, block, *args)``, made in
        reading order (so their structure elements are in reading order too)."""
        if self.bi.first == "source":
            made_s = make(self.source, s, *args, **kw)
            return made_s, make(self.target, t, *args, **kw)
        made_t = make(self.target, t, *args, **kw)
        return make(self.source, s, *args, **kw), made_t

    def row(self, *bands: tuple[Flowable, Flowable], **kw: Any) -> PairRow:
        return PairRow([([s], [t]) for s, t in bands], self.columns, **kw)

    def build(self) -> list[Flowable]:
        root = self.root
        out: list[Flowable] = []
        front: list[tuple[Flowable, Flowable]] = []

        def end_of_front_matter() -> None:
            if front:
                out.append(self.row(*front))
                out.append(self.target.title_rule())
                front.clear()

        for s, t in self.bi.rows():
            match s:
                case Logo():
                    out.append(self.target.logo(_twin(t, s), root))
                case Masthead():
                    out.append(self.target.masthead(_twin(t, s), root))
                case Title():
                    front.append(self.pair(s, t, _language_name, root))
                    front.append(self.pair(s, _twin(t, s), Typesetter.title, root))
                case Subtitle():
                    front.append(self.pair(s, _twin(t, s), Typesetter.subtitle, root))
                case Paragraph():  # the summary
                    front.append(self.pair(s, _twin(t, s), Typesetter.paragraph, root))
                case Section():
                    end_of_front_matter()
                    out.extend(self.section(s, _twin(t, s)))
                case Disclaimer():
                    end_of_front_matter()
                    out.append(self.target.disclaimer_rule())
                    contents = self.pair(s, _twin(t, s), Typesetter.disclaimer_content, root)
                    out.append(PairRow([([a], [b]) for a, b in zip(*contents, strict=True)],
                                       self.columns))
                case _:
                    assert_never(s)
        end_of_front_matter()
        return out

    def section(self, s: Section, t: Section) -> list[Flowable]:
        root = self.root
        out: list[Flowable] = []
        if s.heading is not None and t.heading is not None:
            out.append(self.row(self.pair(s.heading, t.heading, Typesetter.heading, t.outline,
                                          root), keep_with_next=True))
        for sb, tb in zip(s.blocks, t.blocks, strict=True):
            match sb:
                case Paragraph():
                    out.append(self.row(self.pair(sb, _twin(tb, sb), Typesetter.paragraph,
                                                  root)))
                case ItemList():
                    items = root.add("L")
                    for se, te in zip(sb.items, _twin(tb, sb).items, strict=True):
                        out.append(self.row(self.pair(se, te, Typesetter.list_item, items)))
                case FaqEntry():
                    tf = _twin(tb, sb)
                    out.append(self.row(self.pair(sb, tf, Typesetter.question, root),
                                        self.pair(sb, tf, Typesetter.answer, root)))
                case Box():
                    tx = _twin(tb, sb)
                    fill, border, _ = KIND_COLORS[tx.kind]
                    contents = self.pair(sb, tx, Typesetter.box_content, root, t.outline)
                    out.append(self.boxed(*contents, Decor(fill, border),
                                          space=self.target.sizes.body * 0.8))
                case ContactBox():
                    fill, border, _ = CTA_COLORS
                    contents = self.pair(sb, _twin(tb, sb), Typesetter.contact_content, root)
                    out.append(self.boxed(*contents, Decor(fill, border),
                                          space=self.target.sizes.body))
                case Figure():
                    out.append(self.figure(sb, _twin(tb, sb), t.outline))
                case _:
                    assert_never(sb)
        return out

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

    def figure(self, s: Figure, t: Figure, outline: str) -> Flowable:
        image = self.target.figure_image(t, self.root, outline)
        image.spaceAfter = 4
        captions = self.pair(s, t, Typesetter.caption, self.root, centered=False)
        bands = [([a], [b]) for a, b in zip(*captions, strict=True)]
        parts: list[Flowable] = [image]
        if bands:
            parts.append(PairRow(bands, self.columns))
        return KeepTogether(parts)


def _language_name(ts: Typesetter, block: Title, parent: Node) -> Flowable:
    del block  # the row above the titles names each column's language
    return ts.language_name(parent)


# --- the document --------------------------------------------------------------------------


def build_bilingual_pdf(
    doc: LocalizedArticle, companion: LocalizedArticle, options: ExportOptions
) -> bytes:
    """Lay out ``companion`` (the source) beside ``doc`` (the translation); same input,
    same bytes."""
    bi = build_bilingual(companion, doc, logo=options.logo)
    source, target = bi.source, bi.target
    sizes = Sizes.for_columns(options.large_print)
    both = [t for _, t in printed_texts(bi)]
    target_stack = font_stack(doc.locale, doc.direction, options.large_print, both)
    source_stack = font_stack(companion.locale, companion.direction, options.large_print, both)
    check_glyphs(doc.locale, printed_texts(target), target_stack)
    check_glyphs(companion.locale, printed_texts(source), source_stack)

    pagesize = A4 if options.paper == "a4" else LETTER
    margin = 0.65 * inch if not options.large_print else 0.6 * inch

    def page_counter(page: int, pages: int) -> str:
        return bi.paired(source.furniture.page_counter(page, pages),
                         target.furniture.page_counter(page, pages))

    reviewed = target.furniture.last_reviewed
    if reviewed and source.furniture.last_reviewed:
        reviewed = bi.paired(source.furniture.last_reviewed, reviewed)
    draft: tuple[tuple[str, Direction], ...] = ()
    if target.draft_notice:
        draft = ((target.draft_notice, target.direction),
                 (source.labels.get("draft_notice", ""), source.direction))
    furniture = PageFurniture(
        stack=target_stack,
        direction=target.direction,
        sizes=sizes,
        organization=target.furniture.organization,
        reviewed=reviewed,
        draft_notice=tuple(line for line in draft if line[0]),
        page_counter=page_counter,
        margin=margin,
        page_width=pagesize[0],
    )
    # Everything the footer and the draft band draw, in the target's fonts.
    check_glyphs(doc.locale, [
        *(("labels.page_of", page_counter(n, n * 11)) for n in range(1, 10)),
        *(("labels.last_reviewed", reviewed) for _ in [0] if reviewed),
        *(("labels.draft_notice", notice) for notice, _ in furniture.draft_notice),
    ], target_stack)
    top = furniture.top_margin(margin * 0.85)
    bottom = furniture.footer_height
    frame_height = pagesize[1] - top - bottom
    columns = Columns(
        source_direction=source.direction,
        target_direction=target.direction,
        page_height=frame_height,
        source_left=bi.left == "source",
    )
    meta, source_meta = target.metadata, source.metadata
    title = meta.title
    if source_meta.title != title:
        title = f"{title}{TITLE_SEPARATOR}{source_meta.title}"
    stamp = meta.review_date or date(2000, 1, 1)

    def make(spacing: float) -> Story:
        root = Node("Document")
        source_ts = Typesetter(source, source_stack, sizes, large_print=options.large_print,
                               column=Column(lang=source.lang, bookmarks=False),
                               spacing=spacing)
        target_ts = Typesetter(target, target_stack, sizes, large_print=options.large_print,
                               spacing=spacing)
        flowables = BilingualStory(bi, source_ts, target_ts, columns, root).build()
        return Story(flowables, root, tail=root.elements()[-4:])

    return build_story(
        make,
        pagesize=pagesize,
        margins=(margin, top, bottom),
        props=properties(title, target.lang, meta.author, meta.subject, meta.keywords, stamp),
        furniture=furniture,
        stack=target_stack,
        body_size=sizes.body,
        stamp=stamp,
    )
