"""The same text in every format: PDF, Word, HTML and JSON print what the
document tree says, labels and display forms included.

Each format's text is read back with software that is not kedu's own
(pdftotext, python-docx, an HTML5 parser, the json module) and every printed
text of the tree (:func:`kedu.document.printed_texts`) must appear in it, in
the tree's reading order.  Whitespace and invisible bidi controls are ignored:
line breaks and isolates are layout, not text.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from selectolax.lexbor import LexborHTMLParser

import kedu
from kedu.document import build_document, printed_texts
from tests.conftest import EXAMPLE, LOCALES
from tests.handouts import localized_every_block

_INVISIBLE = re.compile(r"[\s\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
# Furniture that a format shows in its own way: the page counter is a live field
# in Word, a CSS counter in HTML and absent from JSON.
_NOT_COMPARED = {"labels.page_of"}
# Printed in headers and footers (and the masthead): their place differs by format.
_FURNITURE = {"organization/name", "labels.last_reviewed", "labels.draft_notice"}


def squash(text: str) -> str:
    return _INVISIBLE.sub("", text)


def pdf_text(data: bytes, tmp: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp / "handout.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def word_text(data: bytes, tmp: Path) -> str:
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    parts = [p.text for p in section.first_page_header.paragraphs]
    body = document.element.body
    for paragraph in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        parts.append("".join(t.text or "" for t in paragraph.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
    parts += [p.text for p in section.first_page_footer.paragraphs]
    return "\n".join(parts)


def html_text(data: bytes, tmp: Path) -> str:
    body = LexborHTMLParser(data.decode("utf-8")).body
    assert body is not None
    return body.text()


def _json_strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("spans", "html", "alt", "src", "key", "type", "kind", "role", "href",
                       "dir", "outline", "level"):
                continue
            if isinstance(value, str) and key in ("text", "separator", "label", "display",
                                                  "credit"):
                yield value
            else:
                yield from _json_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _json_strings(item)


def json_text(data: bytes, tmp: Path) -> str:
    envelope = json.loads(data)
    document = envelope["document"]
    lines = list(_json_strings(document["blocks"]))
    lines += [envelope["draft_notice"] or "", document["last_reviewed"] or ""]
    return "\n".join(lines)


READERS: dict[str, Callable[[bytes, Path], str]] = {
    "pdf": pdf_text, "docx": word_text, "html": html_text, "json": json_text,
}


def assert_prints_the_tree(
    fmt: str, doc: kedu.LocalizedArticle, data: bytes, tmp: Path
) -> None:
    printed = squash(READERS[fmt](data, tmp))
    tree = build_document(doc)
    texts = list(printed_texts(tree))
    for key, text in texts:
        if key in _FURNITURE:  # anywhere: headers, footers, the masthead
            assert squash(text) in printed, f"{fmt}: {key} {text!r} is not printed"
    # Running heads and footers interrupt a box or paragraph that breaks across
    # pages; take them out before comparing the content in order.
    for key, text in texts:
        if key in _FURNITURE:
            printed = printed.replace(squash(text), "")
    counter = re.escape(squash(tree.furniture.page_of))
    counter = counter.replace(re.escape("{page}"), r"\d+").replace(re.escape("{pages}"), r"\d+")
    printed = re.sub(counter, "", printed)
    position = 0
    for key, text in texts:
        if key in _NOT_COMPARED or (fmt == "html" and key.endswith("/separator")):
            continue
        want = squash(text)
        if not want:
            continue
        if key in _FURNITURE:
            continue
        found = printed.find(want, position)
        assert found >= 0, (
            f"{fmt}: {key} {text!r} is not printed (in order) "
            f"{'(printed earlier)' if want in printed else ''}"
        )
        position = found + len(want)


@pytest.fixture(scope="module")
def example() -> kedu.Article:
    return kedu.load_article(EXAMPLE)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "json"])
@pytest.mark.parametrize("locale", ["es", "zh_Hans", "ar"])
def test_example_prints_the_same_text_in_every_format(
    example: kedu.Article, locale: str, fmt: str, tmp_path: Path
) -> None:
    if fmt == "pdf" and locale == "ar":
        pytest.skip("pdftotext reads Arabic in visual order; the PDF text layer's logical "
                    "order is tested by the PDF tests")
    doc = kedu.localize(example, locale, catalogs=LOCALES, base_dir=EXAMPLE.parent)
    assert_prints_the_tree(fmt, doc, kedu.export(doc, fmt), tmp_path)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "json"])
def test_every_kind_of_block_prints_the_same_text(fmt: str, tmp_path: Path) -> None:
    doc = localized_every_block(tmp_path)
    assert_prints_the_tree(fmt, doc, kedu.export(doc, fmt), tmp_path)


def test_the_comparison_notices_a_missing_label(tmp_path: Path) -> None:
    """The check is not vacuous: a page without the contact label fails it."""
    doc = localized_every_block(tmp_path)
    html = kedu.export(doc, "html").replace(b"<dt>Call us</dt>", b"<dt></dt>")
    with pytest.raises(AssertionError, match=r"labels\.phone"):
        assert_prints_the_tree("html", doc, html, tmp_path)
