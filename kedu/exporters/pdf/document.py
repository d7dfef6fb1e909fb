"""The handout: article sections → platypus flowables → PDF bytes."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, KeepTogether, PageTemplate

from kedu._version import __version__
from kedu.errors import ExportError, MissingGlyphError
from kedu.exporters.base import ExportOptions
from kedu.exporters.pdf.fonts import FontStack, font_stack, register
from kedu.exporters.pdf.text import (
    Direction,
    Line,
    ParaStyle,
    Piece,
    Span,
    TextBlock,
    actual_text,
    break_lines,
    draw_line,
    layout_line,
    resolve,
    width_of,
)
from kedu.models.article import (
    CalloutSection,
    CallToActionSection,
    FaqSection,
    ImageSection,
    ListItem,
    ListSection,
    ProseSection,
    Section,
)
from kedu.models.inline import parse_runs, plain_text
from kedu.models.localized import LocalizedArticle

__all__ = ["build_pdf", "check_glyphs", "printed_texts"]

INK = "#1b1b1b"
MUTED = "#4a4a4a"
ACCENT = "#1f5a85"
_KIND_COLORS = {
    # kind: (fill, bar/border, label)
    "note": ("#eaf2fa", "#2e6da4", "#1f4f7a"),
    "warning": ("#fdf0e6", "#c2410c", "#9a3412"),
    "tip": ("#eaf6ec", "#2e7d32", "#1e5e22"),
}
_CTA_COLORS = ("#e6f0f7", ACCENT, ACCENT)


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


# --- what gets printed (for the glyph check) ------------------------------------------------


def printed_texts(doc: LocalizedArticle) -> Iterator[tuple[str, str]]:
    """(where, plain text) for everything the PDF prints, labels included."""
    art = doc.article
    labels = doc.labels
    org = art.organization
    for seg in art.segments():
        if seg.path.endswith("/alt"):
            continue  # alt text goes to no page
        if seg.path == "disclaimer":
            continue
        yield seg.path, plain_text(seg.text)
    if art.disclaimer:
        yield "disclaimer", plain_text(art.disclaimer)
    else:
        yield "labels.default_disclaimer", plain_text(labels.default_disclaimer)
    yield "labels.disclaimer_heading", labels.disclaimer_heading
    yield "labels.page_of", " ".join(labels.page_counter(n, n * 11) for n in range(1, 10))
    if labels.last_reviewed:
        yield "labels.last_reviewed", labels.last_reviewed
    if doc.review.is_draft:
        yield "labels.draft_notice", labels.draft_notice
    if org.name:
        yield "organization/name", org.name
    for section in art.sections:
        if isinstance(section, CalloutSection):
            yield f"labels.{section.kind}", getattr(labels, section.kind)
        elif isinstance(section, ImageSection) and section.credit:
            yield f"{section.id}/credit", labels.photo_credit.format(credit=section.credit)
        elif isinstance(section, CallToActionSection):
            for kind, label, value, _ in _contacts(doc, section):
                yield f"labels.{kind}", label
                yield f"organization/{kind}", value


def check_glyphs(doc: LocalizedArticle, stack: FontStack) -> None:
    """Refuse to print a handout with a character no font can show (no tofu)."""
    problems: dict[str, list[str]] = {}
    for where, text in printed_texts(doc):
        for ch in stack.missing(text):
            problems.setdefault(ch, []).append(where)
    if problems:
        parts = [
            f"U+{ord(ch):04X} {ch!r} in {', '.join(dict.fromkeys(where))}"
            for ch, where in problems.items()
        ]
        families = ", ".join(f.key for f in stack.families)
        raise MissingGlyphError(
            f"locale {doc.locale}: no glyph in the handout fonts ({families}) for "
            + "; ".join(parts)
        )


def _contacts(
    doc: LocalizedArticle, section: CallToActionSection
) -> list[tuple[str, str, str, str | None]]:
    """(kind, label, printed value, link) for each contact detail the box shows."""
    org = doc.article.organization
    labels = doc.labels
    website = str(org.website) if org.website else None
    phone_digits = "".join(ch for ch in org.phone or "" if ch.isdigit() or ch == "+")
    values: dict[str, tuple[str, str | None, str | None]] = {
        "phone": (labels.call_us, org.phone, f"tel:{phone_digits}" if phone_digits else None),
        "website": (labels.website, _display_url(website) if website else None, website),
        "email": (labels.email, org.email, f"mailto:{org.email}" if org.email else None),
        "address": (labels.address, org.address, None),
    }
    out: list[tuple[str, str, str, str | None]] = []
    for kind in dict.fromkeys(section.show):
        label, value, href = values[kind]
        if value:
            out.append((kind, label, value, href))
    return out


def _isolate(value: str, direction: Direction) -> str:
    """Embed a left-to-right contact detail (an address starting with a house
    number, a URL) in RTL text, so its parts keep their own order."""
    if direction != "rtl":
        return value
    for ch in value:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return f"\u202a{value}\u202c"
        if kind in ("R", "AL"):
            break
    return value


def _display_url(url: str) -> str:
    """Patients type what they read: no scheme, no trailing slash."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix):]
    return url.rstrip("/")


# --- boxes ---------------------------------------------------------------------------------


class Box(Flowable):  # type: ignore[misc]
    """A tinted panel with a coloured bar on the text's starting side.

    The bar moves to the right edge for right-to-left text, like a mirrored
    margin note.  A box taller than the space left splits between its
    paragraphs, so nothing ever runs past the page or the border.
    """

    PAD = 9.0
    BAR = 4.0

    def __init__(
        self,
        content: Sequence[Flowable],
        fill: str,
        border: str,
        direction: Direction,
        *,
        space_before: float = 0,
        space_after: float = 0,
    ) -> None:
        super().__init__()
        self.content = list(content)
        self.fill = fill
        self.border = border
        self.direction = direction
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._heights: list[tuple[float, float, float]] = []

    def _inner(self, width: float) -> float:
        return width - 2 * self.PAD - self.BAR

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

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        inner = self._inner(availWidth)
        room = availHeight - 2 * self.PAD
        used = 0.0
        for i, (child, (before, h, after)) in enumerate(
            zip(self.content, self._heights, strict=True)
        ):
            if used + before + h > room:
                parts = child.split(inner, room - used - before) if room - used - before > 0 else []
                head = self.content[:i] + parts[:1]
                tail = parts[1:] + self.content[i + 1 :] if parts else self.content[i:]
                if not head or not tail:
                    return []
                return [
                    Box(head, self.fill, self.border, self.direction,
                        space_before=self.spaceBefore),
                    Box(tail, self.fill, self.border, self.direction,
                        space_after=self.spaceAfter),
                ]
            used += before + h + after
        return [self]

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(_color(self.fill))
        canv.setStrokeColor(_color(self.border))
        canv.setLineWidth(0.8)
        canv.roundRect(0, 0, self.width, self.height, 4, stroke=1, fill=1)
        canv.setFillColor(_color(self.border))
        bar_x = self.width - self.BAR if self.direction == "rtl" else 0
        canv.rect(bar_x, 0, self.BAR, self.height, stroke=0, fill=1)
        canv.restoreState()
        x = self.PAD + (0 if self.direction == "rtl" else self.BAR)
        y = self.height - self.PAD
        inner = self._inner(self.width)
        for i, (child, (before, h, after)) in enumerate(
            zip(self.content, self._heights, strict=True)
        ):
            y -= before
            child.wrap(inner, 10_000)
            child.drawOn(canv, x, y - h)
            y -= h + after
            del i


class Rule(Flowable):  # type: ignore[misc]
    """A thin horizontal line between the title block and the body."""

    def __init__(self, colour: str, thickness: float, space: float) -> None:
        super().__init__()
        self.colour = colour
        self.thickness = thickness
        self.spaceBefore = self.spaceAfter = space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.thickness
        return availWidth, self.thickness

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setFillColor(_color(self.colour))
        self.canv.rect(0, 0, self.width, self.thickness, stroke=0, fill=1)
        self.canv.restoreState()


def _color(value: str) -> Any:
    from kedu.exporters.pdf.text import color

    return color(value)


# --- the story -----------------------------------------------------------------------------


class Story:
    """Turns one localized article into flowables with consistent styles."""

    def __init__(
        self,
        doc: LocalizedArticle,
        options: ExportOptions,
        stack: FontStack,
        *,
        sizes: Sizes | None = None,
        outlines: bool = True,
    ) -> None:
        self.doc = doc
        self.options = options
        self.stack = stack
        self.direction: Direction = doc.direction
        self.sizes = sizes or Sizes.for_options(options.large_print)
        self.outlines = outlines
        s = self.sizes
        self.body = ParaStyle(
            s.body, s.body * 1.5, INK, self.direction, space_after=s.body * 0.6
        )

    # styles
    def style(self, size: float, **kw: Any) -> ParaStyle:
        leading = kw.pop("leading", size * 1.4)
        return replace(self.body, size=size, leading=leading, **kw)

    def block(
        self,
        text: str,
        para: ParaStyle,
        *,
        bold: bool = False,
        markup: bool = True,
        color: str | None = None,
        **kw: Any,
    ) -> TextBlock:
        if not self.outlines:
            kw.pop("outline", None)
        runs = parse_runs(text) if markup else ()
        spans = (
            [Span(r.text, r.bold or bold, r.italic, r.href, color) for r in runs]
            if markup
            else [Span(text, bold, color=color)]
        )
        return TextBlock(resolve(spans, self.stack, para), para, **kw)

    def build(self) -> list[Flowable]:
        story: list[Flowable] = [*self.title_block()]
        for index, section in enumerate(self.doc.article.sections):
            story.extend(self.section(section, index))
        story.extend(self.disclaimer())
        return story

    def title_block(self) -> Iterator[Flowable]:
        art = self.doc.article
        if self.options.logo is not None:
            yield self.logo(self.options.logo)
        if art.organization.name:
            yield self.organization_line(art.organization.name)
        yield self.title(art.title)
        if art.subtitle:
            yield self.subtitle(art.subtitle)
        if art.summary:
            yield self.summary(art.summary)
        yield self.title_rule()

    def organization_line(self, name: str) -> TextBlock:
        s = self.sizes
        return self.block(
            name, self.style(s.small + 1.5, space_after=s.small * 0.6, color=ACCENT),
            bold=True, markup=False,
        )

    def title(self, text: str) -> TextBlock:
        s = self.sizes
        return self.block(
            text,
            self.style(s.title, leading=s.title * 1.2, space_after=s.title * 0.3),
            bold=True,
            outline=(plain_text(text), "title", 0),
        )

    def subtitle(self, text: str) -> TextBlock:
        s = self.sizes
        return self.block(
            text,
            self.style(s.subtitle, leading=s.subtitle * 1.3, color=MUTED,
                       space_after=s.subtitle * 0.6),
        )

    def summary(self, text: str) -> TextBlock:
        s = self.sizes
        return self.block(text, self.style(s.summary, leading=s.summary * 1.5, space_after=4))

    def title_rule(self) -> Rule:
        return Rule(ACCENT, 1.5 if not self.options.large_print else 2.5, self.sizes.body * 0.6)

    def logo(self, path: Path) -> Flowable:
        image = self.image_flowable(path, max_width=2.2 * inch, max_height=0.7 * inch)
        image.hAlign = "RIGHT" if self.direction == "rtl" else "LEFT"
        image.spaceAfter = 6
        return image

    def heading(self, text: str, key: str, level: int = 1) -> TextBlock:
        s = self.sizes
        return self.block(
            text,
            self.style(s.heading, leading=s.heading * 1.3, color=ACCENT,
                       space_before=s.heading * 0.9, space_after=s.heading * 0.35),
            bold=True,
            keep_with_next=True,
            outline=(plain_text(text), key, level),
        )

    def section(self, section: Section, index: int) -> list[Flowable]:
        key = f"s{index}-{section.id}"
        if isinstance(section, ProseSection):
            out: list[Flowable] = [self.heading(section.heading, key)]
            out += [self.block(p, self.body) for p in section.paragraphs]
            return out
        if isinstance(section, ListSection):
            return self.list_section(section, key)
        if isinstance(section, FaqSection):
            return self.faq(section, key)
        if isinstance(section, CalloutSection):
            return [self.callout(section, key)]
        if isinstance(section, ImageSection):
            return [self.image_section(section, key)]
        return [self.call_to_action(section, key)]

    def list_section(self, section: ListSection, key: str) -> list[Flowable]:
        out: list[Flowable] = [self.heading(section.heading, key)]
        if section.intro:
            out.append(self.block(section.intro, self.body))
        out += [self.list_item(item) for item in section.items]
        if section.outro:
            out.append(self.block(section.outro, self.body))
        return out

    def list_item(self, item: ListItem) -> TextBlock:
        """A bulleted item, bold term then description; the bullet sits on the start side."""
        indent = self.sizes.body * 1.6
        item_style = replace(self.body, indent=indent, space_after=self.sizes.body * 0.45)
        bullet = resolve([Span("•", color=ACCENT)], self.stack, item_style)
        spans = [Span(r.text, True, r.italic, r.href) for r in parse_runs(item.term)]
        spans.append(Span(" \u2013 "))
        spans += [Span(r.text, r.bold, r.italic, r.href) for r in parse_runs(item.description)]
        return TextBlock(resolve(spans, self.stack, item_style), item_style, bullet=bullet)

    def faq(self, section: FaqSection, key: str) -> list[Flowable]:
        out: list[Flowable] = [self.heading(section.heading, key)]
        for entry in section.entries:
            out.append(KeepTogether([self.question(entry.question), self.answer(entry.answer)]))
        return out

    def question(self, text: str) -> TextBlock:
        s = self.sizes
        question_style = self.style(
            s.body + 1, leading=(s.body + 1) * 1.4, color=ACCENT,
            space_before=s.body * 0.5, space_after=s.body * 0.2,
        )
        return self.block(text, question_style, bold=True)

    def answer(self, text: str) -> TextBlock:
        return self.block(text, self.body)

    def callout(self, section: CalloutSection, key: str) -> Flowable:
        # A box moves whole to the next page when it fits there; only a box
        # taller than a page splits.
        s = self.sizes
        fill, border, _ = _KIND_COLORS[section.kind]
        return KeepTogether([Box(self.callout_content(section, key), fill, border, self.direction,
                                 space_before=s.body * 0.8, space_after=s.body * 0.8)])

    def callout_content(self, section: CalloutSection, key: str) -> list[Flowable]:
        """What a note, warning or tip box holds: its kind word, heading and text."""
        _, _, label_color = _KIND_COLORS[section.kind]
        s = self.sizes
        kind_word = getattr(self.doc.labels, section.kind)
        label_style = self.style(s.small + 1, color=label_color, space_after=2)
        heading_text = section.heading or kind_word
        content: list[Flowable] = [
            self.block(
                kind_word, label_style, bold=True, markup=False,
                outline=(plain_text(heading_text), key, 1),
            )
        ]
        if section.heading:
            content.append(
                self.block(section.heading, self.style(s.box_heading, space_after=3), bold=True)
            )
        content.append(self.block(section.text, replace(self.body, space_after=0)))
        return content

    def call_to_action(self, section: CallToActionSection, key: str) -> Flowable:
        fill, border, _ = _CTA_COLORS
        s = self.sizes
        return KeepTogether([Box(self.contact_content(section, key), fill, border, self.direction,
                                 space_before=s.body, space_after=s.body)])

    def contact_content(self, section: CallToActionSection, key: str) -> list[Flowable]:
        """What the contact box holds: heading, invitation and labelled contact details."""
        s = self.sizes
        content: list[Flowable] = [
            self.block(
                section.heading,
                self.style(s.box_heading + 2, color=ACCENT, space_after=4),
                bold=True,
                outline=(plain_text(section.heading), key, 1),
            ),
            self.block(section.text, replace(self.body, space_after=s.body * 0.5)),
        ]
        contacts = _contacts(self.doc, section)
        if contacts:
            label_style = replace(self.body, space_after=2)
            label_pieces = [
                resolve([Span(label, bold=True, color=ACCENT)], self.stack, label_style)
                for _, label, _, _ in contacts
            ]
            label_width = max(sum(width_of(st, t) for st, t in p) for p in label_pieces)
            row = replace(label_style, indent=label_width + s.body * 1.2)
            group: list[_LabelRow] = []
            for (_, _, value, href), label in zip(contacts, label_pieces, strict=True):
                value_pieces = resolve([Span(_isolate(value, self.direction), href=href)],
                                       self.stack, row)
                line = _LabelRow(value_pieces, row, bullet=label)
                line.group = group
                group.append(line)
            content.extend(group)
        return content

    def image_section(self, section: ImageSection, key: str) -> Flowable:
        base = self.doc.base_dir or Path(".")
        path = (base / section.src).resolve() if not Path(section.src).is_absolute() else Path(
            section.src
        )
        s = self.sizes
        image = self.image_flowable(path, max_width=6.5 * inch, max_height=3.2 * inch)
        image.hAlign = "CENTER"
        parts: list[Flowable] = [_Anchor((plain_text(section.caption or section.alt), key, 1)),
                                 image]
        if section.caption:
            parts.append(self.block(
                section.caption,
                self.style(s.small + 1, color=MUTED, space_before=4, space_after=1,
                           align="center"),
            ))
        if section.credit:
            parts.append(self.block(
                self.doc.labels.photo_credit.format(credit=section.credit),
                self.style(s.small, color=MUTED, align="center"),
                markup=False,
            ))
        return KeepTogether(parts)

    def image_flowable(self, path: Path, max_width: float, max_height: float) -> Image:
        if not path.is_file():
            raise ExportError(f"image file not found: {path}", path=path)
        try:
            reader = ImageReader(str(path))
            width, height = reader.getSize()
        except Exception as exc:
            raise ExportError(f"cannot read image: {exc}", path=path) from exc
        scale = min(max_width / width, max_height / height)
        return Image(str(path), width=width * scale, height=height * scale)

    def disclaimer(self) -> Iterator[Flowable]:
        yield self.disclaimer_rule()
        yield from self.disclaimer_content()

    def disclaimer_rule(self) -> Rule:
        return Rule("#b0b0b0", 0.6, self.sizes.body * 0.8)

    def disclaimer_content(self) -> list[Flowable]:
        s = self.sizes
        return [
            self.block(
                self.doc.labels.disclaimer_heading,
                self.style(s.small + 1, color=MUTED, space_after=2),
                bold=True, markup=False, keep_with_next=True,
            ),
            self.block(
                self.doc.disclaimer, self.style(s.small + 0.5, leading=(s.small + 0.5) * 1.45,
                                                color=MUTED)
            ),
        ]


class _LabelRow(TextBlock):
    """A contact line: the label in the start column, the value after it.

    In a narrow column (a bilingual large-print handout) where a word of the
    value would not fit beside the label, the label goes on its own line above
    the value, so a phone number or an e-mail address is never broken.
    """

    # The rows of one contact box, so they are stacked all or none.
    group: list[_LabelRow] | None = None

    def _needs_stack(self, avail_width: float) -> bool:
        longest = max(
            (width_of(style, word) for style, text in self.pieces for word in text.split()),
            default=0.0,
        )
        return bool(self.bullet) and longest > avail_width - self.para.indent

    def _stacked(self, avail_width: float) -> bool:
        return any(row._needs_stack(avail_width) for row in self.group or [self])

    def _layout(self, avail_width: float) -> list[Line]:
        if self.pieces and self._laid_width != avail_width:
            indent = 0.0 if self._stacked(avail_width) else self.para.indent
            self._lines = break_lines(self.pieces, avail_width - indent)
            self._laid_width = avail_width
        return self._lines or []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _width, height = super().wrap(availWidth, availHeight)
        if self._stacked(availWidth):
            self.height = height + self.para.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []  # one contact detail is never split across pages

    def draw(self) -> None:
        if not self.bullet:
            super().draw()
            return
        para = self.para
        stacked = self._stacked(self.width)
        bullet, self.bullet = self.bullet, ()
        if stacked:
            # Value lines one line lower, from the start edge; the label goes on top.
            self.para, self.height = replace(para, indent=0), self.height - para.leading
            super().draw()
            self.para, self.height = para, self.height + para.leading
        else:
            super().draw()
        self.bullet = bullet
        runs = layout_line(bullet, para.direction)
        width = sum(r[2] for r in runs)
        if not (self._lines or []):
            return
        descent = (para.leading - para.size) / 2 + para.size * 0.22
        y = self.height - para.leading + descent
        x = self.width - width if para.direction == "rtl" else 0
        draw_line(self.canv, runs, x, y, actual_text(bullet, para.direction, runs))


class _Anchor(Flowable):  # type: ignore[misc]
    """A zero-height bookmark for sections whose first flowable is not text."""

    def __init__(self, outline: tuple[str, str, int]) -> None:
        super().__init__()
        self.outline = outline
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        title, key, level = self.outline
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=False)


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFurniture:
    """What every page carries besides the story: footer lines and the draft band."""

    stack: FontStack
    direction: Direction
    sizes: Sizes
    organization: str | None
    reviewed: str | None
    draft_notice: str | None
    page_counter: Callable[[int, int], str]
    margin: float
    second_notice: tuple[str, Direction] | None = None
    """A second line in the draft band (bilingual handouts: the notice in English)."""

    def draft_lines(self, page_width: float) -> list[tuple[Line, Direction]]:
        """The draft notice(s) broken into lines that fit the page: at large-print
        sizes one notice can be wider than the paper."""
        notices = [(self.draft_notice, self.direction)] if self.draft_notice else []
        if notices and self.second_notice:
            notices.append(self.second_notice)
        size = self.sizes.footer
        style = ParaStyle(size, size * 1.3, MUTED, self.direction)
        lines: list[tuple[Line, Direction]] = []
        for notice, direction in notices:
            pieces = resolve([Span(notice, True, color="#6b4e00")], self.stack, style)
            width = page_width - 2 * self.margin
            lines += [(line, direction) for line in break_lines(pieces, width)]
        return lines

    def reviewed_lines(self, page_width: float) -> list[Line]:
        """The "Last reviewed" footer line, broken to fit between the margins."""
        if not self.reviewed:
            return []
        size = self.sizes.footer
        style = ParaStyle(size, size * 1.3, MUTED, self.direction)
        pieces = resolve([Span(self.reviewed, color=MUTED)], self.stack, style)
        return break_lines(pieces, page_width - 2 * self.margin)

    def footer_height(self, page_width: float) -> float:
        """Room the footer needs above the bottom edge of the page."""
        extra = max(len(self.reviewed_lines(page_width)) - 1, 0)
        return float(0.45 * inch + self.sizes.footer * (5 + 1.3 * extra))

    def band_height(self, page_width: float) -> float:
        """Height of the draft band at the top of every page (0 for a reviewed handout)."""
        count = len(self.draft_lines(page_width))
        return self.sizes.footer * (0.9 + 1.3 * count) if count else 0.0

    def draw(self, canv: Canvas, page: int, pages: int) -> None:
        width, height = canv._pagesize
        size = self.sizes.footer
        style = ParaStyle(size, size * 1.3, MUTED, self.direction)
        left, right = self.margin, width - self.margin
        rtl = self.direction == "rtl"

        def text(pieces: Sequence[Piece], y: float, at_start: bool) -> None:
            runs = layout_line(pieces, self.direction)
            w = sum(r[2] for r in runs)
            x = (right - w if rtl else left) if at_start else (left if rtl else right - w)
            draw_line(canv, runs, x, y, actual_text(pieces, self.direction, runs))

        canv.saveState()
        canv.setStrokeColor(_color("#c8c8c8"))
        canv.setLineWidth(0.5)
        base = 0.45 * inch
        reviewed = self.reviewed_lines(width)
        # The review line may wrap (a bilingual large-print footer); it grows upwards.
        for row, line in enumerate(reversed(reviewed)):
            text(line.pieces, base + size * 1.3 * row, True)
        first = base + size * 1.3 * max(len(reviewed) - 1, 0) + size * 1.5
        canv.line(left, first + size * 1.4, right, first + size * 1.4)
        counter = self.page_counter(page, pages)
        text(resolve([Span(counter, True, color=MUTED)], self.stack, style), first, False)
        if self.organization:
            text(resolve([Span(self.organization, color=MUTED)], self.stack, style), first, True)
        lines = self.draft_lines(width)
        if lines:
            band = self.band_height(width)
            canv.setFillColor(_color("#fff3c4"))
            canv.rect(0, height - band, width, band, stroke=0, fill=1)
            y = height - band + size * 0.75 + (len(lines) - 1) * size * 1.3
            for line, direction in lines:
                runs = layout_line(line.pieces, direction)
                w = sum(r[2] for r in runs)
                draw_line(canv, runs, (width - w) / 2, y, actual_text(line.pieces, direction, runs))
                y -= size * 1.3
        canv.restoreState()


def _canvas_class(furniture: PageFurniture, stamp: date) -> type[Canvas]:
    """A canvas that draws page furniture at save time, when the page count is known."""

    class HandoutCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _fix_timestamp(self, stamp)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
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


def _metadata_text(text: str | None) -> str:
    return unicodedata.normalize("NFC", plain_text(text)) if text else ""


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


def handout_template(
    out: io.BytesIO,
    doc: LocalizedArticle,
    pagesize: tuple[float, float],
    margins: tuple[float, float, float],
    title: str,
    stack: FontStack,
    sizes: Sizes,
) -> BaseDocTemplate:
    """The document template every layout shares: PDF metadata, ``/Lang`` and the
    settings that make the output byte-identical (invariant mode, compression).

    ``margins`` is (sides, top, bottom).
    """
    side, top, bottom = margins
    art = doc.article
    return BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=art.organization.name or "",
        subject=_metadata_text(art.summary),
        keywords=", ".join(art.keywords),
        creator=f"kedu {__version__}",
        lang=doc.language_tag,
        invariant=1,
        pageCompression=1,
        initialFontName=register(stack.primary.regular),
        initialFontSize=sizes.body,
    )


def build_pdf(doc: LocalizedArticle, options: ExportOptions) -> bytes:
    """Lay out and render ``doc``; same input, same bytes."""
    sizes = Sizes.for_options(options.large_print)
    stack = font_stack(
        doc.locale, doc.direction, options.large_print, (t for _, t in printed_texts(doc))
    )
    check_glyphs(doc, stack)
    art = doc.article
    pagesize = A4 if options.paper == "a4" else LETTER
    margin = 0.8 * inch if not options.large_print else 0.7 * inch
    draft = doc.labels.draft_notice if doc.review.is_draft else None
    furniture = PageFurniture(
        stack=stack,
        direction=doc.direction,
        sizes=sizes,
        organization=art.organization.name,
        reviewed=doc.labels.last_reviewed,
        draft_notice=draft,
        page_counter=doc.labels.page_counter,
        margin=margin,
    )
    top = margin + furniture.band_height(pagesize[0])
    bottom = furniture.footer_height(pagesize[0])
    out = io.BytesIO()
    template = handout_template(
        out, doc, pagesize, (margin, top, bottom), _metadata_text(art.title), stack, sizes
    )
    frame = Frame(
        margin, bottom, pagesize[0] - 2 * margin, pagesize[1] - top - bottom,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = Story(doc, options, stack).build()
    stamp = art.review_date or date(2000, 1, 1)
    with binary_streams():
        template.build(story, canvasmaker=_canvas_class(furniture, stamp))
    return out.getvalue()
