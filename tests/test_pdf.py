"""The PDF handout: text of every locale, fonts, metadata, layout, safety.

Each handout is built once per session (``_pdf``); the tests only read it.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pdfminer.high_level import extract_text

from kedu.errors import ExportError, MissingGlyphError
from kedu.exporters import ExportOptions, get_exporter
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import Article, LocalizedArticle
from kedu.models.inline import plain_text
from tests.handouts import png
from tests.pdftext import normalize, segments

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
LTR_LOCALES = ["en", "es", "ht", "vi", "ru", "zh_Hans"]
ALL_LOCALES = [*LTR_LOCALES, "ar"]


@cache
def _doc(locale: str) -> LocalizedArticle:
    article = load_article(EXAMPLE)
    return localize(article, locale, base_dir=EXAMPLE.parent)


@cache
def _pdf(locale: str, paper: str = "letter", large: bool = False) -> bytes:
    options = ExportOptions(paper=paper, large_print=large)  # type: ignore[arg-type]
    return get_exporter("pdf").export(_doc(locale), options)


@cache
def _text(locale: str) -> str:
    """The body text: page furniture (footer, draft band) is taken out, so a
    paragraph that continues on the next page reads as one."""
    doc = _doc(locale)
    labels = doc.labels
    pages = len(_reader(_pdf(locale)).pages)
    furniture = [labels.page_counter(n, pages) for n in range(1, pages + 1)]
    furniture += [labels.last_reviewed or "", labels.draft_notice]
    furniture.append(doc.article.organization.name or "")
    # pdfminer puts a space before a mark the font positions separately (ị =
    # i + ̣): compose the marks first, so the draft notice is found on every page.
    text = extract_text(io.BytesIO(_pdf(locale)))
    text = unicodedata.normalize("NFC", re.sub(r"\s+(?=[\u0300-\u036f])", "", text))
    for item in sorted(filter(None, furniture), key=len, reverse=True):
        text = text.replace(unicodedata.normalize("NFC", item), " ")
    return text


def _reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _font_names(data: bytes) -> set[str]:
    names = set()
    for page in _reader(data).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _export(article: Article, **options: Any) -> bytes:
    doc = localize(article, "en")
    return get_exporter("pdf").export(doc, ExportOptions(**options))


@pytest.mark.parametrize("locale", LTR_LOCALES)
def test_every_segment_is_printed(locale: str) -> None:
    cjk = locale.startswith("zh")
    text = normalize(_text(locale), cjk=cjk)
    missing = [
        path for path, segment in segments(_doc(locale)) if normalize(segment, cjk=cjk) not in text
    ]
    assert not missing


def _extracted(data: bytes) -> str:
    """The text pypdf reads from the page (see also tests/test_pdf_textlayer.py)."""
    return "\n".join(page.extract_text() for page in _reader(data).pages)


@pytest.mark.parametrize("locale", ["ar"])
def test_arabic_words_are_printed_in_logical_order(locale: str) -> None:
    logical = normalize(_extracted(_pdf(locale)))
    for path, segment in segments(_doc(locale)):
        words = normalize(segment).split(" ")
        missing = [w for w in words if w not in logical]
        assert not missing, f"{path}: {missing}"
    # Whole sentences survive line breaks in reading order.
    summary = plain_text(_doc(locale).article.summary or "")
    first_words = " ".join(normalize(summary).split(" ")[:6])
    assert first_words in logical


@pytest.mark.parametrize("locale", ["ar"])
def test_arabic_page_has_right_aligned_text(locale: str) -> None:
    """Arabic lines end at the right margin (checked from glyph positions)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine

    page = next(extract_pages(io.BytesIO(_pdf(locale)), maxpages=1))
    rows: dict[int, list[float]] = {}
    for box in page:
        if not isinstance(box, LTTextContainer):
            continue
        for line in box:
            for char in line if isinstance(line, LTTextLine) else ():
                # Marks (zero width) sit above or below their line and can fall
                # into the next row of the grid: letters only.
                if isinstance(char, LTChar) and char.fontname.split("+")[-1].startswith(
                    "NotoSansArabic"
                ) and char.x1 - char.x0 > 1:
                    rows.setdefault(int(char.y0 // 12), []).extend((char.x0, char.x1))
    body = {y: xs for y, xs in rows.items() if 80 < y * 12 < page.height - 60}  # no furniture
    right_margin = page.width - 0.8 * 72
    flush_right = [y for y, xs in body.items() if max(xs) > right_margin - 30]
    assert len(flush_right) >= 0.75 * len(body)
    lefts = [min(xs) for xs in body.values()]
    assert max(lefts) - min(lefts) > 100  # ragged on the left


@pytest.mark.parametrize("locale", ALL_LOCALES)
def test_fonts_are_embedded_with_a_real_bold(locale: str) -> None:
    fonts: dict[str, Any] = {}
    for page in _reader(_pdf(locale)).pages:
        resources = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
    assert any("Bold" in name for name in fonts)


def test_metadata_and_language() -> None:
    reader = _reader(_pdf("en"))
    meta = reader.metadata
    assert meta is not None
    article = _doc("en").article
    assert meta.title == "Will Ketamine Therapy Make Me Feel High?"
    assert meta.author == "Example Health Clinic"
    assert meta.subject == plain_text(article.summary or "")
    assert "ketamine therapy" in str(meta.get("/Keywords"))
    assert meta.creator == "kedu 0.1.0"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert str(meta.get("/CreationDate")).startswith("D:20261101")


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_document_language_follows_the_locale(locale: str) -> None:
    assert _reader(_pdf(locale)).trailer["/Root"]["/Lang"] == _doc(locale).language_tag


def _flatten(outline: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in outline:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def test_outline_has_one_entry_per_section() -> None:
    reader = _reader(_pdf("en"))
    titles = [item.title for item in _flatten(reader.outline)]
    article = _doc("en").article
    assert titles[0] == article.title
    assert len(titles) == 1 + len(article.sections)
    assert "Frequently asked questions" in titles


def test_links_are_clickable() -> None:
    uris = set()
    for page in _reader(_pdf("en")).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                uris.add(str(action["/URI"]))
    assert {
        "tel:+15550100",  # the contact box and the inline link: one E.164 number
        "https://example.org/",
        "mailto:care@example.org",
    } <= uris


def test_english_fits_letter_pages_and_paper_sizes() -> None:
    letter = _reader(_pdf("en"))
    assert 2 <= len(letter.pages) <= 4
    assert [round(v) for v in letter.pages[0].mediabox] == [0, 0, 612, 792]
    a4 = _reader(_pdf("en", "a4"))
    assert [round(v) for v in a4.pages[0].mediabox] == [0, 0, 595, 842]


def test_large_print_has_more_pages_and_large_type() -> None:
    normal = _reader(_pdf("en"))
    large_bytes = _pdf("en", "letter", True)
    large = _reader(large_bytes)
    assert len(large.pages) > len(normal.pages)
    sizes = [
        float(m) for m in re.findall(rb"([\d.]+) Tf", large.pages[1].get_contents().get_data())
    ]
    assert max(set(sizes), key=sizes.count) >= 16  # the body size
    assert any("AtkinsonHyperlegible" in name for name in _font_names(large_bytes))


@pytest.mark.parametrize("locale", ["ru", "vi"])
def test_large_print_falls_back_to_noto_where_atkinson_lacks_letters(locale: str) -> None:
    data = _pdf(locale, "letter", True)
    fonts = " ".join(_font_names(data))
    assert "NotoSans" in fonts and "Atkinson" not in fonts


def test_output_is_deterministic() -> None:
    doc = _doc("en")
    first = get_exporter("pdf").export(doc, ExportOptions())
    second = get_exporter("pdf").export(doc, ExportOptions())
    assert first == second


def test_deterministic_across_processes() -> None:
    code = (
        "import sys, hashlib; from tests.test_pdf import _pdf;"
        "sys.stdout.write(hashlib.sha256(_pdf('ar')).hexdigest())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    import hashlib

    assert run.stdout == hashlib.sha256(_pdf("ar")).hexdigest()


def _article(**fields: Any) -> Article:
    data: dict[str, Any] = {
        "id": "demo",
        "title": "Demo",
        "organization": {"name": "Clinic"},
        "sections": [
            {"type": "prose", "id": "intro", "heading": "Intro", "paragraphs": ["Hello."]}
        ],
    }
    data.update(fields)
    return Article.model_validate(data)


def test_markup_in_text_prints_literally() -> None:
    nasty = 'Tags <img src="/etc/passwd"/> & <b>not bold</b> &amp; <font size=40>x</font>'
    article = _article(
        sections=[{"type": "prose", "id": "intro", "heading": "A & B <i>", "paragraphs": [nasty]}]
    )
    text = normalize(extract_text(io.BytesIO(_export(article))))
    assert normalize(nasty) in text
    assert "A & B <i>" in text


@pytest.mark.parametrize(
    ("text", "char"), [("The rune ᚠ here", "U+16A0 'ᚠ'"), ("Smile 😀", "U+1F600 '😀'")]
)
def test_missing_glyph_names_the_character_and_where(text: str, char: str) -> None:
    article = _article(
        sections=[
            {
                "type": "list",
                "id": "sensations",
                "heading": "Feelings",
                "items": [{"id": "euphoria", "term": text, "description": "Happy."}],
            }
        ]
    )
    with pytest.raises(MissingGlyphError) as info:
        _export(article)
    message = str(info.value)
    assert char in message
    assert "sensations/euphoria/term" in message
    assert "en" in message


def test_format_characters_need_no_glyph() -> None:
    article = _article(title="Soft\u00adhyphen and zero\u200bwidth\u200d marks")
    assert _export(article).startswith(b"%PDF")


def test_missing_image_names_the_file(tmp_path: Path) -> None:
    article = _article(
        sections=[{"type": "image", "id": "photo", "src": "nowhere.png", "alt": "A photo"}]
    )
    doc = localize(article, "en").model_copy(update={"base_dir": tmp_path})
    with pytest.raises(ExportError, match=r"nowhere\.png"):
        get_exporter("pdf").export(doc, ExportOptions())


def test_image_with_caption_and_credit(tmp_path: Path) -> None:
    image = png(8, 6)
    (tmp_path / "photo.png").write_bytes(image)
    article = _article(
        sections=[
            {
                "type": "image",
                "id": "photo",
                "src": "photo.png",
                "alt": "A photo",
                "caption": "A *calm* room",
                "credit": "Jane Doe",
            },
            {"type": "callout", "id": "tip", "kind": "tip", "text": "Drink water."},
        ]
    )
    doc = localize(article, "en").model_copy(update={"base_dir": tmp_path})
    data = get_exporter("pdf").export(doc, ExportOptions(paper="a4"))
    text = normalize(extract_text(io.BytesIO(data)))
    assert "A calm room" in text and "Photo: Jane Doe" in text and "Tip" in text
    assert b"/Subtype /Image" in data


def test_draft_notice_on_every_page() -> None:
    locale = "es"
    doc = _doc(locale)
    assert doc.review.is_draft  # the shipped example catalogs stay drafts
    reader = _reader(_pdf(locale))
    notice = normalize(doc.labels.draft_notice)
    for page in reader.pages:
        assert notice in normalize(page.extract_text())


def test_importing_kedu_does_not_import_reportlab() -> None:
    code = "import sys, kedu, kedu.exporters; print('reportlab' in sys.modules)"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "False"


def test_fonts_embed_only_used_glyphs_in_binary_streams() -> None:
    from reportlab import rl_config

    before = rl_config.useA85
    data = _pdf("en")
    assert rl_config.useA85 == before  # set for kedu's build only
    assert b"ASCII85Decode" not in data
    for page in _reader(data).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            # reportlab's default would reserve codes 32-127 (every ASCII glyph)
            assert font["/LastChar"] < 90, font["/BaseFont"]


def test_other_reportlab_users_of_the_same_font_files_are_independent() -> None:
    """reportlab shares one font object among all registrations of a face; kedu's
    own must neither follow nor change another user's settings of the same file."""
    code = """
import hashlib, io, sys
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from kedu.exporters.pdf.fonts import family
from tests.test_pdf import _pdf

def other():
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont("Other", 12)
    canvas.drawString(72, 72, "Hello")
    canvas.save()
    return out.getvalue()

pdfmetrics.registerFont(TTFont("Other", str(family("noto-sans").regular.path)))
first = other()
kedu = _pdf("en")
assert other() == first
assert pdfmetrics.getFont("Other")._asciiReadable
sys.stdout.write(hashlib.sha256(kedu).hexdigest())
"""
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    import hashlib

    assert run.stdout == hashlib.sha256(_pdf("en")).hexdigest()


@pytest.mark.parametrize(
    ("key", "sample", "rtl"),
    [
        ("noto-sans", "Type Away, WAVE: Your careful treatment", None),
        ("noto-sans", "Người bệnh ữ ệ ặ ỗ", None),
        ("wqy-microhei", "氯胺酮治疗会让我感到兴奋吗\uff1f\u201c不会\u201d", None),
        ("wqy-microhei", "".join(chr(0x4E00 + 3 * i) for i in range(300)), None),  # 2 subsets
        # Two subsets: 300 letters without a decomposition (none is drawn as a
        # base and a mark), then a letter with two accents.
        ("noto-sans", "".join([
            c for c in map(chr, range(0x100, 0x800))
            if unicodedata.category(c) == "Ll" and not unicodedata.decomposition(c)
        ][:300]) + " Tệ", None),
    ],
)
def test_text_operators_match_reportlab_shaped_text(key: str, sample: str, rtl: bool) -> None:
    """kedu writes the operators reportlab's textOut writes for a ShapedStr
    (kerning, mark offsets, subset changes), without building one.  (Runs
    placed glyph by glyph, right-to-left text and glyphs drawn as shapes, are
    checked by rendering in tests/test_pdf_textlayer.py.)"""
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
    from reportlab.pdfgen.canvas import Canvas

    from kedu.exporters.pdf import text as kt
    from kedu.exporters.pdf.fonts import family, register

    face = family(key).regular
    name = register(face)
    size = 11.5
    shaped = kt.shape(face, sample, rtl)
    buf = kt._hb_shape(face, sample, rtl)
    scale = 1000 / kt._upem(face)
    widths = kt._ttf(face).face.charWidths
    data = [
        ShapeData(
            info.cluster,
            pos.x_advance * scale,
            pos.y_advance * scale,
            pos.x_offset * scale,
            pos.y_offset * scale,
            widths.get(ord(ch), pos.x_advance * scale),
        )
        for info, pos, ch in zip(buf.glyph_infos, buf.glyph_positions, shaped.text, strict=True)
    ]
    # Twice on one canvas: the second time every glyph already has its code.
    reference, canvas = Canvas(io.BytesIO()), Canvas(io.BytesIO())
    for _ in range(2):
        obj = reference.beginText(0, 0)
        obj.setFont(name, size)
        obj.textOut(ShapedStr(shaped.text, shapeData=data))
        ours = " ".join(kt._show(canvas, face, size, shaped))
        assert f"BT 1 0 0 1 0 0 Tm {ours} ET" == obj.getCode()


def test_a_cut_short_cached_font_is_made_again(tmp_path: Path) -> None:
    from kedu.exporters.pdf.fonts import _whole, family

    source = family("noto-sans").regular.source
    whole = tmp_path / "whole.ttf"
    whole.write_bytes(source.read_bytes())
    assert _whole(whole)
    cut = tmp_path / "cut.ttf"
    cut.write_bytes(source.read_bytes()[:100_000])
    assert not _whole(cut)
    assert not cut.exists()  # removed, so the next use makes it again
