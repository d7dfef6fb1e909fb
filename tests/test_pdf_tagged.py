"""Tagged PDF/UA-1 handouts, bookmarks and pagination, read back with tools that
are not kedu's own: poppler's ``pdfinfo``/``pdftotext``, the ``pdfua`` checker and
pypdf.

Every PDF the acceptance names (seven languages, large print, A4, large-print A4
Russian, bilingual en-es and en-ar) is made once per test session and shared by
the xdist workers through a directory next to their temporary folders; a worker
that needs a file another is making makes it too (the write is atomic).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pypdf
import pytest

from kedu.document import (
    ContactBox,
    Disclaimer,
    Document,
    FaqEntry,
    ItemList,
    Paragraph,
    Section,
    Title,
    build_document,
    plain,
)
from kedu.exporters import ExportOptions, get_exporter
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import LocalizedArticle

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
LANGS = ["en", "es", "ht", "vi", "ru", "ar", "zh_Hans"]


@dataclass(frozen=True)
class Case:
    """One handout of the acceptance list."""

    lang: str
    large: bool = False
    a4: bool = False
    bilingual: bool = False

    @property
    def name(self) -> str:
        base = f"en-{self.lang}" if self.bilingual else self.lang
        return base + (".large" if self.large else "") + (".a4" if self.a4 else "") + ".pdf"

    @property
    def side_margin(self) -> float:
        if self.bilingual:
            return (0.6 if self.large else 0.65) * 72
        return (0.7 if self.large else 0.8) * 72

    @property
    def footer_size(self) -> float:
        return 16 if self.large else 8.5


CASES = [
    *(Case(lang) for lang in LANGS),
    *(Case(lang, large=True) for lang in LANGS),
    Case("en", a4=True),
    Case("ar", a4=True),
    Case("ru", large=True, a4=True),
    Case("es", bilingual=True),
    Case("ar", bilingual=True),
]
IDS = [case.name for case in CASES]

needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdfinfo, pdftotext) not installed",
)


@cache
def _doc(lang: str) -> LocalizedArticle:
    return localize(load_article(EXAMPLE), lang, base_dir=EXAMPLE.parent)


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this session shares."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "tagged-pdfs"
    shared.mkdir(exist_ok=True)
    return shared


def _path(case: Case, folder: Path) -> Path:
    path = folder / case.name
    if not path.exists():
        options = ExportOptions(paper="a4" if case.a4 else "letter", large_print=case.large)
        exporter = get_exporter("pdf")
        if case.bilingual:
            data = exporter.export_bilingual(_doc(case.lang), _doc("en"), options)
        else:
            data = exporter.export(_doc(case.lang), options)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def _run(*args: str | Path) -> str:
    out = subprocess.run([str(a) for a in args], capture_output=True, check=True).stdout
    return out.decode("utf-8", errors="replace")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+(?=[\u0300-\u036f])", "", text)
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _letters(text: str) -> str:
    return "".join(c for c in text if not unicodedata.category(c).startswith("M"))


# --- what the document tree says is there ----------------------------------------------------


def _tree(lang: str) -> Document:
    return build_document(_doc(lang))


def _headings(document: Document) -> list[tuple[str, str]]:
    """(role, text) of every heading the structure tree must hold, in order."""
    out: list[tuple[str, str]] = []
    for block in document.blocks:
        match block:
            case Title():
                out.append(("H1", plain(block.content)))
            case Section():
                if block.heading is not None:
                    out.append(("H2", plain(block.heading.content)))
                for child in block.blocks:
                    if isinstance(child, FaqEntry):
                        out.append(("H3", plain(child.question)))
                    elif isinstance(child, ContactBox):
                        out.append(("H2", plain(child.heading)))
            case Disclaimer():
                out.append(("H2", block.heading))
            case _:
                pass
    return out


def _list_items(document: Document) -> int:
    count = 0
    for section in document.sections():
        for child in section.blocks:
            if isinstance(child, ItemList):
                count += len(child.items)
            elif isinstance(child, ContactBox):
                count += len(child.details)
    return count


# --- pdfinfo -struct-text ---------------------------------------------------------------------


def _struct(path: Path) -> list[tuple[int, str, str]]:
    """(depth, role, text) of every structure element, in reading order."""
    out: list[tuple[int, str, str]] = []
    for line in _run("pdfinfo", "-struct-text", path).splitlines():
        m = re.match(r"^( *)(\w+)(?: \(\w+\))?$", line)
        if m:
            out.append((len(m.group(1)) // 2, m.group(2), ""))
        elif line.strip().startswith('"') and out:
            depth, role, text = out[-1]
            out[-1] = (depth, role, f"{text} {line.strip()[1:-1]}".strip())
    return out


@needs_poppler
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pdfinfo_says_tagged(case: Case, pdf_dir: Path) -> None:
    info = _run("pdfinfo", _path(case, pdf_dir))
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info


@needs_poppler
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_structure_lists_the_handout_in_reading_order(case: Case, pdf_dir: Path) -> None:
    elements = _struct(_path(case, pdf_dir))
    assert elements[0][:2] == (0, "Document")
    found = [(role, text) for _, role, text in elements if role in ("H1", "H2", "H3")]
    documents = [_tree("en"), _tree(case.lang)] if case.bilingual else [_tree(case.lang)]
    if case.bilingual and case.lang == "ar":
        documents.reverse()  # an Arabic reader meets the Arabic first
    expected_roles: list[str] = []
    expected_texts: list[tuple[str, str]] = []
    per_doc = [_headings(d) for d in documents]
    for pair in zip(*per_doc, strict=True):
        for document, (role, text) in zip(documents, pair, strict=True):
            expected_roles.append(role)
            expected_texts.append((document.lang, text))
    assert [role for role, _ in found] == expected_roles
    for (role, text), (_lang, want) in zip(found, expected_texts, strict=True):
        assert _norm(text) == _norm(want), (role, text, want)
    # Lists: one LI with a label and a body per item and contact detail.
    items = [role for _, role, _ in elements if role == "LI"]
    assert len(items) == sum(_list_items(d) for d in documents)
    assert sum(role == "Lbl" for _, role, _ in elements) == len(items)
    assert sum(role == "LBody" for _, role, _ in elements) == len(items)
    # Every paragraph of the article is a P with its text, in every script.
    paragraphs = [_norm(text) for _, role, text in elements if role == "P"]
    for document in documents:
        for section in document.sections():
            for child in section.blocks:
                if isinstance(child, Paragraph):
                    assert _norm(plain(child.content)) in paragraphs
    # Links own their annotations: as many Link elements as link annotations at least.
    assert any(role == "Link" for _, role, _ in elements)


def test_source_and_translation_follow_each_other_with_their_own_language(
    pdf_dir: Path,
) -> None:
    reader = pypdf.PdfReader(_path(Case("es", bilingual=True), pdf_dir))
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "es"
    top = root["/StructTreeRoot"]["/K"].get_object()
    roles = [(str(k.get_object()["/S"]), k.get_object().get("/Lang")) for k in top["/K"]]
    h2 = [lang for role, lang in roles if role == "/H2"]
    assert h2[:4] == ["en", None, "en", None]


# --- pdfua ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pdfua_checker_finds_nothing(case: Case, pdf_dir: Path) -> None:
    pdfua = shutil.which("pdfua") or str(Path(sys.executable).parent / "pdfua")
    if not Path(pdfua).exists():
        pytest.skip("the pdfua checker is not installed (pip install '.[test]')")
    result = subprocess.run([pdfua, "check", "--format", "json", str(_path(case, pdf_dir))],
                            capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert report["findings"] == [], report["findings"]
    assert report["skipped"] == [], report["skipped"]
    assert report["summary"]["rules_run"] >= 12
    assert result.returncode == 0


# --- bookmarks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def _words(path: Path) -> list[tuple[float, float, list[Word]]]:
    """(width, height, words) of every page, from ``pdftotext -bbox``."""
    xml = _run("pdftotext", "-bbox", path, "-")
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    tree = ElementTree.fromstring(xml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in tree.iter("{http://www.w3.org/1999/xhtml}page"):
        words = [
            Word(w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)),
                 float(w.get("xMax", 0)), float(w.get("yMax", 0)))
            for w in page.findall("h:word", ns)
        ]
        pages.append((float(page.get("width", 0)), float(page.get("height", 0)), words))
    return pages


@needs_poppler
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_bookmark_opens_the_page_and_place_of_its_heading(
    case: Case, pdf_dir: Path
) -> None:
    path = _path(case, pdf_dir)
    reader = pypdf.PdfReader(path)
    pages = _words(path)

    def flat(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            out.extend(flat(item) if isinstance(item, list) else [item])
        return out

    marks = flat(reader.outline)
    assert len(marks) == 1 + len(list(_tree(case.lang).sections()))
    for mark in marks:
        number = reader.get_destination_page_number(mark)
        assert mark["/Type"] == "/XYZ", mark
        _width, height, words = pages[number]
        first = next(w for w in re.split(r"\s+", str(mark.title)) if len(_norm(w)) >= 2)
        top = height - float(mark["/Top"])
        near = _norm(" ".join(w.text for w in words if abs(w.y0 - top) < 30))
        want = _norm(first)
        # pdftotext -bbox lists right-to-left words in visual order, where the
        # harakat's place depends on how it sorts them: compare letters only.
        near, want = _letters(near), _letters(want)
        assert want in near or want[::-1] in near, (
            f"{mark.title!r}: no {first!r} near the top of page {number + 1}"
        )


# --- pagination -----------------------------------------------------------------------------


def _body_lines(case: Case, page: tuple[float, float, list[Word]]) -> list[list[Word]]:
    """The page's lines above the footer, top to bottom; in a bilingual handout the
    English (left) column only."""
    width, height, words = page
    footer_top = height - (0.45 * 72 + case.footer_size * 3.4)
    body = [w for w in words if w.y1 < footer_top]
    if case.bilingual:
        body = [w for w in body if w.x1 < width / 2]
    lines: list[list[Word]] = []
    for word in sorted(body, key=lambda w: (round(w.y1), w.x0)):
        if lines and abs(lines[-1][0].y1 - word.y1) < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


@needs_poppler
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_heading_ends_a_page(case: Case, pdf_dir: Path) -> None:
    pages = _words(_path(case, pdf_dir))
    lang = "en" if case.bilingual else case.lang
    headings = [_norm(text) for _, text in _headings(_tree(lang))]
    for number, page in enumerate(pages[:-1], 1):
        lines = _body_lines(case, page)
        assert lines, f"page {number} has no body text"
        last = _norm(" ".join(w.text for w in lines[-1]))
        ends = [h for h in headings if len(last) >= 3 and h.endswith(last)]
        assert not ends, f"page {number} ends with the heading {ends[0]!r}"


@needs_poppler
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_page_holds_only_the_disclaimer(case: Case, pdf_dir: Path) -> None:
    pages = _words(_path(case, pdf_dir))
    lang = "en" if case.bilingual else case.lang
    disclaimer = next(b for b in _tree(lang).blocks if isinstance(b, Disclaimer))
    words = {_norm(w) for w in f"{disclaimer.heading} {plain(disclaimer.content)}".split()}
    words |= {w[::-1] for w in words}
    for number, page in enumerate(pages, 1):
        body = [_norm(w.text) for line in _body_lines(case, page) for w in line]
        if number == 1 or not body:
            continue
        band = _tree(lang).draft_notice or ""
        body = [w for w in body if w not in {_norm(x) for x in band.split()}]
        assert not all(w in words for w in body), f"page {number} holds only the disclaimer"


@needs_poppler
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_everything_printed_is_inside_the_margins(case: Case, pdf_dir: Path) -> None:
    """Side margins for every word (the draft band wraps to them); a quarter inch
    from the top and bottom edges, where printers cannot print."""
    for number, (width, height, words) in enumerate(_words(_path(case, pdf_dir)), 1):
        for w in words:
            assert w.x0 >= case.side_margin - 1 and w.x1 <= width - case.side_margin + 1, (
                f"page {number}: {w.text!r} at x {w.x0:.0f} to {w.x1:.0f} of {width:.0f}"
            )
            assert w.y0 >= 18 and w.y1 <= height - 18, (
                f"page {number}: {w.text!r} at y {w.y0:.0f} to {w.y1:.0f} of {height:.0f}"
            )
