"""Document-tree blocks → tagged flowables, for one language.

:class:`Typesetter` holds the styles of one column (a whole page, or one side of
a bilingual handout) and turns each block of a :class:`kedu.document.Document`
into flowables; both layouts (:mod:`kedu.exporters.pdf.document`,
:mod:`kedu.exporters.pdf.bilingual`) arrange what it makes.  Every flowable
that prints content belongs to a structure element (:class:`Node`) created
here, in reading order.

:class:`Text` is the paragraph flowable: lines come from the text engine
(:mod:`kedu.exporters.pdf.text`), and drawing marks each line as content of its
element, links as ``Link`` elements owning their annotations, bullets and
contact labels as ``Lbl``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any

from reportlab.lib.units import inch

from kedu.document import (
    Box,
    ContactBox,
    Disclaimer,
    Document,
    FaqEntry,
    Figure,
    Heading,
    Inline,
    ListEntry,
    Logo,
    Masthead,
    Paragraph,
    Subtitle,
    Title,
    plain,
)
from kedu.exporters.pdf.fonts import FontStack
from kedu.exporters.pdf.layout import (
    ACCENT,
    CTA_COLORS,
    KIND_COLORS,
    MUTED,
    FigureImage,
    Panel,
    Rule,
    Sizes,
    load_image,
)
from kedu.exporters.pdf.pages import Flowable, KeepTogether
from kedu.exporters.pdf.tagging import Marks, Node, Role
from kedu.exporters.pdf.text import (
    Direction,
    Line,
    ParaStyle,
    Piece,
    Span,
    actual_text,
    break_lines,
    draw_line,
    layout_line,
    resolve,
    width_of,
)

__all__ = ["Text", "Typesetter"]

INK = "#1b1b1b"

# A span the document tree marks with its own direction (a website, an address
# starting with a number, inside right-to-left text) keeps its own order
# whatever surrounds it: a bidi isolate (LRI/RLI … PDI), so neither the span
# nor the text around it is reordered by the other.
_LRI, _RLI, _PDI = "\u2066", "\u2067", "\u2069"


def _no_space_after(ch: str) -> bool:
    """Scripts written without spaces between words (Chinese, Japanese)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _strong_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


class Text(Flowable):
    """A paragraph set by kedu's line breaker, tagged as ``node``; splits
    between lines, keeping at least two on each side (no orphans or widows).

    ``bullet`` (with ``bullet_node``, an ``Lbl``) is drawn on the start side of
    the first line.  A ``label_row`` is a contact line: the label in the start
    column and the value after it, or — in a column too narrow for the value's
    longest word beside the label — the label above the value, for every row of
    the group alike, so a phone number is never broken.
    """

    MIN_LINES = 2

    def __init__(
        self,
        pieces: Sequence[Piece],
        para: ParaStyle,
        node: Node,
        *,
        bullet: Sequence[Piece] = (),
        bullet_node: Node | None = None,
        bookmark: tuple[str, int] | None = None,
        keep_with_next: bool = False,
        lines: Sequence[Line] | None = None,
        group: list[Text] | None = None,
    ) -> None:
        super().__init__()
        self.pieces = tuple(pieces)
        self.para = para
        self.node = node
        self.bullet = tuple(bullet)
        self.bullet_node = bullet_node
        self.bookmark = bookmark
        self.keepWithNext = keep_with_next
        self.spaceBefore = para.space_before
        self.spaceAfter = para.space_after
        self.group = group
        self.ends_paragraph = True
        self._lines: list[Line] | None = list(lines) if lines is not None else None
        self._laid_width: float | None = None

    # layout
    def _needs_stack(self, avail_width: float) -> bool:
        longest = max(
            (width_of(style, word) for style, text in self.pieces for word in text.split()),
            default=0.0,
        )
        return longest > avail_width - self.para.indent

    def _stacked(self, avail_width: float) -> bool:
        """A contact row whose label goes above its value."""
        return self.group is not None and any(r._needs_stack(avail_width) for r in self.group)

    def _indent(self, avail_width: float) -> float:
        return 0.0 if self._stacked(avail_width) else self.para.indent

    def _layout(self, avail_width: float) -> list[Line]:
        # Parts made by split() carry finished lines and no pieces to re-break.
        if self.pieces and self._laid_width != avail_width:
            self._lines = break_lines(self.pieces, avail_width - self._indent(avail_width))
            self._laid_width = avail_width
        return self._lines or []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.para.leading
        if self._stacked(availWidth):
            self.height += self.para.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self.group is not None:
            return []  # one contact detail is never split across pages
        lines = self._layout(availWidth)
        fit = int((availHeight + 1e-6) // self.para.leading)
        if fit >= len(lines):
            return [self]
        fit = min(fit, len(lines) - self.MIN_LINES)
        if fit < self.MIN_LINES:
            return []
        first = Text((), replace(self.para, space_after=0), self.node, bullet=self.bullet,
                     bullet_node=self.bullet_node, bookmark=self.bookmark, lines=lines[:fit])
        rest = Text((), replace(self.para, space_before=0), self.node,
                    keep_with_next=self.keepWithNext, lines=lines[fit:])
        first._laid_width = rest._laid_width = availWidth
        first.ends_paragraph = False
        return [first, rest]

    # drawing
    def draw(self) -> None:
        canv = self.canv
        marks: Marks = canv.marks
        para = self.para
        lines = self._lines or []
        if getattr(canv, "dry", False):
            self._mark(canv, marks, lines)
            return
        if self.bookmark is not None:
            title, level = self.bookmark
            marks.bookmark(canv, title, level, canv.absolutePosition(0, self.height)[1])
        rtl = para.direction == "rtl"
        stacked = self._stacked(self.width)
        indent = 0.0 if stacked else para.indent
        top = self.height - (para.leading if stacked else 0.0)
        descent = (para.leading - para.size) / 2 + para.size * 0.22
        seq = _Sequence(canv, marks)
        link: tuple[str, Node] | None = None
        for n, line in enumerate(lines):
            y = top - (n + 1) * para.leading + descent
            if para.align == "center":
                x = (self.width - line.width) / 2
            elif rtl:
                x = self.width - indent - line.width
            else:
                x = indent
            link = self._draw_line(seq, line.pieces, x, y, link)
            if n < len(lines) - 1 or not self.ends_paragraph:
                self._draw_line_end(seq, line, x, y)
        seq.close()
        if self.bullet and lines:
            self._draw_bullet(canv, marks, top if not stacked else self.height, descent)

    def _mark(self, canv: Any, marks: Marks, lines: Sequence[Line]) -> None:
        """A layout pass's drawing (see :func:`kedu.exporters.pdf.layout.build_story`):
        only the marked-content sequences, so the structure tree knows on which
        pages each element lands; nothing is shaped or drawn."""
        seq = _Sequence(canv, marks)
        link: tuple[str, Node] | None = None
        for line in lines:
            link = self._draw_line(seq, line.pieces, 0.0, 0.0, link, dry=True)
        seq.close()
        if self.bullet and lines:
            with marks.content(canv, self.bullet_node or self.node):
                pass

    def _draw_line(self, seq: _Sequence, pieces: Sequence[Piece], x: float, y: float,
                   link: tuple[str, Node] | None, *,
                   dry: bool = False) -> tuple[str, Node] | None:
        """One line, marked as content of the paragraph or, for linked text, of a
        ``Link`` element that also owns the link's annotations.  Returns the link
        the line ends in, so a link broken over two lines stays one element.
        ``dry``: only the marks (a layout pass)."""
        canv = seq.canv
        direction = self.para.direction
        groups = [list(g) for _, g in groupby(pieces, key=lambda p: p[0].href)]
        text = "".join(t for _, t in pieces)
        if len(groups) > 1 and direction == "ltr" and not _strong_rtl(text):
            # Left-to-right text is drawn in logical order, so each stretch of
            # linked or plain text can be drawn, and marked, on its own.
            for group in groups:
                link = self._link_node(group[0][0].href, link)
                seq.switch(link[1] if link else self.node)
                if not dry:
                    runs = layout_line(group, direction)
                    self._record_links(seq, runs, link, pieces)
                    x = draw_line(canv, runs, x, y, actual_text(group, direction, runs))
            return link
        # One stretch, or a line the bidi algorithm reorders: drawn as a whole.
        # Mixed right-to-left lines keep their links' text in the paragraph;
        # the Link elements still own the annotations.
        href = groups[0][0][0].href if len(groups) == 1 else None
        link = self._link_node(href, link) if href else None
        seq.switch(link[1] if link else self.node)
        if not dry:
            runs = layout_line(pieces, direction)
            self._record_links(seq, runs, link, pieces)
            draw_line(canv, runs, x, y, actual_text(pieces, direction, runs))
        return link

    def _draw_line_end(self, seq: _Sequence, line: Line, x: float, y: float) -> None:
        """The space the line broke at, drawn (blank) after its last word: readers
        that follow the structure tree get "feel high", not "feelhigh".  Not
        after a hyphen or between Chinese characters, where no space was."""
        if not line.pieces:
            return
        style, text = line.pieces[-1]
        last = text[-1:]
        if not last or last == "-" or last.isspace() or _no_space_after(last):
            return
        # After a line that fills the column the blank moves back over the last
        # letter's edge (it draws nothing), so it never reaches the margin.
        runs = layout_line([(replace(style, href=None), " ")], self.para.direction)
        width = sum(r[2] for r in runs)
        if self.para.direction == "rtl":
            end = max(x - width, 0.0)
        else:
            end = min(x + line.width, self.width - width)
        draw_line(seq.canv, runs, end, y)

    def _link_node(self, href: str | None,
                   current: tuple[str, Node] | None) -> tuple[str, Node] | None:
        if href is None:
            return None
        if current is not None and current[0] == href:
            return current
        return href, self.node.add("Link")

    def _record_links(self, seq: _Sequence, runs: Sequence[Any],
                      link: tuple[str, Node] | None, pieces: Sequence[Piece]) -> None:
        """Tell the structure tree which element owns each annotation the
        runs will make (``draw_line`` adds one per linked run)."""
        for run in runs:
            style = run.style
            if style.href:
                node = link[1] if link and link[0] == style.href else self.node.add("Link")
                seq.marks.link(seq.canv, node, _describe(pieces, style.href))

    def _draw_bullet(self, canv: Any, marks: Marks, top: float, descent: float) -> None:
        para = self.para
        runs = layout_line(self.bullet, para.direction)
        width = sum(r[2] for r in runs)
        y = top - para.leading + descent
        rtl = para.direction == "rtl"
        if self.group is not None:  # a contact label: flush with the start edge
            x = self.width - width if rtl else 0.0
        else:  # a list bullet: centred in the indent
            gap = para.indent - width
            x = self.width - para.indent + gap / 2 if rtl else gap / 2
        node = self.bullet_node or self.node
        with marks.content(canv, node):
            draw_line(canv, runs, x, y, actual_text(self.bullet, para.direction, runs))


class _Sequence:
    """The marked-content sequence being drawn: one per element per page, so a
    heading's lines are one MCID; switching element closes it and opens another."""

    def __init__(self, canv: Any, marks: Marks) -> None:
        self.canv = canv
        self.marks = marks
        self.node: Node | None = None

    def switch(self, node: Node) -> None:
        if node is self.node:
            return
        self.close()
        self.marks.begin(self.canv, node)
        self.node = node

    def close(self) -> None:
        if self.node is not None:
            self.marks.end(self.canv)
            self.node = None


def _describe(pieces: Sequence[Piece], href: str) -> str:
    """A link annotation's description: the text it covers, else its target."""
    text = "".join(t for style, t in pieces if style.href == href).strip()
    return text or href


# --- the typesetter -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """Where a typesetter's text goes and how it is tagged.

    ``lang`` is set on the structure elements when the column's language is
    not the document's (the source column of a bilingual handout);
    ``bookmarks`` says whether its headings make outline entries.
    """

    lang: str | None = None
    bookmarks: bool = True
    max_image_width: float = 6.5 * inch


class Typesetter:
    """Styles and flowables for the blocks of one document."""

    def __init__(self, document: Document, stack: FontStack, sizes: Sizes, *,
                 large_print: bool, column: Column | None = None, spacing: float = 1.0) -> None:
        self.document = document
        self.stack = stack
        self.sizes = sizes
        self.large_print = large_print
        self.column = column or Column()
        self.direction: Direction = document.direction
        self.spacing = spacing
        """Scales the space between paragraphs, headings, items and boxes (and,
        by a sixth as much, the body's line spacing): a little less of it can
        keep the disclaimer off a page of its own."""
        s = sizes
        leading = 1.5 * (1 - (1 - spacing) / 6)
        self.body = ParaStyle(s.body, s.body * leading, INK, self.direction,
                              space_after=s.body * 0.6 * spacing)

    # --- helpers
    def style(self, size: float, **kw: Any) -> ParaStyle:
        leading = kw.pop("leading", size * 1.4)
        return replace(self.body, size=size, leading=leading, **kw)

    def node(self, parent: Node, role: Role, **kw: Any) -> Node:
        return parent.add(role, lang=self.column.lang, **kw)

    def pieces(self, content: Inline, para: ParaStyle, *, bold: bool = False,
               color: str | None = None) -> list[Piece]:
        spans = []
        for span in content:
            text = span.text
            if span.direction is not None and span.direction != self.direction:
                text = f"{_LRI if span.direction == 'ltr' else _RLI}{text}{_PDI}"
            spans.append(Span(text, span.strong or bold, span.emphasis, span.href, color))
        return resolve(spans, self.stack, para)

    def text(self, content: Inline, para: ParaStyle, node: Node, *, bold: bool = False,
             color: str | None = None, bookmark: tuple[str, int] | None = None,
             keep_with_next: bool = False) -> Text:
        if not self.column.bookmarks:
            bookmark = None
        return Text(self.pieces(content, para, bold=bold, color=color), para, node,
                    bookmark=bookmark, keep_with_next=keep_with_next)

    def words(self, text: str) -> Inline:
        from kedu.document import Span as DocSpan

        return (DocSpan(text),)

    # --- front matter
    def logo(self, block: Logo, parent: Node) -> Flowable:
        width, height = load_image(block.path, 2.2 * inch, 0.7 * inch)
        image = FigureImage(block.path, width, height, self.node(parent, "Figure",
                                                                 alt=block.alt))
        image.hAlign = "RIGHT" if self.direction == "rtl" else "LEFT"
        image.spaceAfter = 6
        return image

    def masthead(self, block: Masthead, parent: Node) -> Text:
        s = self.sizes
        return self.text(self.words(block.text),
                         self.style(s.small + 1.5, space_after=s.small * 0.6, color=ACCENT),
                         self.node(parent, "P"), bold=True)

    def language_name(self, parent: Node) -> Text:
        s = self.sizes
        return self.text(self.words(self.document.language_name),
                         self.style(s.small + 1.5, color=MUTED, space_after=s.small * 0.5),
                         self.node(parent, "P"), bold=True)

    def title(self, block: Title, parent: Node) -> Text:
        s = self.sizes
        return self.text(block.content,
                         self.style(s.title, leading=s.title * 1.2, space_after=s.title * 0.3),
                         self.node(parent, "H1"), bold=True,
                         bookmark=(plain(block.content), 0))

    def subtitle(self, block: Subtitle, parent: Node) -> Text:
        s = self.sizes
        return self.text(block.content,
                         self.style(s.subtitle, leading=s.subtitle * 1.3, color=MUTED,
                                    space_after=s.subtitle * 0.6),
                         self.node(parent, "P"))

    def title_rule(self) -> Rule:
        return Rule(ACCENT, 2.5 if self.large_print else 1.5, self.sizes.body * 0.6)

    # --- body
    def paragraph(self, block: Paragraph, parent: Node) -> Text:
        s = self.sizes
        para = self.body
        if block.role == "summary":
            para = self.style(s.summary, leading=s.summary * 1.5, space_after=4)
        return self.text(block.content, para, self.node(parent, "P"))

    def heading(self, block: Heading, outline: str, parent: Node) -> Text:
        s = self.sizes
        return self.text(
            block.content,
            self.style(s.heading, leading=s.heading * 1.3, color=ACCENT,
                       space_before=s.heading * 0.9 * self.spacing,
                       space_after=s.heading * 0.35 * self.spacing),
            self.node(parent, "H2" if block.level <= 2 else "H3"),
            bold=True, keep_with_next=True, bookmark=(outline, 1),
        )

    def list_item(self, entry: ListEntry, parent: Node) -> Text:
        """A bulleted item, bold term then description; the bullet sits on the start side."""
        indent = self.sizes.body * 1.6
        para = replace(self.body, indent=indent,
                       space_after=self.sizes.body * 0.45 * self.spacing)
        item = self.node(parent, "LI")
        label = item.add("Lbl")
        body = item.add("LBody")
        bullet = resolve([Span("•", color=ACCENT)], self.stack, para)
        content = (*entry.label, *self.words(entry.separator), *entry.body)
        return Text(self.pieces(content, para), para, body, bullet=bullet, bullet_node=label)

    def question(self, entry: FaqEntry, parent: Node) -> Text:
        s = self.sizes
        para = self.style(s.body + 1, leading=(s.body + 1) * 1.4, color=ACCENT,
                          space_before=s.body * 0.5 * self.spacing,
                          space_after=s.body * 0.2 * self.spacing)
        return self.text(entry.question, para, self.node(parent, "H3"), bold=True,
                         keep_with_next=True)

    def answer(self, entry: FaqEntry, parent: Node) -> Text:
        return self.text(entry.answer, self.body, self.node(parent, "P"))

    def faq_entry(self, entry: FaqEntry, parent: Node) -> list[Flowable]:
        # The question keeps with its answer's first lines (keep_together()),
        # not in a KeepTogether: the page loop never joins a KeepTogether to the
        # heading before it, which would strand the FAQ heading at a page's foot.
        return [self.question(entry, parent), self.answer(entry, parent)]

    # --- boxes
    def box_content(self, block: Box, parent: Node, outline: str) -> list[Flowable]:
        """What a note, warning or tip box holds: its kind word, heading and text."""
        _, _, label_color = KIND_COLORS[block.kind]
        s = self.sizes
        div = self.node(parent, "Div", title=block.label)
        content: list[Flowable] = [
            self.text(self.words(block.label),
                      self.style(s.small + 1, color=label_color, space_after=2),
                      div.add("P"), bold=True, bookmark=(outline, 1), keep_with_next=True)
        ]
        if block.heading is not None:
            content.append(self.text(block.heading, self.style(s.box_heading, space_after=3),
                                     div.add("P"), bold=True, keep_with_next=True))
        content.append(self.text(block.body, replace(self.body, space_after=0), div.add("P")))
        return content

    def box(self, block: Box, parent: Node, outline: str) -> Flowable:
        s = self.sizes
        fill, border, _ = KIND_COLORS[block.kind]
        return Panel(self.box_content(block, parent, outline), fill, border, self.direction,
                     space_before=s.body * 0.8 * self.spacing,
                     space_after=s.body * 0.8 * self.spacing)

    def contact_content(self, block: ContactBox, parent: Node) -> list[Flowable]:
        """What the contact box holds: heading, invitation and labelled contact details."""
        s = self.sizes
        div = self.node(parent, "Div")
        content: list[Flowable] = [
            self.text(block.heading, self.style(s.box_heading + 2, color=ACCENT, space_after=4),
                      div.add("H2"), bold=True, bookmark=(plain(block.heading), 1),
                      keep_with_next=True),
            self.text(block.text, replace(self.body, space_after=s.body * 0.5), div.add("P")),
        ]
        if block.details:
            label_style = replace(self.body, space_after=2)
            labels = [resolve([Span(d.label, bold=True, color=ACCENT)], self.stack, label_style)
                      for d in block.details]
            label_width = max(sum(width_of(st, t) for st, t in p) for p in labels)
            row = replace(label_style, indent=label_width + s.body * 1.2)
            details = div.add("L")
            group: list[Text] = []
            for detail, label in zip(block.details, labels, strict=True):
                from kedu.document import Span as DocSpan

                value = (DocSpan(detail.display, href=detail.href, direction=detail.direction),)
                item = details.add("LI")
                label_node = item.add("Lbl")
                line = Text(self.pieces(value, row), row, item.add("LBody"), bullet=label,
                            bullet_node=label_node, group=group)
                group.append(line)
            content.extend(group)
        return content

    def contact(self, block: ContactBox, parent: Node) -> Flowable:
        fill, border, _ = CTA_COLORS
        s = self.sizes
        return Panel(self.contact_content(block, parent), fill, border, self.direction,
                     space_before=s.body, space_after=s.body, splittable=False)

    # --- figures
    def figure_image(self, block: Figure, parent: Node, outline: str) -> FigureImage:
        width, height = load_image(block.path, self.column.max_image_width, 3.2 * inch)
        bookmark = (outline, 1) if self.column.bookmarks else None
        image = FigureImage(block.path, width, height, self.node(parent, "Figure", alt=block.alt),
                            bookmark)
        image.hAlign = "CENTER"
        return image

    def caption(self, block: Figure, parent: Node, *, centered: bool) -> list[Flowable]:
        s = self.sizes
        align = "center" if centered else "start"
        out: list[Flowable] = []
        if block.caption is not None:
            out.append(self.text(block.caption,
                                 self.style(s.small + 1, color=MUTED, space_before=4,
                                            space_after=1, align=align),
                                 self.node(parent, "Caption")))
        if block.credit is not None:
            out.append(self.text(self.words(block.credit),
                                 self.style(s.small, color=MUTED, align=align),
                                 self.node(parent, "P")))
        return out

    def figure(self, block: Figure, parent: Node, outline: str) -> Flowable:
        return KeepTogether([self.figure_image(block, parent, outline),
                             *self.caption(block, parent, centered=True)])

    # --- the end
    def disclaimer_rule(self) -> Rule:
        return Rule("#b0b0b0", 0.6, self.sizes.body * 0.8, keep_with_next=True)

    def disclaimer_content(self, block: Disclaimer, parent: Node) -> list[Flowable]:
        s = self.sizes
        return [
            self.text(self.words(block.heading),
                      self.style(s.small + 1, color=MUTED, space_after=2),
                      self.node(parent, "H2"), bold=True, keep_with_next=True),
            self.text(block.content,
                      self.style(s.small + 0.5, leading=(s.small + 0.5) * 1.45, color=MUTED),
                      self.node(parent, "P")),
        ]
