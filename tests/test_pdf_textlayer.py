"""The PDF text layer, read back with tools that are not kedu's own.

Every glyph must map (ToUnicode) to the characters it came from, so that
poppler's ``pdftotext``, MuPDF's ``mutool draw -F txt`` and pypdf extract the
handout's words in logical order with ordinary letters.  The expected words are
taken from the translators' catalogs, never from what kedu wrote.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest
from babel.messages.pofile import read_po

from kedu.exporters import ExportOptions, get_exporter
from kedu.exporters.pdf.fonts import family
from kedu.exporters.pdf.text import Style
from kedu.load import load_article
from kedu.localization import localize
from kedu.models import LocalizedArticle
from tests.conftest import minimal_article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
LOCALES = ROOT / "locales"

# A word: letters and digits with the combining marks between them (Arabic harakat).
_WORD = re.compile(r"[\w\u064b-\u065f\u0670]+")


@cache
def _doc(locale: str) -> LocalizedArticle:
    return localize(load_article(EXAMPLE), locale, base_dir=EXAMPLE.parent)


@cache
def _pdf(name: str) -> bytes:
    """The example handouts the acceptance names: ar, ar.large, en-ar, and others."""
    exporter = get_exporter("pdf")
    if name == "en-ar":
        return exporter.export_bilingual(_doc("ar"), _doc("en"), ExportOptions())
    locale, _, large = name.partition(".")
    return exporter.export(_doc(locale), ExportOptions(large_print=bool(large)))


def _pdftotext(data: bytes, tmp: Path) -> str:
    path = tmp / "handout.pdf"
    path.write_bytes(data)
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode("utf-8")


def _mutool(data: bytes, tmp: Path) -> str:
    path = tmp / "handout.pdf"
    path.write_bytes(data)
    run = subprocess.run(
        ["mutool", "draw", "-F", "txt", "-o", "-", str(path)], capture_output=True, check=True
    )
    return run.stdout.decode("utf-8")


def _pypdf(data: bytes, tmp: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _tool(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(shutil.which(name) is None, reason=f"{name} is not installed")


EXTRACTORS = [
    pytest.param(_pdftotext, id="pdftotext", marks=_tool("pdftotext")),
    pytest.param(_mutool, id="mutool", marks=_tool("mutool")),
    pytest.param(_pypdf, id="pypdf"),
]
Extractor = Callable[[bytes, Path], str]


@cache
def _catalog_messages(locale: str) -> list[list[str]]:
    """The words of every translated message of the example's catalog, markup
    (``**``, ``[text](link)``) taken out."""
    path = LOCALES / locale / "LC_MESSAGES" / "ketamine-therapy.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    messages = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        text = message.string if isinstance(message.string, str) else message.string[0]
        text = re.sub(r"\]\([^)]*\)", " ", text).replace("**", " ").replace("[", " ")
        messages.append(_WORD.findall(unicodedata.normalize("NFC", text)))
    return messages


def _coverage(text: str, messages: list[list[str]]) -> tuple[float, float, list[str]]:
    """Share of the catalog's words found as words of ``text``, share of its
    word pairs found next to each other (reading order), and the words missing."""
    found = _WORD.findall(unicodedata.normalize("NFC", text))
    words = set(found)
    joined = " " + " ".join(found) + " "
    all_words = [w for m in messages for w in m]
    missing = [w for w in all_words if w not in words]
    pairs = [pair for m in messages for pair in itertools.pairwise(m)]
    in_order = sum(f" {a} {b} " in joined for a, b in pairs)
    return 1 - len(missing) / len(all_words), in_order / len(pairs), missing


@pytest.mark.parametrize("extract", EXTRACTORS)
@pytest.mark.parametrize("name", ["ar", "ar.large", "en-ar"])
def test_arabic_words_extract_in_logical_order(name: str, extract: Extractor,
                                               tmp_path: Path) -> None:
    text = extract(_pdf(name), tmp_path)
    words, pairs, missing = _coverage(text, _catalog_messages("ar"))
    assert words >= 0.98, f"{words:.1%} of the catalog's words; missing e.g. {missing[:10]}"
    if name != "en-ar":  # side-by-side columns may interleave lines
        assert pairs >= 0.95, f"only {pairs:.1%} of word pairs in reading order"
    # Ordinary letters: no presentation forms, no private-use code points.
    odd = sorted({c for c in text if 0xFB50 <= ord(c) <= 0xFEFF or 0xE000 <= ord(c) <= 0xF8FF
                  or ord(c) >= 0xF0000 or c == "\ufffd"})
    assert not odd, [f"U+{ord(c):04X}" for c in odd]


@pytest.mark.parametrize("extract", EXTRACTORS)
@pytest.mark.parametrize("locale", ["vi", "ru"])
def test_other_scripts_extract_word_for_word(locale: str, extract: Extractor,
                                             tmp_path: Path) -> None:
    text = extract(_pdf(locale), tmp_path)
    words, pairs, missing = _coverage(text, _catalog_messages(locale))
    assert words >= 0.995, f"{words:.1%}; missing e.g. {missing[:10]}"
    assert pairs >= 0.99


@pytest.mark.parametrize("extract", EXTRACTORS)
def test_chinese_extracts_every_message(extract: Extractor, tmp_path: Path) -> None:
    text = re.sub(r"\s+", "", extract(_pdf("zh_Hans"), tmp_path))
    chunks = [w for m in _catalog_messages("zh_Hans") for w in m]
    found = sum(chunk in text for chunk in chunks) / len(chunks)
    assert found >= 0.95, f"{found:.1%}"


# --- bidi isolates -------------------------------------------------------------------------


def _export(data: dict[str, object], locale: str = "en") -> bytes:
    from kedu.models import Article

    article = Article.model_validate(data)
    return get_exporter("pdf").export(localize(article, locale), ExportOptions())


ISOLATED_TITLE = "Call \u2067\u0627\u0644\u0639\u064a\u0627\u062f\u0629\u2069 today"
ISOLATED_PARAGRAPH = (
    "The clinic \u2068\u0639\u064a\u0627\u062f\u0629 \u0627\u0644\u0634\u0641\u0627\u0621\u2069"
    " and \u2066ACME 42\u2069 and \u2067\u0645\u0631\u062d\u0628\u0627 \u2066Bob\u2069"
    " \u0634\u0643\u0631\u0627\u2069 end."
)


def test_bidi_isolates_in_title_and_paragraph_export(tmp_path: Path) -> None:
    data = minimal_article(title=ISOLATED_TITLE)
    data["sections"] = [
        {"type": "prose", "id": "intro", "heading": "Intro", "paragraphs": [ISOLATED_PARAGRAPH]}
    ]
    pdf = _export(data)
    text = _pypdf(pdf, tmp_path)
    for word in ["Call", "العيادة", "today", "عيادة", "الشفاء", "ACME", "42", "مرحبا", "Bob",
                 "شكرا"]:
        assert word in _WORD.findall(text), word
    # The isolate controls print nothing and are not in the text layer.
    assert not set("\u2066\u2067\u2068\u2069") & set(text)
    if shutil.which("pdftotext"):
        poppler = _pdftotext(pdf, tmp_path)
        assert "Call" in poppler and "العيادة" in _WORD.findall(poppler)


# --- the reportlab adapter's contract --------------------------------------------------------

CONTRACT_SAMPLES = [
    ("noto-sans", "Type Away, WAVE: Your careful treatment", "ltr"),
    ("noto-sans", "Người bệnh ị ữ ệ ặ ỗ", "ltr"),  # letters drawn as a base and marks
    ("noto-sans", "Шкала боли: от 0 до 10", "ltr"),
    ("noto-sans-arabic", "هل سيجعلني العلاج بالكيتامين أشعر بالنشوة؟", "rtl"),
    ("noto-sans-arabic", "أيضًا مدرَّب تقريبًا", "rtl"),  # harakat
    ("wqy-microhei", "氯胺酮治疗会让我感到兴奋吗？“不会”", "ltr"),  # noqa: RUF001
]


def _render(draw: Callable[[object], None], tmp: Path, name: str) -> tuple[bytes, object]:
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(420, 40), pageCompression=0)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    pdf = buf.getvalue()
    (tmp / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-singlefile", str(tmp / f"{name}.pdf"),
         str(tmp / name)], check=True,
    )
    return pdf, Image.open(tmp / f"{name}.pgm")


@_tool("pdftoppm")
@pytest.mark.parametrize(("key", "sample", "direction"), CONTRACT_SAMPLES)
def test_fast_path_draws_what_reportlab_draws(key: str, sample: str, direction: str,
                                              tmp_path: Path) -> None:
    """The adapter's contract: kedu's fast path (rl_adapter + text.draw_line) puts
    the same ink on the page as reportlab's public text object showing the same
    shaped glyphs (``textOut`` of a ``ShapedStr``, in a font object of its own),
    and its text layer reads back as the sample in every extractor."""
    from PIL import ImageChops, ImageFilter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont

    from kedu.exporters.pdf import text as kt

    face = family(key).regular
    reference_font = f"contract-{face.name}"
    if reference_font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(reference_font, str(face.path), subfontIndex=face.subfont))
    ref = pdfmetrics.getFont(reference_font)
    pieces = [(Style(face, 14.0, "#000000"), sample)]
    runs = kt.layout_line(pieces, direction)  # type: ignore[arg-type]
    assert len(runs) == 1

    def reference(canvas: Any) -> None:
        buf = kt._hb_shape(face, sample, direction == "rtl")
        scale = 1000 / kt._upem(face)
        hb_font = ref.hbFont(14.0)
        chars, data = "", []
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
            gid = info.codepoint
            known = ref.face.glyphToChar.get(gid)
            code = known[0] if known else ref.hbAddPrivate(
                hb_font.glyph_to_string(gid), gid, pos.x_advance * scale
            )
            chars += chr(code)
            data.append(ShapeData(info.cluster, pos.x_advance * scale, pos.y_advance * scale,
                                  pos.x_offset * scale, pos.y_offset * scale,
                                  ref.face.charWidths.get(code, pos.x_advance * scale)))
        obj = canvas.beginText(10, 15)
        obj.setFont(reference_font, 14.0)
        obj.textOut(ShapedStr(chars, shapeData=data))
        canvas.drawText(obj)

    def kedu(canvas: Any) -> None:
        kt.draw_line(canvas, runs, 10, 15)

    _, expected = _render(reference, tmp_path, "reportlab")
    pdf, got = _render(kedu, tmp_path, "kedu")
    # Ink where the other has none within 2 pixels (a third of a point): glyph
    # positions, not antialiasing (paths and hinted glyphs rasterize differently).
    def dark(image: Any) -> Any:
        return image.point(lambda p: 255 if p > 128 else 0)

    stray = [
        dark(ImageChops.subtract(one.filter(ImageFilter.MinFilter(5)), other)).histogram()[255]
        for one, other in ((got, expected), (expected, got))
    ]
    ink = dark(expected.point(lambda p: 255 - p)).histogram()[255]
    assert ink > 300
    assert max(stray) <= ink * 0.03, f"{stray} of {ink} ink pixels have no counterpart"
    words = _WORD.findall(unicodedata.normalize("NFC", sample))
    for extract in (_pypdf, *([_pdftotext] if shutil.which("pdftotext") else []),
                    *([_mutool] if shutil.which("mutool") else [])):
        assert _WORD.findall(unicodedata.normalize("NFC", extract(pdf, tmp_path))) == words, (
            extract.__name__
        )
