"""Bilingual PDF handouts: English beside the translation, row by row.

Each bilingual handout is built once per session (``_pdf``); the tests only
read it.  Text is read back per page and per column from pdfminer's glyph
positions, so "found in the right column of one page" also proves the row was
not split across pages.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine

from kedu.errors import MissingGlyphError
from kedu.exporters import ExportOptions, get_exporter
from kedu.exporters.pdf.bilingual import GUTTER
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import Article, LocalizedArticle
from kedu.models.inline import plain_text
from tests.pdftext import normalize, segments

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
# Body frame of a letter page: below the draft band, above the footer (points).
BODY_BOTTOM = 0.45 * 72 + 8.5 * 5
BODY_TOP = 792 - 0.65 * 72 * 0.85


@cache
def _doc(locale: str) -> LocalizedArticle:
    return localize(load_article(EXAMPLE), locale, base_dir=EXAMPLE.parent)


def _bilingual(doc: LocalizedArticle, companion: LocalizedArticle, **options: Any) -> bytes:
    return get_exporter("pdf").export_bilingual(doc, companion, ExportOptions(**options))


@cache
def _pdf(locale: str) -> bytes:
    return _bilingual(_doc(locale), _doc("en"))


@cache
def _monolingual_pages(locale: str) -> int:
    data = get_exporter("pdf").export(_doc(locale), ExportOptions())
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


# --- reading the columns back --------------------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    page: int
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    font: str


@cache
def _pages(data: bytes) -> list[LTPage]:
    return list(extract_pages(io.BytesIO(data), laparams=LAParams()))


def _lines(page: LTPage) -> list[LTTextLine]:
    out: list[LTTextLine] = []
    for box in page:
        if isinstance(box, LTTextContainer):
            out.extend(line for line in box if isinstance(line, LTTextLine))
    return out


def _glyphs(data: bytes) -> list[Glyph]:
    out: list[Glyph] = []
    for number, page in enumerate(_pages(data)):
        for line in _lines(page):
            for char in line:
                if isinstance(char, LTChar):
                    out.append(
                        Glyph(
                            number,
                            char.get_text(),
                            char.x0,
                            char.x1,
                            char.y0,
                            char.y1,
                            char.fontname.split("+")[-1],
                        )
                    )
    return out


@cache
def _columns(data: bytes) -> list[tuple[str, str]]:
    """(left column text, right column text) of the body of every page."""
    out: list[tuple[str, str]] = []
    for page in _pages(data):
        middle = page.width / 2
        sides: tuple[list[tuple[float, float, str]], list[tuple[float, float, str]]] = ([], [])
        for line in _lines(page):
            if line.y0 < BODY_BOTTOM or line.y1 > BODY_TOP:
                continue  # page furniture
            side = sides[0] if (line.x0 + line.x1) / 2 < middle else sides[1]
            side.append((-line.y1, line.x0, line.get_text()))
        left, right = (" ".join(t for *_, t in sorted(s)) for s in sides)
        out.append((left, right))
    return out


def _page_of_each_segment(locale: str, side: int) -> dict[str, int]:
    """Path → the page whose ``side`` column (0 left, 1 right) holds the whole segment."""
    doc = _doc("en") if side == 0 else _doc(locale)
    cjk = side == 1 and locale.startswith("zh")
    columns = [normalize(cols[side], cjk=cjk) for cols in _columns(_pdf(locale))]
    found: dict[str, int] = {}
    for path, text in segments(doc):
        needle = normalize(text, cjk=cjk)
        pages = [n for n, column in enumerate(columns) if needle in column]
        if pages:
            found[path] = pages[0]
    return found


# --- content -------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["es", "zh_Hans"])
def test_every_segment_of_both_languages_is_printed_whole(locale: str) -> None:
    """English in the left column, the translation in the right one, each segment
    on a single page (rows are never split across pages)."""
    english = _page_of_each_segment(locale, 0)
    target = _page_of_each_segment(locale, 1)
    paths = [path for path, _ in segments(_doc("en"))]
    assert [p for p in paths if p not in english] == []
    assert [p for p in paths if p not in target] == []


@pytest.mark.parametrize("locale", ["es"])
def test_pairs_share_a_page_and_headings_keep_with_the_next_row(locale: str) -> None:
    english = _page_of_each_segment(locale, 0)
    target = _page_of_each_segment(locale, 1)
    assert english == target  # every segment sits on the same page as its translation
    paths = [path for path, _ in segments(_doc("en"))]
    for here, after in itertools.pairwise(paths):
        if here.endswith("/heading") or here.endswith("/question"):
            assert target[here] == target[after], f"{here} is alone at the bottom of a page"


@pytest.mark.parametrize("locale", ["es"])
def test_title_block_names_both_languages_in_their_own_language(locale: str) -> None:
    left, right = _columns(_pdf(locale))[0]
    assert "English" in left and "Español" in right
    assert normalize(plain_text(_doc("en").article.title)) in normalize(left)
    assert normalize(plain_text(_doc(locale).article.title)) in normalize(right)


# --- placement -----------------------------------------------------------------------------


def _line_with(data: bytes, text: str) -> tuple[int, LTTextLine]:
    for number, page in enumerate(_pages(data)):
        for line in _lines(page):
            if text in line.get_text():
                return number, line
    raise AssertionError(f"{text!r} not found")


@pytest.mark.parametrize("locale", ["es"])
def test_english_column_is_left_of_the_translation(locale: str) -> None:
    data = _pdf(locale)
    page_en, english = _line_with(data, "What will I feel during treatment?")
    page_es, spanish = _line_with(data, "¿Qué sentiré")
    middle = _pages(data)[0].width / 2
    assert page_en == page_es
    assert english.x1 < middle < spanish.x0
    assert abs(english.y1 - spanish.y1) < 1  # the two headings start on one line


@pytest.mark.parametrize("locale", ["ar"])
def test_arabic_column_is_on_the_right_and_right_aligned(locale: str) -> None:
    data = _pdf(locale)
    page, english = _line_with(data, "What will I feel during treatment?")
    arabic = [
        g
        for g in _glyphs(data)
        if g.page == page
        and g.font.startswith("NotoSansArabic")
        and g.y0 < english.y1
        and g.y1 > english.y0
    ]
    assert arabic, "no Arabic heading beside the English one"
    assert english.x0 < min(g.x0 for g in arabic)
    assert english.x1 + GUTTER <= min(g.x0 for g in arabic) + 1
    width = _pages(data)[0].width
    # Flush with the right margin, ragged on the left: the column reads right to left.
    body = [
        g
        for g in _glyphs(data)
        if g.font.startswith("NotoSansArabic") and BODY_BOTTOM < g.y0 < BODY_TOP - 40
    ]
    assert all(g.x0 > width / 2 for g in body)
    lines: list[list[Glyph]] = []  # glyphs clustered by baseline (marks sit a little off)
    for g in sorted(body, key=lambda g: (g.page, -g.y0)):
        if lines and lines[-1][-1].page == g.page and lines[-1][-1].y0 - g.y0 <= 4:
            lines[-1].append(g)
        else:
            lines.append([g])
    right_edges = [max(g.x1 for g in line) for line in lines]
    left_edges = [min(g.x0 for g in line) for line in lines]
    flush = [x for x in right_edges if x > width - 0.65 * 72 - 30]
    assert len(flush) >= 0.9 * len(right_edges)
    assert max(left_edges) - min(left_edges) > 100  # ragged on the left


@pytest.mark.parametrize("locale", ["ar"])
def test_arabic_box_bar_and_bullets_are_on_the_right(locale: str) -> None:
    data = _pdf(locale)
    bullets = [g for g in _glyphs(data) if g.text == "•"]
    width = _pages(data)[0].width
    left = [g for g in bullets if g.x0 < width / 2]
    right = [g for g in bullets if g.x0 > width / 2]
    assert len(left) == len(right) > 0
    # English bullets sit before their text (left), Arabic ones after it (right).
    assert max(g.x0 for g in left) < 0.65 * 72 + 20
    assert min(g.x1 for g in right) > width - 0.65 * 72 - 20


# --- nothing overflows ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["es", "ar", "zh_Hans"])
def test_text_stays_inside_its_column_and_the_page(locale: str) -> None:
    data = _pdf(locale)
    page = _pages(data)[0]
    width, height = page.width, page.height
    margin = 0.65 * 72
    middle = width / 2
    glyphs = _glyphs(data)
    assert glyphs
    for g in glyphs:
        assert g.x0 >= 0 and g.x1 <= width and g.y0 >= 0 and g.y1 <= height, g
        assert g.x0 >= margin - 1 and g.x1 <= width - margin + 1, g
        if g.y0 >= BODY_BOTTOM and g.y1 <= BODY_TOP:
            # Nothing in the gutter (its hairline is not text).
            assert not (middle - GUTTER / 2 + 1 < g.x1 and g.x0 < middle + GUTTER / 2 - 1), g


@pytest.mark.parametrize("locale", ["es", "ar", "zh_Hans"])
def test_page_count_is_reasonable(locale: str) -> None:
    pages = len(_reader(_pdf(locale)).pages)
    assert (
        _monolingual_pages(locale)
        < pages
        <= _monolingual_pages(locale) + _monolingual_pages("en") + 2
    )


def _article(paragraph: str, heading: str = "Second") -> Article:
    return Article.model_validate(
        {
            "id": "demo",
            "title": "Demo",
            "organization": {"name": "Clinic"},
            "sections": [
                {"type": "prose", "id": "intro", "heading": "Intro", "paragraphs": [paragraph]},
                {"type": "prose", "id": "next", "heading": heading, "paragraphs": ["After."]},
            ],
        }
    )


def test_a_long_translation_pushes_the_row_down() -> None:
    source = localize(_article("Short."), "en")
    target = localize(_article("Largo texto de prueba. " * 40, "Segundo"), "en")
    data = _bilingual(target, source)
    _, second = _line_with(data, "Second")
    _, segundo = _line_with(data, "Segundo")
    assert abs(second.y1 - segundo.y1) < 1  # the next row starts below the long cell
    last_spanish = min(
        g.y0 for g in _glyphs(data) if g.page == 0 and g.x0 > 306 and g.y0 > segundo.y1
    )
    assert segundo.y1 < last_spanish


def test_a_row_taller_than_a_page_splits_and_loses_nothing() -> None:
    words = [f"palabra{n}" for n in range(900)]
    source = localize(_article("Short."), "en")
    target = localize(_article(" ".join(words), "Segundo"), "en")
    data = _bilingual(target, source)
    assert len(_reader(data).pages) >= 2
    text = " ".join(right for _, right in _columns(data))
    found = set(re.findall(r"palabra\d+", text))
    assert found == set(words)
    for g in _glyphs(data):
        assert g.y0 >= BODY_BOTTOM - 40  # nothing runs into the footer's space


# --- document ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_metadata_names_both_titles_and_the_target_language(locale: str) -> None:
    reader = _reader(_pdf(locale))
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == _doc(locale).language_tag
    meta = reader.metadata
    assert meta is not None and meta.title is not None
    assert unicodedata.normalize("NFC", plain_text(_doc(locale).article.title)) in meta.title
    assert plain_text(_doc("en").article.title) in meta.title


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_english_is_marked_as_english(locale: str) -> None:
    """In the structure tree each segment's two languages follow each other in
    reading order, the English elements with their own /Lang."""
    root: Any = _reader(_pdf(locale)).trailer["/Root"]
    langs: list[tuple[str, str | None]] = []

    def walk(elem: Any, lang: str | None) -> None:
        elem = elem.get_object()
        if isinstance(elem, dict) and "/S" in elem:
            lang = str(elem["/Lang"]) if "/Lang" in elem else lang
            langs.append((str(elem["/S"]), lang))
        kids = elem.get("/K") if isinstance(elem, dict) else None
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if not isinstance(kid, int):
                walk(kid, lang)

    walk(root["/StructTreeRoot"], None)
    headings = [lang for role, lang in langs if role == "/H2"]
    first, second = ("en", None) if locale != "ar" else (None, "en")
    assert headings[:4] == [first, second, first, second]
    assert {lang for _, lang in langs} == {None, "en"}


@pytest.mark.parametrize("locale", ["ar", "zh_Hans"])
def test_fonts_are_embedded_for_both_scripts(locale: str) -> None:
    fonts: dict[str, Any] = {}
    for page in _reader(_pdf(locale)).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    for name, font in fonts.items():
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{name} is not embedded"
    names = " ".join(fonts)
    assert "NotoSans-" in names or "+NotoSans" in names  # the English column
    assert ("Arabic" in names) if locale == "ar" else ("WenQuanYi" in names or "wqy" in names)


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_footer_and_draft_band_on_every_page(locale: str) -> None:
    doc = _doc(locale)
    reader = _reader(_pdf(locale))
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert _doc("en").labels.page_counter(number, pages) in text
        if doc.review.is_draft and locale == "es":
            assert normalize(doc.labels.draft_notice) in normalize(text)
            assert normalize(_doc("en").labels.draft_notice) in normalize(text)


@pytest.mark.parametrize("locale", ["es"])
def test_outline_follows_the_translation(locale: str) -> None:
    def flatten(items: list[Any]) -> list[Any]:
        return [x for i in items for x in (flatten(i) if isinstance(i, list) else [i])]

    titles = [item.title for item in flatten(_reader(_pdf(locale)).outline)]
    article = _doc(locale).article
    assert titles[0] == unicodedata.normalize("NFC", plain_text(article.title))
    assert len(titles) == 1 + len(article.sections)


def test_output_is_deterministic() -> None:
    assert _bilingual(_doc("es"), _doc("en")) == _pdf("es")


def test_deterministic_across_processes() -> None:
    code = (
        "import sys, hashlib; from tests.test_pdf_bilingual import _pdf;"
        "sys.stdout.write(hashlib.sha256(_pdf('ar')).hexdigest())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout == hashlib.sha256(_pdf("ar")).hexdigest()


@pytest.mark.parametrize("where", ["source", "target"])
def test_no_tofu_in_either_language(where: str) -> None:
    clean = localize(_article("Plain words."), "en")
    runic = localize(_article("The rune ᚠ here."), "en")
    doc, companion = (clean, runic) if where == "source" else (runic, clean)
    with pytest.raises(MissingGlyphError, match=r"U\+16A0.*intro/p1"):
        _bilingual(doc, companion)


def test_large_print_and_a4() -> None:
    data = _bilingual(_doc("es"), _doc("en"), paper="a4", large_print=True)
    reader = _reader(data)
    assert [round(v) for v in reader.pages[0].mediabox] == [0, 0, 595, 842]
    stream = reader.pages[1].get_contents()
    assert stream is not None
    sizes = [float(m) for m in re.findall(rb"([\d.]+) Tf", stream.get_data())]
    assert max(set(sizes), key=sizes.count) >= 16


def test_cli_writes_the_bilingual_file_name(tmp_path: Path) -> None:
    from kedu.cli import main

    code = main(
        [
            "export",
            str(EXAMPLE),
            "--lang",
            "es",
            "--bilingual",
            "--format",
            "pdf",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    out = tmp_path / "ketamine-therapy.en-es.pdf"
    assert out.is_file()
    assert out.read_bytes() == _pdf("es")


def test_image_spans_both_columns_with_paired_captions(tmp_path: Path) -> None:
    from tests.handouts import png

    (tmp_path / "photo.png").write_bytes(png(8, 6))

    def article(caption: str) -> LocalizedArticle:
        art = Article.model_validate(
            {
                "id": "demo",
                "title": "Demo",
                "sections": [
                    {
                        "type": "image",
                        "id": "photo",
                        "src": "photo.png",
                        "alt": "A photo",
                        "caption": caption,
                        "credit": "Jane Doe",
                    },
                ],
            }
        )
        return localize(art, "en").model_copy(update={"base_dir": tmp_path})

    data = _bilingual(article("Una habitación *tranquila*"), article("A *calm* room"))
    assert data.count(b"/Subtype /Image") == 1
    left, right = _columns(data)[0]
    assert "A calm room" in left and "Photo: Jane Doe" in left
    assert "Una habitación tranquila" in right and "Photo: Jane Doe" in right


def test_contact_details_are_never_broken_in_narrow_columns() -> None:
    from pdfminer.high_level import extract_text

    article = load_article(EXAMPLE)
    doc = localize(article, "ru", base_dir=EXAMPLE.parent)
    companion = localize(article, "en", base_dir=EXAMPLE.parent)
    data = get_exporter("pdf").export_bilingual(doc, companion, ExportOptions(large_print=True))
    text = extract_text(io.BytesIO(data))
    for value in ("555-0100", "care@example.org"):
        assert text.count(value) >= 2, value  # whole, in both columns
