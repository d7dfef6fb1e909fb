"""kedu's page loop (:mod:`kedu.exporters.pdf.pages`) against reportlab's platypus.

The page loop replaces ``reportlab.platypus`` (whose import costs about 150 ms
per process) and must place every flowable exactly where platypus placed it.
The oracle here is platypus itself: the same stories are laid out by both and
the PDFs compared byte for byte — kedu's real handouts (every language, large
print, A4, bilingual, pictures, boxes split across pages) and random stories of
plain boxes that reach every rule (space dropped at the top of a page, splits,
keep-with-next, KeepTogether, moving a block to the next page, blocks too tall
for any page).  Only the tests import platypus; exporting a PDF must not.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

import kedu
from kedu.errors import ExportError
from kedu.exporters import ExportOptions
from kedu.exporters.pdf import layout, pages
from tests.conftest import EXAMPLE, ROOT
from tests.handouts import every_block_article, png

ORIGINAL_BUILD = pages.build


# --- the oracle: the same story through reportlab.platypus ------------------------------------


def _for_platypus(flowable: pages.Flowable) -> Any:
    """platypus's own KeepTogether in place of kedu's (the rest is duck-typed)."""
    from reportlab.platypus import KeepTogether

    if isinstance(flowable, pages.KeepTogether):
        return KeepTogether([_for_platypus(f) for f in flowable.content])
    return flowable


def platypus_build(
    story: Sequence[pages.Flowable],
    canvasmaker: Any,
    out: Any,
    *,
    pagesize: tuple[float, float],
    frame: pages.Frame,
    title: str,
    author: str,
    subject: str,
    creator: str,
    keywords: str,
    lang: str,
    font_name: str,
    font_size: float,
) -> None:
    """:func:`kedu.exporters.pdf.pages.build` as kedu called platypus before it had
    its own page loop (``layout._render`` up to commit 61189f9)."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    template = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=frame.x,
        rightMargin=frame.x,
        topMargin=pagesize[1] - frame.top,
        bottomMargin=frame.bottom,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        creator=creator,
        lang=lang,
        invariant=1,
        pageCompression=1,
        initialFontName=font_name,
        initialFontSize=font_size,
    )
    body = Frame(frame.x, frame.bottom, frame.width, frame.height, leftPadding=0,
                 rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[body])])
    # The two methods platypus calls beyond kedu's protocol: wrapOn (inside its
    # KeepTogether) and identity (in its error messages).
    pages.Flowable.wrapOn = _wrap_on  # type: ignore[attr-defined]
    pages.Flowable.identity = _identity  # type: ignore[attr-defined]
    try:
        template.build([_for_platypus(f) for f in story], canvasmaker=canvasmaker)
    finally:
        del pages.Flowable.wrapOn  # type: ignore[attr-defined]
        del pages.Flowable.identity  # type: ignore[attr-defined]


def _wrap_on(self: pages.Flowable, canv: Any, aW: float, aH: float) -> tuple[float, float]:
    return self.wrap(aW, aH)


def _identity(self: pages.Flowable, maxLen: int | None = None) -> str:
    return type(self).__name__


def both(make: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """``make()`` with kedu's page loop, then with platypus's."""
    ours = make()
    with monkeypatch.context() as m:
        m.setattr(layout, "build", platypus_build)
        theirs = make()
    return ours, theirs


# --- exporting does not import platypus ---------------------------------------------------------

PROBE = """
import sys
import kedu
art = kedu.load_article({example!r})
en = kedu.localize(art, "en")
for lang, bilingual, large, paper in [("en", False, False, "letter"), ("ar", True, False, "letter"),
                                      ("zh_Hans", False, True, "a4"), ("es", True, True, "a4")]:
    options = kedu.ExportOptions(large_print=large, paper=paper)
    pdf = kedu.export(kedu.localize(art, lang), "pdf", options, source=en if bilingual else None)
    assert pdf.startswith(b"%PDF")
from pathlib import Path
from starlette.testclient import TestClient
from kedu.serve.app import create_app
client = TestClient(create_app(Path({root!r}), watch=False), base_url="http://127.0.0.1")
served = client.get("/articles/ketamine-therapy/handout",
                    params={{"lang": "ar", "format": "pdf", "bilingual": "1", "large": "1"}})
assert served.headers["content-type"] == "application/pdf", served.text
print(sorted(m for m in sys.modules if m.startswith("reportlab.platypus")))
print("reportlab.pdfgen.canvas" in sys.modules)
"""


def test_a_pdf_export_does_not_import_platypus() -> None:
    """One-language and bilingual handouts, large print, A4, and one served by
    ``kedu serve``, in a fresh process."""
    script = PROBE.format(example=str(EXAMPLE), root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.stdout.split() == ["[]", "True"], done.stdout


def test_the_export_command_does_not_import_platypus(tmp_path: Path) -> None:
    """The whole ``kedu export`` process, read from Python's own import log."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kedu", "export", str(EXAMPLE),
         "--lang", "ar", "--lang", "en", "--format", "pdf", "--out", str(tmp_path), "-q",
         "--jobs", "1"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]
    assert "reportlab.pdfgen.canvas" in imported  # the log is the real one
    assert not [m for m in imported if m.startswith("reportlab.platypus")]
    assert len(list(tmp_path.glob("*.pdf"))) == 2


# --- kedu's handouts: byte-identical to platypus's layout ---------------------------------------


@pytest.fixture(scope="module")
def example() -> kedu.Article:
    return kedu.load_article(EXAMPLE)


@pytest.mark.parametrize(("lang", "options", "bilingual"), [
    ("en", ExportOptions(), False),
    ("ar", ExportOptions(), False),
    ("zh_Hans", ExportOptions(large_print=True), False),
    ("ru", ExportOptions(paper="a4"), False),
    ("es", ExportOptions(), True),
    ("ar", ExportOptions(large_print=True), True),
    ("vi", ExportOptions(paper="a4", large_print=True), True),
], ids=["en", "ar", "zh_Hans-large", "ru-a4", "es-bilingual", "ar-bilingual-large",
        "vi-bilingual-a4-large"])
def test_handouts_are_laid_out_as_platypus_lays_them_out(
    example: kedu.Article, lang: str, options: ExportOptions, bilingual: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = kedu.localize(example, lang, base_dir=EXAMPLE.parent)
    source = kedu.localize(example, "en", base_dir=EXAMPLE.parent) if bilingual else None
    ours, theirs = both(lambda: kedu.export(doc, "pdf", options, source=source), monkeypatch)
    assert ours == theirs


def _filled(folder: Path, paragraphs: int, jpeg: bool) -> Path:
    """The every-block article after ``paragraphs`` paragraphs of filler, so its
    picture, boxes and contact box meet page ends at different heights."""
    import yaml
    from PIL import Image

    path = every_block_article(folder)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    filler = [f"Paragraph {i}: " + "Drink water and rest after your visit. " * (3 + i % 5)
              for i in range(paragraphs)]
    sections: list[dict[str, Any]] = data["sections"]
    sections.insert(0, {"type": "prose", "id": "filler", "heading": "Filler",
                        "paragraphs": filler or ["Short."]})
    if jpeg:
        Image.new("RGB", (64, 48), (30, 120, 200)).save(folder / "photo.jpg")
        sections.insert(6, {"type": "image", "id": "photo", "src": "photo.jpg",
                            "alt": "A photo", "caption": "A photo caption " * 3})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("paragraphs", [4, 7, 10, 13])
def test_every_block_meets_page_ends_as_under_platypus(
    tmp_path: Path, paragraphs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pictures (PNG and JPEG) moved whole to the next page, captions, boxes split
    or moved, the contact box kept whole: the same bytes as platypus makes."""
    path = _filled(tmp_path, paragraphs, jpeg=paragraphs % 2 == 0)
    (tmp_path / "logo.png").write_bytes(png(40, 20))
    doc = kedu.localize(kedu.load_article(path), "en", base_dir=tmp_path)
    for options in (ExportOptions(logo=tmp_path / "logo.png"), ExportOptions(large_print=True)):
        ours, theirs = both(lambda o=options: kedu.export(doc, "pdf", o), monkeypatch)
        assert ours == theirs, options
    ours, theirs = both(lambda: kedu.export(doc, "pdf", ExportOptions(), source=doc), monkeypatch)
    assert ours == theirs, "bilingual"


# --- random stories: every rule of the loop -----------------------------------------------------


class Block(pages.Flowable):
    """A box of ``lines`` lines, drawn as a numbered rectangle; splits between
    lines, keeping ``min_lines`` on each side (none: never splits)."""

    LEADING = 14.0

    def __init__(self, name: int, lines: int, space_before: float, space_after: float,
                 keep_with_next: bool, min_lines: int | None, align: str = "LEFT",
                 width: float | None = None) -> None:
        self.name = name
        self.lines = lines
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.keepWithNext = keep_with_next
        self.min_lines = min_lines
        self.hAlign = align  # type: ignore[assignment]
        self.fixed_width = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self.fixed_width or availWidth
        self.height = self.lines * self.LEADING
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[pages.Flowable]:
        if self.min_lines is None:
            return []
        fit = min(int(availHeight // self.LEADING), self.lines - self.min_lines)
        if fit < self.min_lines:
            return []
        return [Block(self.name, fit, self.spaceBefore, 0, False, self.min_lines),
                Block(self.name, self.lines - fit, 0, self.spaceAfter, self.keepWithNext,
                      self.min_lines)]

    def draw(self) -> None:
        self.canv.setFillColor(Color(0.2, 0.4, (self.name % 7) / 7))
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        self.canv.drawString(2, 2, f"{self.name} {self.lines}")


def random_story(rng: random.Random) -> list[pages.Flowable]:
    story: list[pages.Flowable] = []
    for n in range(rng.randint(1, 40)):
        def block(n: int = n) -> Block:
            lines = rng.choice([1, 2, 3, 5, 8, 13, 30, 47, 60])
            # A block that keeps with the next fits on a page: platypus never
            # finishes a story where it does not (see the test after this one).
            keep = lines < 20 and rng.random() < 0.3
            return Block(n, lines, rng.choice([0, 0, 6, 12.5, 30]), rng.choice([0, 4, 9.25, 20]),
                         keep, rng.choice([None, 1, 2, 2, 3] if lines < 24 or rng.random() < 0.04
                                          else [1, 2, 3]),
                         rng.choice(["LEFT", "CENTER", "RIGHT"]),
                         rng.choice([None, None, 120.0]))
        if rng.random() < 0.15:
            story.append(pages.KeepTogether([block(n * 100 + i)
                                             for i in range(rng.randint(1, 4))]))
        else:
            story.append(block())
    return story


def _render(story: list[pages.Flowable], build: Any) -> bytes | str:
    """The PDF, or the kind of error that stopped the layout."""
    out = io.BytesIO()
    try:
        build(story, Canvas, out, pagesize=(300.0, 400.0), frame=pages.Frame(20, 30, 260, 340.5),
              title="t", author="", subject="", creator="c", keywords="", lang="en",
              font_name="Helvetica", font_size=10)
    except ExportError as exc:
        assert "\n" not in str(exc) and "cannot be laid out" in str(exc)
        return "too large"
    except Exception as exc:  # platypus's LayoutError
        assert type(exc).__name__ == "LayoutError", exc
        return "too large"
    return out.getvalue()


def test_random_stories_are_laid_out_as_platypus_lays_them_out() -> None:
    outcomes: dict[str, int] = {}
    for seed in range(150):
        ours = _render(random_story(random.Random(seed)), ORIGINAL_BUILD)
        theirs = _render(random_story(random.Random(seed)), platypus_build)
        assert ours == theirs, f"seed {seed}"
        kind = ours if isinstance(ours, str) else "pdf"
        outcomes[kind] = outcomes.get(kind, 0) + 1
    # The seeds reach both outcomes: finished documents and blocks too tall.
    assert outcomes.get("pdf", 0) > 100 and outcomes.get("too large", 0) > 5, outcomes


@pytest.mark.parametrize("min_lines", [None, 2])
def test_a_block_keeping_with_the_next_and_too_tall_for_a_page_ends(
    min_lines: int | None,
) -> None:
    """platypus loops forever on it (wrapping it alone in a KeepTogether again
    and again); kedu's loop lets it flow on: it splits, or is one clear error."""
    story: list[pages.Flowable] = [
        Block(1, 3, 0, 0, False, None),
        Block(2, 40, 0, 0, True, min_lines),
        pages.KeepTogether([Block(3, 2, 0, 0, False, None)]),
    ]
    if min_lines is None:
        with pytest.raises(ExportError, match="taller than a page"):
            _render_strict(story)
    else:
        _render_strict(story)


def test_space_before_is_dropped_at_the_top_of_a_page() -> None:
    """The first block of a page starts at the frame's top edge, whatever space
    it asks for above it; lower down it gets that space."""
    drawn: list[tuple[int, float, float]] = []

    class Spy(Canvas):  # type: ignore[misc]
        def translate(self, dx: float, dy: float) -> None:
            drawn.append((self.getPageNumber(), dx, dy))
            super().translate(dx, dy)

    story: list[pages.Flowable] = [Block(1, 10, 30, 0, False, None),
                                   Block(2, 5, 30, 0, False, None),
                                   Block(3, 10, 30, 0, False, None)]
    ORIGINAL_BUILD(story, Spy, io.BytesIO(), pagesize=(300.0, 400.0),
                   frame=pages.Frame(20, 30, 260, 340), title="t", author="", subject="",
                   creator="c", keywords="", lang="en", font_name="Helvetica", font_size=10)
    top = 30 + 340
    first = top - 10 * 14
    assert [(page, y) for page, _, y in drawn] == [
        (1, first), (1, first - 30 - 5 * 14), (2, top - 10 * 14)
    ]


def test_a_block_taller_than_a_page_is_one_clear_error() -> None:
    story: list[pages.Flowable] = [Block(1, 3, 0, 0, False, None),
                                   Block(2, 40, 0, 0, False, None)]
    with pytest.raises(ExportError) as caught:
        _render_strict(story)
    message = str(caught.value)
    assert "\n" not in message
    assert "taller than a page" in message and "page 2" in message, message


def _render_strict(story: list[pages.Flowable]) -> None:
    ORIGINAL_BUILD(story, Canvas, io.BytesIO(), pagesize=(300.0, 400.0),
                   frame=pages.Frame(20, 30, 260, 340), title="t", author="", subject="",
                   creator="c", keywords="", lang="en", font_name="Helvetica", font_size=10)


# --- pictures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".jpeg"])
def test_pictures_are_embedded_as_platypus_embeds_them(tmp_path: Path, suffix: str) -> None:
    from PIL import Image as PILImage
    from reportlab.platypus import Image

    path = tmp_path / f"picture{suffix}"
    PILImage.new("RGB", (30, 20), (200, 60, 30)).save(path)

    def draw(flowable: Any) -> bytes:
        out = io.BytesIO()
        canv = Canvas(out, invariant=1)
        flowable.wrap(200, 200)
        flowable.drawOn(canv, 10, 20, _sW=50)
        canv.save()
        return out.getvalue()

    assert draw(pages.Image(path, 45, 30)) == draw(Image(str(path), width=45, height=30))


def test_a_contact_box_taller_than_a_page_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """platypus stopped with an internal LayoutError and its repr; kedu names the
    problem, exits 1 and writes nothing."""
    import yaml

    from kedu.cli import main

    path = every_block_article(tmp_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sections"][-1]["text"] = "Call us any weekday between nine and five. " * 200
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    code = main(["export", str(path), "--format", "pdf", "--out", str(out), "-q", "--jobs", "1"])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("kedu: "), lines
    assert "taller than a page" in lines[0] and "internal error" not in lines[0], lines
    assert not out.exists() or not list(out.glob("*.pdf"))
