"""kedu's page loop: flowables placed in one body frame per page, on a reportlab canvas.

Why not reportlab.platypus
    kedu sets its own paragraphs (:mod:`kedu.exporters.pdf.text` breaks the
    lines, :class:`kedu.exporters.pdf.flow.Text` splits them between pages),
    so of platypus it used only the page loop: ``BaseDocTemplate`` with one
    ``PageTemplate`` and one ``Frame``, the ``Flowable`` base class,
    ``KeepTogether`` and ``Image``.  Importing any of those imports all of
    platypus — ``doctemplate`` imports ``Paragraph``, whose module compiles
    large regular expressions at import, plus the paragraph parser, tables,
    hyphenation and preformatted text — about 150 ms in every process that
    makes a PDF, a fifth of a one-document ``kedu export``.  The part kedu
    needs is the page loop below.

What it keeps of platypus, exactly (the PDFs are byte-identical to the ones
platypus made; reportlab 5.1 sources: ``doctemplate.py``, ``frames.py``,
``flowables.py``)
    * the canvas set-up of ``BaseDocTemplate._makeCanvas`` (the same arguments
      and document-information calls, in the same order);
    * pages start lazily, when a flowable is to be placed, and the last page
      ends after the story (``handle_pageBegin``/``handle_pageEnd``/``_endBuild``);
    * ``Frame._add``: space before is dropped at the top of the frame, space
      between two flowables is the larger of the first's space after and the
      second's space before (``overlapAttachedSpace``), a flowable fits if it
      ends no more than ``_FUZZ`` below the frame, and is drawn with
      ``saveState``/``translate``/``restoreState`` at the frame's left edge
      shifted by its ``hAlign``;
    * ``handle_flowable``: a flowable that does not fit is split into the
      space left, the first part drawn and the rest put back; one that cannot
      split moves to the next page once and is an error the second time
      (platypus's ``_postponed`` rule; its ``LayoutError`` is a one-line
      :class:`~kedu.errors.ExportError` here);
    * ``handle_keepWithNext``: a run of flowables that keep with the next is
      joined with the one after it in a :class:`KeepTogether` (never another
      ``KeepTogether``);
    * ``KeepTogether.split``: content that does not fit moves to the next page
      unless it is already at the top of one, then flows on one by one (where
      platypus would loop forever — one flowable that keeps with the next, too
      tall for any page, before another KeepTogether — it flows on alone);
    * ``Image.draw``: JPEG files are embedded by name, other images through
      ``ImageReader``, with ``mask="auto"``.

``tests/test_pdf_pages.py`` lays the same stories out with platypus and
compares the PDFs byte for byte.

What it leaves out: page templates, several frames, page breaks, indenters,
frame backgrounds, boundaries, multi-pass builds, callbacks — nothing kedu's
flowables can reach.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfutils import readJPEGInfo
from reportlab.pdfgen.canvas import Canvas

from kedu.errors import ExportError

__all__ = ["Flowable", "Frame", "Image", "KeepTogether", "build"]

FUZZ = 1e-6
"""How far a flowable may reach below the frame and still fit (reportlab's ``_FUZZ``)."""

EMPTY_PAGES = 10
"""Pages in a row without content after which the layout gives up (as platypus does)."""


class Flowable:
    """Something placed in the frame: it knows its size for a given width
    (:meth:`wrap`), may split into parts that fit a height (:meth:`split`), and
    draws itself with its origin at its bottom-left corner (:meth:`draw`,
    with ``self.canv`` set)."""

    width: float = 0
    height: float = 0
    spaceBefore: float = 0
    spaceAfter: float = 0
    keepWithNext: bool = False
    hAlign: Literal["LEFT", "CENTER", "RIGHT"] = "LEFT"
    """Where a flowable narrower than the frame sits in it."""
    postponed: bool = False
    """Moved to the next page once already because it could not split."""
    canv: Any

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def getSpaceBefore(self) -> float:
        return self.spaceBefore

    def getSpaceAfter(self) -> float:
        return self.spaceAfter

    def getKeepWithNext(self) -> bool:
        return self.keepWithNext

    def draw(self) -> None:
        pass

    def drawOn(self, canv: Canvas, x: float, y: float, _sW: float = 0) -> None:
        """Draw with the origin at (x, y), moved right by the share of ``_sW``
        (the frame's width left over) that ``hAlign`` asks for."""
        if _sW:
            if self.hAlign == "CENTER":
                x += 0.5 * _sW
            elif self.hAlign == "RIGHT":
                x += _sW
        canv.saveState()
        canv.translate(x, y)
        self.canv = canv
        self.draw()
        del self.canv
        canv.restoreState()


class KeepTogether(Flowable):
    """Flowables that start on the same page: when together they do not fit in
    the space left, they move to the next page (unless already at the top of
    one) and then flow on one by one."""

    def __init__(self, content: Sequence[Flowable], *, automatic: bool = False) -> None:
        self.content = list(content)
        self.automatic = automatic
        """Made by the page loop for flowables that keep with the next one."""
        self._measured: tuple[float, float] | None = None
        self._total = 0.0
        self._first = 0.0

    def getSpaceBefore(self) -> float:
        return self.content[0].getSpaceBefore() if self.content else 0

    def getSpaceAfter(self) -> float:
        return self.content[-1].getSpaceAfter() if self.content else 0

    def getKeepWithNext(self) -> bool:
        return False

    def _measure(self, availWidth: float) -> None:
        """The height of the content stacked as the frame would stack it, and
        of its first part (platypus's ``_listWrapOn``, same sums in the same order)."""
        total = 0.0
        first: float | None = None
        after: float = 0
        at_top = True
        for f in self.content:
            _, h = f.wrap(availWidth, 0xFFFFFFF)
            if first is None:
                first = h
            if h <= FUZZ:
                continue
            total += h
            if not at_top:
                total += max(f.getSpaceBefore() - after, 0)
            else:
                at_top = False
            after = f.getSpaceAfter()
            total += after
        self._total = total - after
        self._first = first or 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._measure(availWidth)
        self._measured = (availWidth, availHeight)
        return availWidth, 0xFFFFFF  # never fits whole: the frame asks it to split

    def split_in(self, frame: Frame, availWidth: float, availHeight: float) -> list[Flowable]:
        """The content, after a page break if it does not fit in ``availHeight``."""
        if self._measured != (availWidth, availHeight):
            self.wrap(availWidth, availHeight)
        parts: list[Flowable] = list(self.content)
        too_tall = self._total > availHeight
        if too_tall or self._first > availHeight:
            # Too tall for the space left: a new page, unless this one is still
            # empty.  (Only the first part too tall: a new page if all fits there.)
            new_page = not frame.at_top if too_tall else frame.height >= self._total
            parts.insert(0, PAGE_BREAK if new_page else NOTHING)
            if not new_page and self.automatic and len(self.content) == 1:
                # One flowable that keeps with what follows it (which it may not
                # join: another KeepTogether, or nothing) and fits on no page.
                # platypus would wrap it in the same KeepTogether again, forever;
                # here it flows on alone instead (splits, or is too large).
                self.content[0].keepWithNext = False
        return parts


class _Action(Flowable):
    """Not drawn: tells the page loop to end the page, or nothing."""

    def __init__(self, ends_page: bool) -> None:
        self.ends_page = ends_page


PAGE_BREAK = _Action(True)
NOTHING = _Action(False)


class Image(Flowable):
    """A picture drawn at a given size."""

    hAlign: Literal["LEFT", "CENTER", "RIGHT"] = "CENTER"

    def __init__(self, path: str | Path, width: float, height: float) -> None:
        self.filename = str(path)
        self.drawWidth = width
        self.drawHeight = height
        self._source: str | ImageReader | None = None

    def _image(self) -> str | ImageReader:
        """A JPEG file is embedded as it is, by name (when reportlab can read its
        header); anything else is decoded by ``ImageReader``."""
        if self._source is None:
            if os.path.splitext(self.filename)[1] in (".jpg", ".JPG", ".jpeg", ".JPEG"):
                with open(self.filename, "rb") as f:
                    try:
                        readJPEGInfo(f)
                    except Exception:
                        pass
                    else:
                        self._source = self.filename
            if self._source is None:
                self._source = ImageReader(self.filename)
        return self._source

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.drawWidth, self.drawHeight

    def draw(self) -> None:
        self.canv.drawImage(self._image(), 0, 0, self.drawWidth, self.drawHeight, mask="auto")


class Frame:
    """The body of a page: where flowables go, top to bottom (reportlab's
    ``Frame`` without padding)."""

    def __init__(self, x: float, y: float, width: float, height: float) -> None:
        self.x = x
        self.bottom = y
        self.width = width
        self.height = height
        # The same sums as reportlab's Frame._geom, so positions match to the bit.
        self.top = y + height
        self.avail_width = (x + width) - x
        self.reset()

    def reset(self) -> None:
        self.y = self.top
        self.at_top = True
        self.previous_after: float = 0

    def _space_before(self, flowable: Flowable) -> float:
        if self.at_top:
            return 0
        return max(flowable.getSpaceBefore() - self.previous_after, 0)

    def add(self, flowable: Flowable, canv: Canvas) -> bool:
        """Draw ``flowable`` below what is already here; False if it does not fit."""
        y = self.y
        s = self._space_before(flowable)
        h = y - self.bottom - s
        if h <= 0:
            return False
        w, h = flowable.wrap(self.avail_width, h)
        h += s
        y -= h
        if y < self.bottom - FUZZ:
            return False
        after = flowable.getSpaceAfter()
        flowable.drawOn(canv, self.x + 0.0, y, self.avail_width - w)
        y -= after
        self.previous_after = after
        if y != self.y:
            self.at_top = False
        self.y = y
        return True

    def split(self, flowable: Flowable) -> list[Flowable]:
        """``flowable`` split to fill the space left: the first part fits."""
        h = self.y - self.bottom - self._space_before(flowable)
        if h <= 0:
            return []
        if isinstance(flowable, KeepTogether):
            return flowable.split_in(self, self.avail_width, h)
        return flowable.split(self.avail_width, h)


def _joinable(flowable: Flowable) -> bool:
    """Whether platypus would put ``flowable`` in an automatic KeepTogether."""
    return not isinstance(flowable, (KeepTogether, _Action)) or flowable is NOTHING


class _Pages:
    """The story laid out page by page (platypus's ``BaseDocTemplate.build``
    for one page template with one frame)."""

    def __init__(self, canv: Canvas, frame: Frame) -> None:
        self.canv = canv
        self.frame = frame
        self.page = 0
        self.open = False
        self.placed = 0
        self.empty = 0

    def begin(self) -> None:
        self.page += 1
        self.frame.reset()
        self.placed = 0
        self.open = True

    def end(self) -> None:
        self.empty = 0 if self.placed else self.empty + 1
        if self.empty >= EMPTY_PAGES:
            raise ExportError(
                f"the handout cannot be laid out: {EMPTY_PAGES} pages in a row without content"
            )
        self.canv.setPageRotation(0)
        self.canv.showPage()
        self.open = False

    def keep_with_next(self, story: list[Flowable]) -> None:
        """Join a run of flowables that keep with the next one to that one."""
        i = 0
        n = len(story)
        while i < n and story[i].getKeepWithNext() and _joinable(story[i]):
            i += 1
        if i:
            if i < n and _joinable(story[i]):
                i += 1
            kept = KeepTogether(story[:i], automatic=True)
            for f in kept.content[:-1]:
                f.keepWithNext = False
            story[:i] = [kept]

    def place(self, story: list[Flowable]) -> None:
        """Place the first flowable of ``story``: whole, split, or on the next page."""
        self.keep_with_next(story)
        f = story.pop(0)
        if isinstance(f, _Action):
            if f.ends_page:
                self.end()
            return
        frame = self.frame
        if frame.add(f, self.canv):
            self.placed += 1
            return
        parts = frame.split(f)
        if parts:
            if isinstance(parts[0], _Action):
                story[0:0] = parts
                return
            if not frame.add(parts[0], self.canv):
                raise ExportError(
                    f"the handout cannot be laid out: a part of a block split on page "
                    f"{self.page} does not fit there"
                )
            self.placed += 1
            story[0:0] = parts[1:]
            return
        if f.postponed:
            raise ExportError(
                f"the handout cannot be laid out: a block on page {self.page} is taller "
                "than a page and cannot be split; shorten it"
            )
        f.postponed = True
        story.insert(0, f)
        self.end()

    def run(self, story: list[Flowable]) -> None:
        while story:
            if not self.open:
                self.begin()
            self.place(story)
        if self.open:
            self.end()


def build(
    story: Sequence[Flowable],
    canvasmaker: Callable[..., Canvas],
    out: Any,
    *,
    pagesize: tuple[float, float],
    frame: Frame,
    title: str,
    author: str,
    subject: str,
    creator: str,
    keywords: str,
    lang: str,
    font_name: str,
    font_size: float,
) -> None:
    """Lay ``story`` out on pages of ``frame`` and save the canvas to ``out``.

    The canvas is made and described exactly as ``BaseDocTemplate`` made it
    (the order of these calls shows in the bytes of the PDF)."""
    canv = canvasmaker(
        out,
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        enforceColorSpace=None,
        initialFontName=font_name,
        initialFontSize=font_size,
        initialLeading=None,
        cropBox=None,
        artBox=None,
        trimBox=None,
        bleedBox=None,
        lang=lang,
    )
    canv.setEncrypt(None)
    canv._cropMarks = None
    canv.setAuthor(author)
    canv.setTitle(title)
    canv.setSubject(subject)
    canv.setCreator(creator)
    canv.setProducer(None)
    canv.setKeywords(keywords)
    _Pages(canv, frame).run(list(story))
    canv.save()
