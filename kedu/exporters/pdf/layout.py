"""Page-level building blocks shared by the monolingual and bilingual handouts:
colours and type sizes, tinted boxes, rules, page furniture, the canvas that
draws furniture once the page count is known, the document template, and the
glyph check.

Everything drawn here that is not content — box backgrounds, rules, the
running footer, page numbers, the draft band — is marked as an artifact
(:mod:`kedu.exporters.pdf.tagging`); content flowables mark themselves.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any

from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kedu._version import __version__
from kedu.errors import ExportError, MissingGlyphError
from kedu.exporters.pdf.fonts import FontStack, register
from kedu.exporters.pdf.pages import Flowable, Frame, Image, build
from kedu.exporters.pdf.tagging import Marks, Node, Properties
from kedu.exporters.pdf.text import (
    Direction,
    ParaStyle,
    Span,
    actual_text,
    break_lines,
    color,
    draw_line,
    layout_line,
    resolve,
)

__all__ = [
    "ACCENT",
    "CTA_COLORS",
    "INK",
    "KIND_COLORS",
    "MUTED",
    "FigureImage",
    "Group",
    "PageFurniture",
    "Panel",
    "Rule",
    "Sizes",
    "binary_streams",
    "build_story",
    "check_glyphs",
    "keep_together",
]

INK = "#1b1b1b"
MUTED = "#4a4a4a"
ACCENT = "#1f5a85"
KIND_COLORS = {
    # kind: (fill, bar/border, label)
    "note": ("#eaf2fa", "#2e6da4", "#1f4f7a"),
    "warning": ("#fdf0e6", "#c2410c", "#9a3412"),
    "tip": ("#eaf6ec", "#2e7d32", "#1e5e22"),
}
CTA_COLORS = ("#e6f0f7", ACCENT, ACCENT)
PRINTABLE = 0.25 * inch
"""Nothing is printed closer to the paper's edge than this (printers leave up
to a quarter inch blank)."""


@dataclass(frozen=True)
class Sizes:
    """Type sizes in points; large print scales every level, not just the body."""

    body: float
    title: float
    subtitle: float
    summary: float
    heading: float
    box_heading: float
    small: float
    footer: float

    @classmethod
    def for_options(cls, large_print: bool) -> Sizes:
        if large_print:
            # Large-print guidance asks for 16-18 pt for all text: the smallest
            # levels (credits, captions, footer, draft band) are 16 pt too.
            return cls(16, 30, 20, 17.5, 22, 18, 16, 16)
        return cls(11.5, 24, 14.5, 12.5, 16, 12.5, 9.5, 8.5)

    @classmethod
    def for_columns(cls, large_print: bool) -> Sizes:
        """Half-width columns: one step below the full-width handout's headings so a
        title fits in three lines; large print keeps everything at 16 pt or more."""
        if large_print:
            return cls(16, 24, 18, 16.5, 19, 17, 16, 16)
        return cls(11, 19, 13, 11.5, 14, 12, 9, 8.5)


# --- boxes and rules ------------------------------------------------------------------------


def draw_panel(canv: Any, x: float, width: float, height: float, fill: str, border: str,
               direction: Direction, bar: float) -> None:
    """A tinted, bordered panel with a bar on the text's starting side (an artifact)."""
    with Marks.artifact(canv):
        canv.saveState()
        canv.setFillColor(color(fill))
        canv.setStrokeColor(color(border))
        canv.setLineWidth(0.8)
        canv.roundRect(x, 0, width, height, 4, stroke=1, fill=1)
        canv.setFillColor(color(border))
        bar_x = x + width - bar if direction == "rtl" else x
        canv.rect(bar_x, 0, bar, height, stroke=0, fill=1)
        canv.restoreState()


class Group(Flowable):
    """Flowables kept together the way a typesetter keeps them: when the group
    does not fit, it splits inside or between its parts — never right after a
    part that keeps with the next (a heading, a question, a box's label), and
    never leaving fewer than two lines of a paragraph on either side (the
    paragraph's own rule) — and moves whole only when no such split exists.

    The page loop's own ``keepWithNext`` (platypus's rule) moves a heading with the *whole*
    next paragraph, leaving half a page empty before a long one; a group
    needs only the next paragraph's first two lines.
    """

    PAD = 0.0
    BAR = 0.0

    def __init__(
        self,
        content: Sequence[Flowable],
        *,
        space_before: float | None = None,
        space_after: float | None = None,
        splittable: bool = True,
    ) -> None:
        super().__init__()
        self.content = list(content)
        self.splittable = splittable
        self.spaceBefore = (self.content[0].getSpaceBefore() if space_before is None
                            else space_before)
        self.spaceAfter = (self.content[-1].getSpaceAfter() if space_after is None
                           else space_after)
        self.keepWithNext = bool(self.content[-1].getKeepWithNext())
        self._heights: list[tuple[float, float, float]] = []

    def _inner(self, width: float) -> float:
        return width - 2 * self.PAD - self.BAR

    def _part(self, content: list[Flowable], first: bool, last: bool) -> Group:
        """A piece of this group after a split."""
        return Group(content, space_before=self.spaceBefore if first else 0.0,
                     space_after=self.spaceAfter if last else 0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        inner = self._inner(availWidth)
        self._heights = []
        total = 0.0
        for i, child in enumerate(self.content):
            before = child.getSpaceBefore() if i else 0.0
            after = child.getSpaceAfter() if i < len(self.content) - 1 else 0.0
            _, h = child.wrap(inner, 10_000)
            self._heights.append((before, h, after))
            total += before + h + after
        self.width = availWidth
        self.height = total + 2 * self.PAD
        return self.width, self.height

    def _may_split(self, availHeight: float) -> bool:
        return self.splittable

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight + 1e-6:
            return [self]
        if not self._may_split(availHeight):
            return []
        inner = self._inner(availWidth)
        room = availHeight - 2 * self.PAD
        used = 0.0
        for i, (child, (before, h, after)) in enumerate(
            zip(self.content, self._heights, strict=True)
        ):
            if used + before + h > room + 1e-6:
                space = room - used - before
                parts = child.split(inner, space) if space > 0 else []
                if len(parts) < 2:
                    parts = []
                head = self.content[:i] + parts[:1]
                tail = parts[1:] + self.content[i + 1 :] if parts else self.content[i:]
                if not head or not tail or (not parts and head[-1].getKeepWithNext()):
                    return []
                return [self._part(head, True, False), self._part(tail, False, True)]
            used += before + h + after
        return [self]

    def draw(self) -> None:
        self._draw_content(self.PAD + (0 if self._rtl() else self.BAR))

    def _rtl(self) -> bool:
        return False

    def _draw_content(self, x: float) -> None:
        canv = self.canv
        y = self.height - self.PAD
        inner = self._inner(self.width)
        for child, (before, h, after) in zip(self.content, self._heights, strict=True):
            y -= before
            child.wrap(inner, 10_000)
            child.drawOn(canv, x, y - h)
            y -= h + after


def keep_together(flowables: Sequence[Flowable]) -> list[Flowable]:
    """Join every flowable that keeps with the next one to it in a :class:`Group`."""
    out: list[Flowable] = []
    pending: list[Flowable] = []
    for flowable in flowables:
        pending.append(flowable)
        if not flowable.getKeepWithNext():
            out.append(Group(pending) if len(pending) > 1 else pending[0])
            pending = []
    if pending:
        out.append(Group(pending) if len(pending) > 1 else pending[0])
    return out


class Panel(Group):
    """A tinted box with a coloured bar on the text's starting side.

    The bar moves to the right edge for right-to-left text, like a mirrored
    margin note.  A box that does not fit splits like a :class:`Group`, each
    part with its own frame; it moves whole to the next page only when the
    space left is small beside it (moving leaves little empty) or it must not
    split (``splittable=False``: the contact box).
    """

    PAD = 9.0
    BAR = 4.0
    PAGE_SHARE = 400.0
    """A box taller than this (points) splits into whatever space is left, if
    that is at least 40 % of it; shorter boxes need 40 % of their own height."""

    def __init__(
        self,
        content: Sequence[Flowable],
        fill: str,
        border: str,
        direction: Direction,
        *,
        space_before: float = 0,
        space_after: float = 0,
        splittable: bool = True,
    ) -> None:
        super().__init__(content, space_before=space_before, space_after=space_after,
                         splittable=splittable)
        self.keepWithNext = False
        self.fill = fill
        self.border = border
        self.direction = direction

    def _part(self, content: list[Flowable], first: bool, last: bool) -> Group:
        return Panel(content, self.fill, self.border, self.direction,
                     space_before=self.spaceBefore if first else 0.0,
                     space_after=self.spaceAfter if last else 0.0)

    def _may_split(self, availHeight: float) -> bool:
        return self.splittable and availHeight >= min(self.height, self.PAGE_SHARE) * 0.4

    def _rtl(self) -> bool:
        return self.direction == "rtl"

    def draw(self) -> None:
        draw_panel(self.canv, 0, self.width, self.height, self.fill, self.border,
                   self.direction, self.BAR)
        super().draw()


class Rule(Flowable):
    """A thin horizontal line (an artifact): under the title block, above the
    disclaimer."""

    def __init__(self, colour: str, thickness: float, space: float,
                 *, keep_with_next: bool = False) -> None:
        super().__init__()
        self.colour = colour
        self.thickness = thickness
        self.spaceBefore = self.spaceAfter = space
        self.keepWithNext = keep_with_next

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.thickness
        return availWidth, self.thickness

    def draw(self) -> None:
        canv = self.canv
        with Marks.artifact(canv):
            canv.saveState()
            canv.setFillColor(color(self.colour))
            canv.rect(0, 0, self.width, self.thickness, stroke=0, fill=1)
            canv.restoreState()


class FigureImage(Image):
    """A picture tagged as a ``Figure`` (its node carries the alt text), with an
    optional bookmark at its top."""

    def __init__(self, path: Path, width: float, height: float, node: Node,
                 bookmark: tuple[str, int] | None = None) -> None:
        super().__init__(path, width, height)
        self.node = node
        self.bookmark = bookmark

    def draw(self) -> None:
        canv = self.canv
        marks: Marks = canv.marks
        if getattr(canv, "dry", False):  # a layout pass: only where it lands
            with marks.content(canv, self.node):
                return
        if self.bookmark is not None:
            title, level = self.bookmark
            marks.bookmark(canv, title, level, canv.absolutePosition(0, self.drawHeight)[1])
        with marks.content(canv, self.node):
            super().draw()


def load_image(path: Path, max_width: float, max_height: float) -> tuple[float, float]:
    """The size a picture is drawn at, within the bounds; a clear error if it
    cannot be read."""
    if not path.is_file():
        raise ExportError(f"image file not found: {path}", path=path)
    try:
        width, height = ImageReader(str(path)).getSize()
    except Exception as exc:
        raise ExportError(f"cannot read image: {exc}", path=path) from exc
    scale = min(max_width / width, max_height / height)
    return width * scale, height * scale


# --- the glyph check ------------------------------------------------------------------------


def check_glyphs(locale: str, texts: Iterable[tuple[str, str]], stack: FontStack) -> None:
    """Refuse to print a handout with a character no font can show (no tofu).

    ``texts`` are (where, text) pairs, from :func:`kedu.document.printed_texts`
    for the content, so the check covers exactly what prints.
    """
    problems: dict[str, list[str]] = {}
    for where, text in texts:
        for ch in stack.missing(text):
            problems.setdefault(ch, []).append(where)
    if problems:
        parts = [
            f"U+{ord(ch):04X} {ch!r} in {', '.join(dict.fromkeys(where))}"
            for ch, where in problems.items()
        ]
        families = ", ".join(f.key for f in stack.families)
        raise MissingGlyphError(
            f"locale {locale}: no glyph in the handout fonts ({families}) for "
            + "; ".join(parts)
        )


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFurniture:
    """What every page carries besides the story: footer lines and the draft band.

    All of it is an artifact: a screen reader meets the organization and the
    draft notice once, in the content, not on every page.
    """

    stack: FontStack
    direction: Direction
    sizes: Sizes
    organization: str | None
    reviewed: str | None
    draft_notice: tuple[tuple[str, Direction], ...]
    """The draft band's lines (bilingual handouts: the notice in both languages)."""
    page_counter: Callable[[int, int], str]
    margin: float

    page_width: float = 612.0

    @cached_property
    def band_lines(self) -> list[tuple[list[Any], Direction]]:
        """The draft band's lines: each notice wrapped to the page's margins."""
        size = self.sizes.footer
        style = ParaStyle(size, size * 1.3, MUTED, self.direction)
        out: list[tuple[list[Any], Direction]] = []
        for notice, direction in self.draft_notice:
            pieces = resolve([Span(notice, True, color="#6b4e00")], self.stack, style)
            for line in break_lines(pieces, self.page_width - 2 * self.margin):
                out.append((list(line.pieces), direction))
        return out

    @cached_property
    def reviewed_lines(self) -> list[Any]:
        """The "Last reviewed" footer line, broken to fit between the margins."""
        if not self.reviewed:
            return []
        size = self.sizes.footer
        style = ParaStyle(size, size * 1.3, MUTED, self.direction)
        pieces = resolve([Span(self.reviewed, color=MUTED)], self.stack, style)
        return break_lines(pieces, self.page_width - 2 * self.margin)

    @property
    def footer_height(self) -> float:
        """Room the footer needs above the bottom edge of the page."""
        extra = max(len(self.reviewed_lines) - 1, 0)
        return float(0.45 * inch + self.sizes.footer * (5 + 1.3 * extra))

    def _band_baselines(self) -> list[float]:
        """Distance of each band line's baseline from the top edge: the first
        line's letters start a quarter inch down, clear of the printer's
        unprintable edge."""
        size = self.sizes.footer
        first = PRINTABLE + size * 1.5  # the tallest font's ascent (Arabic)
        return [first + n * size * 1.3 for n in range(len(self.band_lines))]

    @property
    def band_height(self) -> float:
        """Height of the draft band at the top of the page (0 without one)."""
        baselines = self._band_baselines()
        return baselines[-1] + self.sizes.footer * 0.6 + 4 if baselines else 0.0

    def top_margin(self, margin: float) -> float:
        """The body's top margin: ``margin``, or more below a deep draft band."""
        if not self.draft_notice:
            return margin
        return max(margin, self.band_height + self.sizes.footer * 1.5)

    def draw(self, canv: Canvas, page: int, pages: int) -> None:
        with Marks.artifact(canv):
            self._draw(canv, page, pages)

    def _draw(self, canv: Canvas, page: int, pages: int) -> None:
        width, height = canv._pagesize
        size = self.sizes.footer
        style = ParaStyle(size, size * 1.3, MUTED, self.direction)
        left, right = self.margin, width - self.margin
        rtl = self.direction == "rtl"

        def text(pieces: Sequence[Any], y: float, at_start: bool) -> None:
            runs = layout_line(pieces, self.direction)
            w = sum(r[2] for r in runs)
            x = (right - w if rtl else left) if at_start else (left if rtl else right - w)
            draw_line(canv, runs, x, y, actual_text(pieces, self.direction, runs))

        canv.saveState()
        canv.setStrokeColor(color("#c8c8c8"))
        canv.setLineWidth(0.5)
        base = 0.45 * inch
        reviewed = self.reviewed_lines
        # The review line may wrap (a bilingual large-print footer); it grows upwards.
        for row, line in enumerate(reversed(reviewed)):
            text(line.pieces, base + size * 1.3 * row, True)
        first = base + size * 1.3 * max(len(reviewed) - 1, 0) + size * 1.5
        canv.line(left, first + size * 1.4, right, first + size * 1.4)
        counter = self.page_counter(page, pages)
        text(resolve([Span(counter, True, color=MUTED)], self.stack, style), first, False)
        if self.organization:
            text(resolve([Span(self.organization, color=MUTED)], self.stack, style), first, True)
        if self.draft_notice:
            band = self.band_height
            canv.setFillColor(color("#fff3c4"))
            canv.rect(0, height - band, width, band, stroke=0, fill=1)
            for (pieces, direction), down in zip(self.band_lines, self._band_baselines(),
                                                 strict=True):
                runs = layout_line(pieces, direction)
                w = sum(r[2] for r in runs)
                draw_line(canv, runs, (width - w) / 2, height - down,
                          actual_text(pieces, direction, runs))
        canv.restoreState()


def _canvas_class(furniture: PageFurniture, stamp: date, marks: Marks,
                  dry: bool = False) -> type[Canvas]:
    """A canvas that draws page furniture at save time, when the page count is known.

    ``dry``: for a layout pass, whose flowables only record where their content
    lands (``Text`` and ``FigureImage`` read the flag) and which writes nothing."""

    class HandoutCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _fix_timestamp(self, stamp)
            self._saved_pages: list[dict[str, Any]] = []
            self.marks = marks
            self.dry = dry

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        if dry:
            # A layout pass draws nothing that is kept: moving the origin and
            # saving the graphics state only cost time.
            def transform(self, *args: float) -> None:
                pass

            def saveState(self) -> None:
                pass

            def restoreState(self) -> None:
                pass

        def save(self) -> None:
            if dry:
                return
            pages = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, 1):
                self.__dict__.update(state)
                furniture.draw(self, number, pages)
                Canvas.showPage(self)
            Canvas.save(self)

    return HandoutCanvas


def _fix_timestamp(canv: Canvas, stamp: date) -> None:
    """Creation and modification dates from the review date, so output is reproducible."""
    ts = canv._doc._timeStamp
    moment = datetime.combine(stamp, time(0, 0), tzinfo=UTC)
    ts.t = moment.timestamp()
    ts.lt = moment.timetuple()
    ts.YMDhms = tuple(ts.lt)[:6]
    ts.dhh = ts.dmm = 0
    ts.tzname = "UTC"


@contextmanager
def binary_streams() -> Iterator[None]:
    """Write streams as binary (Flate only), not ASCII85 over Flate, for one build.

    ASCII85 makes compressed streams a quarter larger and only serves 7-bit
    transports.  reportlab reads the switch from its global ``rl_config`` while
    it builds (page contents, images), so it is set for the build and restored
    after, leaving other reportlab users in the process unaffected.
    """
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


@dataclass
class Story:
    """What one layout attempt makes: the flowables, the structure tree they
    fill in while drawing, and the elements that end the handout (the
    disclaimer), which must not stand on a page of their own."""

    flowables: list[Flowable]
    root: Node
    tail: list[Node]


TIGHTER = (1.0, 0.8, 0.6)
"""Spacing factors tried in turn while the disclaimer would stand alone on the
last page."""


def build_story(
    make: Callable[[float], Story],
    *,
    pagesize: tuple[float, float],
    margins: tuple[float, float, float],
    props: Properties,
    furniture: PageFurniture,
    stack: FontStack,
    body_size: float,
    stamp: date,
) -> bytes:
    """Lay out the story ``make(spacing)`` on pages with ``furniture``, then tag
    the result.  When the disclaimer would fill the last page alone, the story
    is laid out again with a little less space between blocks (up to
    :data:`TIGHTER`); if that does not help, the first layout stands.
    ``margins`` is (sides, top, bottom).

    The spacing is chosen by layout passes that break pages exactly as the
    final rendering does but shape and draw nothing (see ``Text.draw``), so a
    handout that needs tighter spacing is rendered once, not once per try."""
    from kedu.exporters.pdf.tagging import finish

    def render(spacing: float, *, dry: bool) -> tuple[bytes, Story, Marks]:
        story = make(spacing)
        marks = Marks()
        pdf = _render(story.flowables, pagesize, margins, props, furniture, stack, body_size,
                      stamp, marks, dry=dry)
        return pdf, story, marks

    chosen = next((s for s in TIGHTER if not _alone(render(s, dry=True)[1])), TIGHTER[0])
    pdf, story, marks = render(chosen, dry=False)
    return finish(pdf, story.root, marks, props)


def _alone(story: Story) -> bool:
    """Whether the tail elements start on a page after all other content."""
    tail: set[int] = set()
    rest: set[int] = set()
    for node in story.root.elements():
        (tail if node in story.tail else rest).update(node.pages())
    return bool(tail) and bool(rest) and min(tail) > max(rest)


def _render(
    flowables: list[Flowable],
    pagesize: tuple[float, float],
    margins: tuple[float, float, float],
    props: Properties,
    furniture: PageFurniture,
    stack: FontStack,
    body_size: float,
    stamp: date,
    marks: Marks,
    *,
    dry: bool = False,
) -> bytes:
    """The pages every layout shares: one body frame inside the margins, the
    document's metadata, settings that make the output byte-identical."""
    side, top, bottom = margins
    out = io.BytesIO()
    frame = Frame(side, bottom, pagesize[0] - 2 * side, pagesize[1] - top - bottom)
    font = register(stack.primary.regular)
    with binary_streams():
        build(
            flowables,
            _canvas_class(furniture, stamp, marks, dry),
            out,
            pagesize=pagesize,
            frame=frame,
            title=props.title,
            author=props.author or "",
            subject=props.subject or "",
            creator=props.creator,
            keywords=", ".join(props.keywords),
            lang=props.lang,
            font_name=font,
            font_size=body_size,
        )
    return out.getvalue()


def properties(title: str, lang: str, author: str | None, subject: str | None,
               keywords: Sequence[str], stamp: date) -> Properties:
    """The document properties of a handout (PDF info, XMP, catalog)."""
    return Properties(
        title=unicodedata.normalize("NFC", title),
        lang=lang,
        author=author,
        subject=unicodedata.normalize("NFC", subject) if subject else None,
        keywords=tuple(keywords),
        creator=f"kedu {__version__}",
        created=datetime.combine(stamp, time(0, 0)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
