"""Bilingual Word handouts: the source language beside the translation, row by row.

Each bilingual document is built once per session (:func:`bilingual`).  The
table has one row per segment pair, with two deliberate merges, as in the
monolingual handout: a list item's term and description share a row (one
paragraph), and so do a callout's heading and text (one box).  The contact
details (labels, not segments) add a row after the contact box text, and the
first row names the two languages.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell

from kedu.errors import ExportError
from kedu.exporters import ExportOptions, get_exporter
from kedu.exporters.docx.styles import S
from kedu.load import load_article
from kedu.localization import localize
from kedu.models.article import (
    Article,
    CalloutSection,
    CallToActionSection,
    FaqSection,
    ListSection,
    ProseSection,
)
from kedu.models.inline import plain_text
from kedu.models.localized import LocalizedArticle

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"

Bilingual = tuple[LocalizedArticle, LocalizedArticle, bytes, Document]


@pytest.fixture(scope="session")
def bilingual() -> Callable[[str], Bilingual]:
    """``bilingual(locale)``: (translation, source, bytes, document), built once."""
    article = load_article(EXAMPLE)
    source = localize(article, article.language, base_dir=EXAMPLE.parent)
    cache: dict[str, Bilingual] = {}

    def get(locale: str) -> Bilingual:
        if locale not in cache:
            doc = localize(article, locale, base_dir=EXAMPLE.parent, allow_partial=True)
            data = get_exporter("docx").export_bilingual(doc, source, ExportOptions())
            cache[locale] = (doc, source, data, docx.Document(io.BytesIO(data)))
        return cache[locale]

    return get


def the_table(document: Document) -> Table:
    (table,) = document.tables
    return table


def segment_rows(article: Article) -> list[list[str]]:
    """The segment paths printed in each body row (after the language row)."""
    merged: set[str] = set()
    for section in article.sections:
        if isinstance(section, ListSection):
            merged |= {f"{section.id}/{item.id}/description" for item in section.items}
        elif isinstance(section, CalloutSection) and section.heading is not None:
            merged.add(f"{section.id}/text")
        elif isinstance(section, CallToActionSection):
            merged.add(f"{section.id}/text")  # one framed box: heading, text, details
    rows: list[list[str]] = []
    for segment in article.segments():
        if segment.path in merged:
            rows[-1].append(segment.path)
        else:
            rows.append([segment.path])
    return rows


def texts(article: Article) -> dict[str, str]:
    return {s.path: plain_text(s.text) for s in article.segments()}


def cell_paragraphs(cell: _Cell) -> list[Any]:
    return list(cell._tc.iter(qn("w:p")))


def cell_runs(cell: _Cell) -> list[Any]:
    return [r for r in cell._tc.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t")))]


def has_arabic(text: str) -> bool:
    return any(unicodedata.bidirectional(c) == "AL" for c in text)


# -- structure -------------------------------------------------------------


def test_docx_supports_bilingual() -> None:
    assert get_exporter("docx").supports_bilingual


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_one_row_per_segment_pair(bilingual: Callable[[str], Bilingual], locale: str) -> None:
    doc, source, _, document = bilingual(locale)
    rows = the_table(document).rows
    expected = segment_rows(source.article)
    assert [p for row in expected for p in row] == [s.path for s in doc.article.segments()]
    assert len(rows) == 1 + len(expected)
    # 58 segments - 14 list descriptions - 1 callout text - 1 contact text, + the language row
    assert len(rows) == 43
    left_texts, right_texts = texts(source.article), texts(doc.article)
    for row, paths in zip(rows[1:], expected, strict=True):
        left, right = row.cells
        for path in paths:
            assert left_texts[path] in left.text, path
            assert right_texts[path] in right.text, path


def test_language_row_repeats_and_names_both_languages(
    bilingual: Callable[[str], Bilingual],
) -> None:
    for locale, name in (("es", "Español"), ("ar", "العربية")):
        _, _, _, document = bilingual(locale)
        table = the_table(document)
        first = table.rows[0]
        assert [c.text for c in first.cells] == ["English", name]
        assert first._tr.xpath("./w:trPr/w:tblHeader")
        assert not any(r._tr.xpath("./w:trPr/w:tblHeader") for r in table.rows[1:])
        styles = {p.style.name for c in first.cells for p in c.paragraphs if p.style}
        assert styles == {S.LANGUAGE}
        # The title block: organization above the table, then the language row.
        assert document.paragraphs[0].text == "Example Health Clinic"


def test_rows_cannot_split(bilingual: Callable[[str], Bilingual]) -> None:
    for row in the_table(bilingual("es")[3]).rows:
        assert row._tr.xpath("./w:trPr/w:cantSplit"), row.cells[0].text


def test_table_has_no_borders(bilingual: Callable[[str], Bilingual]) -> None:
    table = the_table(bilingual("ar")[3])
    tbl = table._tbl
    assert not tbl.xpath("./w:tblPr/w:tblStyle")
    edges = tbl.xpath("./w:tblPr/w:tblBorders/*")
    assert {e.tag.split("}")[1] for e in edges} == {
        "top", "left", "bottom", "right", "insideH", "insideV"
    }  # fmt: skip
    assert {e.get(qn("w:val")) for e in edges} == {"nil"}
    assert not tbl.xpath(".//w:tcBorders")
    assert tbl.xpath("./w:tblPr/w:tblLayout/@w:type") == ["fixed"]


def test_real_styles_in_both_columns(bilingual: Callable[[str], Bilingual]) -> None:
    doc, source, _, document = bilingual("es")
    rows = the_table(document).rows

    def headings(column: int) -> list[str]:
        return [
            p.text
            for row in rows
            for p in row.cells[column].paragraphs
            if p.style is not None and p.style.name == S.HEADING_1
        ]

    for column, article in ((0, source), (1, doc)):
        expected = [
            plain_text(s.heading)
            for s in article.article.sections
            if isinstance(s, ProseSection | ListSection | FaqSection | CallToActionSection)
        ]
        # Exactly the sections: the disclaimer's "Important" is not a heading.
        assert headings(column) == expected
    styles = {p.style.name for row in rows for c in row.cells for p in c.paragraphs if p.style}
    assert {S.TITLE, S.SUBTITLE, S.SUMMARY, S.LIST, S.QUESTION, S.CONTACT_BOX} <= styles
    assert {S.DISCLAIMER, S.DISCLAIMER_HEADING, "kedu Warning", "kedu Warning Heading"} <= styles


def test_only_heading_rows_keep_with_next(bilingual: Callable[[str], Bilingual]) -> None:
    """The callout heading's style keeps with next; inside the table that would
    glue the whole box to the rows after it, so its row switches it off."""
    _, _, _, document = bilingual("es")
    rows = the_table(document).rows
    callout = next(
        r for r in rows if "kedu Warning" in {p.style.name for p in r.cells[1].paragraphs}
    )
    for cell in callout.cells:
        heading = cell.paragraphs[0]
        assert heading._p.xpath("./w:pPr/w:keepNext/@w:val") == ["0"]
    heading_row = next(r for r in rows if r.cells[1].paragraphs[0].style.name == S.HEADING_1)
    assert not heading_row.cells[1].paragraphs[0]._p.xpath("./w:pPr/w:keepNext")


# -- language and direction --------------------------------------------------


def test_arabic_cells_are_right_to_left(bilingual: Callable[[str], Bilingual]) -> None:
    _, _, _, document = bilingual("ar")
    table = the_table(document)
    assert not table._tbl.xpath("./w:tblPr/w:bidiVisual")
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is None
    arabic_runs = 0
    for row in table.rows:
        english, arabic = row.cells
        for p in cell_paragraphs(english):
            assert p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is None
        for r in cell_runs(english):
            assert r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is None
            lang = r.find(f"{qn('w:rPr')}/{qn('w:lang')}")
            assert lang is not None and dict(lang.attrib) == {qn("w:val"): "en-US"}
        for p in cell_paragraphs(arabic):
            assert p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
        for r in cell_runs(arabic):
            lang = r.find(f"{qn('w:rPr')}/{qn('w:lang')}")
            assert lang is not None and lang.get(qn("w:bidi")) == "ar-SA"
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if has_arabic(text):
                arabic_runs += 1
                assert r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None, text
    assert arabic_runs > 50


def test_spanish_cells_are_tagged_spanish(bilingual: Callable[[str], Bilingual]) -> None:
    _, _, _, document = bilingual("es")
    for row in the_table(document).rows:
        for cell, tag in zip(row.cells, ("en-US", "es-ES"), strict=True):
            for r in cell_runs(cell):
                assert r.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == tag
    defaults = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang")
    assert [e.get(qn("w:val")) for e in defaults] == ["en-US"]
    assert document.core_properties.language == "es"


def test_chinese_bilingual_defaults_name_the_east_asian_font(
    bilingual: Callable[[str], Bilingual],
) -> None:
    _, _, _, document = bilingual("zh_Hans")
    rpr = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr")[0]
    assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


# -- page furniture ----------------------------------------------------------


def test_draft_notices_on_every_page(bilingual: Callable[[str], Bilingual]) -> None:
    doc, source, _, document = bilingual("ar")
    assert doc.review.is_draft
    section = document.sections[0]
    for header in (section.header, section.first_page_header):
        texts = [p.text for p in header.paragraphs]
        assert doc.labels.draft_notice in texts
        assert source.labels.draft_notice in texts
    assert section.header.paragraphs[0].text == "Example Health Clinic"


def test_footer_is_in_both_languages(bilingual: Callable[[str], Bilingual]) -> None:
    for locale in ("es", "ar"):
        doc, source, _, document = bilingual(locale)
        section = document.sections[0]
        for footer in (section.footer, section.first_page_footer):
            instructions = [t.text.strip() for t in footer._element.iter(qn("w:instrText"))]
            assert instructions == ["PAGE", "NUMPAGES"] * 2
            lines = [p.text for p in footer.paragraphs]
            # One line per language, in reading order (Arabic first).
            order = (doc, source) if locale == "ar" else (source, doc)
            for line, article in zip(lines, order, strict=True):
                assert article.labels.last_reviewed and article.labels.last_reviewed in line
                assert article.labels.page_of.format(page=1, pages=1) in line


# -- files -------------------------------------------------------------------


def test_bilingual_export_is_byte_identical(bilingual: Callable[[str], Bilingual]) -> None:
    doc, source, data, _ = bilingual("ar")
    assert get_exporter("docx").export_bilingual(doc, source, ExportOptions()) == data


def test_cli_names_the_bilingual_file(tmp_path: Path) -> None:
    from kedu.cli import main

    out = tmp_path / "out"
    args = ["export", str(EXAMPLE), "--lang", "es", "--bilingual", "--format", "docx"]
    assert main([*args, "--out", str(out)]) == 0
    files = [p.name for p in out.iterdir()]
    assert files == ["ketamine-therapy.en-es.docx"]
    document = docx.Document(str(out / files[0]))
    assert [c.text for c in the_table(document).rows[0].cells] == ["English", "Español"]


def test_companion_of_another_article_is_refused(tmp_path: Path) -> None:
    article = load_article(EXAMPLE)
    doc = localize(article, "es", base_dir=EXAMPLE.parent, allow_partial=True)
    other = Article.model_validate(
        {
            "id": "other",
            "title": "Other",
            "sections": [{"type": "prose", "id": "a", "heading": "A", "paragraphs": ["B."]}],
        }
    )
    companion = localize(other, "en", base_dir=tmp_path)
    with pytest.raises(ExportError, match="other"):
        get_exporter("docx").export_bilingual(doc, companion, ExportOptions())


def test_picture_spans_both_columns(tmp_path: Path) -> None:
    from tests.handouts import png

    (tmp_path / "pic.png").write_bytes(png(40, 20))
    article = Article.model_validate(
        {
            "id": "demo",
            "title": "Demo",
            "sections": [
                {
                    "type": "image",
                    "id": "pic",
                    "src": "pic.png",
                    "alt": "A nurse",
                    "caption": "The room",
                    "credit": "Jane Roe",
                }
            ],
        }
    )
    doc = localize(article, "en", base_dir=tmp_path)
    data = get_exporter("docx").export_bilingual(doc, doc, ExportOptions())
    rows = the_table(docx.Document(io.BytesIO(data))).rows
    picture_row = rows[2]._tr  # language row, title, picture, caption, disclaimer
    (tc,) = picture_row.tc_lst
    assert tc.xpath("./w:tcPr/w:gridSpan/@w:val") == ["2"]
    assert tc.xpath(".//wp:docPr/@descr") == ["A nurse"]
    assert [c.text for c in rows[3].cells] == ["The room\nPhoto: Jane Roe"] * 2
    assert len(rows) == 5


def test_large_print_lets_long_pairs_break_but_keeps_short_ones_whole() -> None:
    article = load_article(EXAMPLE)
    source = localize(article, "en", base_dir=EXAMPLE.parent)
    doc = localize(article, "ru", base_dir=EXAMPLE.parent)
    data = get_exporter("docx").export_bilingual(doc, source, ExportOptions(large_print=True))
    rows = the_table(docx.Document(io.BytesIO(data))).rows
    splittable = [r for r in rows if not r._tr.xpath("./w:trPr/w:cantSplit")]
    assert splittable, "no long row may break, so a tall pair leaves pages empty"
    for row in splittable:
        assert max(len(cell.text) for cell in row.cells) > 280
    for row in rows:
        if max(len(cell.text) for cell in row.cells) < 200:
            assert row._tr.xpath("./w:trPr/w:cantSplit"), row.cells[0].text
    title_row = rows[1]  # after the language row: it must not drag the summary along
    for paragraph in title_row._tr.xpath(".//w:p"):
        assert paragraph.xpath("./w:pPr/w:keepNext[@w:val='0']")
