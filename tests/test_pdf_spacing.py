"""The disclaimer never fills the last page alone, and the layout passes that
choose the spacing for it break pages exactly as the rendering does.

kedu picks the spacing (``layout.TIGHTER``) with layout passes that shape and
draw nothing; a pass that broke pages differently from the final rendering
would pick the wrong spacing, or none where one was needed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from kedu.document import Disclaimer, build_document, plain
from kedu.exporters import ExportOptions, get_exporter
from kedu.exporters.pdf import layout
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import LocalizedArticle

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ketamine-therapy" / "article.yaml"
# Where the example needs tighter spacing (es, ru, ar) and where it does not.
LOCALES = ["en", "es", "ru", "ar", "zh_Hans"]


def _doc(locale: str) -> LocalizedArticle:
    return localize(load_article(EXAMPLE), locale, base_dir=EXAMPLE.parent)


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("locale", LOCALES)
def test_disclaimer_shares_the_last_page(locale: str) -> None:
    """Read back with pypdf: the last page holds the disclaimer and, before it,
    text of the handout's last section."""
    doc = _doc(locale)
    block = next(b for b in build_document(doc).blocks if isinstance(b, Disclaimer))
    first_words = "".join(plain(block.content).split())[:8]
    last = _pages_text(get_exporter("pdf").export(doc, ExportOptions()))[-1]
    assert block.heading in last, last
    at = last.rindex(block.heading)
    assert first_words in "".join(last[at:].split()), (first_words, last)
    assert len("".join(last[:at].split())) >= 40, last


@pytest.mark.parametrize(("locale", "bilingual"), [(loc, False) for loc in LOCALES]
                         + [("es", True), ("ar", True)])
def test_layout_pass_lands_content_on_the_rendered_pages(
    locale: str, bilingual: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bool, Any, Any]] = []
    render = layout._render

    def spy(flowables: Any, *args: Any, dry: bool = False, **kwargs: Any) -> bytes:
        pdf = render(flowables, *args, dry=dry, **kwargs)
        calls.append((dry, flowables, args[-1]))  # args[-1]: the Marks
        return bytes(pdf)

    monkeypatch.setattr(layout, "_render", spy)
    original = layout.build_story

    stories: list[Any] = []

    def make_spy(make: Any, **kwargs: Any) -> bytes:
        def make_recorded(spacing: float) -> Any:
            story = make(spacing)
            stories.append((spacing, story))
            return story

        return original(make_recorded, **kwargs)

    monkeypatch.setattr(layout, "build_story", make_spy)
    if bilingual:
        from kedu.exporters.pdf import bilingual as module

        monkeypatch.setattr(module, "build_story", make_spy)
        get_exporter("pdf").export_bilingual(_doc(locale), _doc("en"), ExportOptions())
    else:
        from kedu.exporters.pdf import document as module

        monkeypatch.setattr(module, "build_story", make_spy)
        get_exporter("pdf").export(_doc(locale), ExportOptions())
    assert [dry for dry, _, _ in calls] == [True] * (len(calls) - 1) + [False]
    final_spacing, final = stories[-1]
    dry_story = next(story for spacing, story in stories[:-1] if spacing == final_spacing)
    assert _pages(dry_story) == _pages(final)


def _pages(story: Any) -> list[list[int]]:
    """The pages of every element that drew content, in reading order."""
    return [sorted(node.pages()) for node in story.root.elements() if node.pages()]
