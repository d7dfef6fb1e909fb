"""Render handout pages the way the visual test compares them.

pypdfium2 (PDFium, the renderer in Chromium) draws the PDF: a renderer that is
not kedu's own, so a layout bug shows however kedu describes the page to itself.
Pages are drawn at 40 dpi in grey: enough to see a line move, break elsewhere or
lose its order, small enough to keep a dozen references in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from tests.conftest import EXAMPLE, LOCALES, SHIPPED_LOCALES

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
LANGUAGES = ["en", *SHIPPED_LOCALES]
PAGES = (1, 2)
DPI = 40
# A pixel "differs" when its grey level moves by more than this (anti-aliasing of
# one renderer version to the next stays well below) ...
PIXEL_THRESHOLD = 64
# ... and a page differs when more than this share of its pixels do.  One word
# moved to the next line changes about 0.3 % of a page; noise changes none.
PAGE_TOLERANCE = 0.001
UPDATE_COMMAND = "python -m tests.visual.update"


def handout_pdf(language: str) -> bytes:
    """The example's PDF handout in ``language``, as ``kedu export`` makes it."""
    import kedu

    article = kedu.load_article(EXAMPLE)
    doc = kedu.localize(article, language, catalogs=LOCALES, base_dir=EXAMPLE.parent)
    return kedu.export(doc, "pdf", kedu.ExportOptions(paper="letter"))


def render(pdf: bytes, pages: tuple[int, ...] = PAGES) -> list[Image.Image]:
    """Grey images of ``pages`` (1-based) of ``pdf``."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for number in pages:
            if number > len(document):
                break
            page = document[number - 1]
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
        return images
    finally:
        document.close()


def reference_path(language: str, page: int) -> Path:
    return REFERENCE_DIR / f"{language}-p{page}.png"


@dataclass(frozen=True)
class Difference:
    share: float  # of pixels that differ by more than PIXEL_THRESHOLD
    diff: Image.Image  # white where they differ


def compare(actual: Image.Image, expected: Image.Image) -> Difference:
    if actual.size != expected.size:
        return Difference(1.0, Image.new("L", actual.size, 255))
    delta = ImageChops.difference(actual, expected).point(
        lambda value: 255 if value > PIXEL_THRESHOLD else 0
    )
    histogram = delta.histogram()
    total = actual.size[0] * actual.size[1]
    return Difference(histogram[255] / total, delta)
