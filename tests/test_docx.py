"""The Word exporter, read back with python-docx and checked at the XML level.

Each locale is exported once per session (:func:`exports`), so the whole file
runs in a few seconds.  Checks that need a complete translation fail when a
shipped catalog is incomplete.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.text.paragraph import Paragraph

from kedu._version import __version__
from kedu.document import TERM_SEPARATOR
from kedu.errors import ExportError
from kedu.exporters import ExportOptions, get_exporter
from kedu.exporters.docx.language import word_language_id
from kedu.exporters.docx.styles import CALLOUT_STYLES, S
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
from tests.handouts import png

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ketamine-therapy" / "article.yaml"
LOCALES = ["en", "es", "ht", "vi", "ru", "ar", "zh_Hans"]
W_LANG = qn("w:lang")

Export = tuple[LocalizedArticle, bytes, Document]


@pytest.fixture(scope="session")
def article() -> Article:
    return load_article(EXAMPLE)


@pytest.fixture(scope="session")
def exports(article: Article) -> Callable[..., Export]:
    """Export on first use and cache: ``exports(locale, complete=True, **options)``.

    With ``complete`` the catalog must translate everything (else the test
    fails); without it missing messages fall back to English, which is
    enough for checks about structure, language tags and direction.
    """
    cache: dict[tuple[Any, ...], Export] = {}

    def get(locale: str, complete: bool = True, **options: Any) -> Export:
        key = (locale, complete, tuple(sorted(options.items())))
        if key not in cache:
            # The shipped catalogs are complete: a missing message fails the test.
            doc = localize(article, locale, base_dir=EXAMPLE.parent, allow_partial=not complete)
            data = get_exporter("docx").export(doc, ExportOptions(**options))
            cache[key] = (doc, data, docx.Document(io.BytesIO(data)))
        return cache[key]

    return get


def body_paragraphs(document: Document) -> list[Paragraph]:
    return list(document.paragraphs)


def texts_by_style(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def xml_of(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def runs_with_text(document: Document) -> Iterator[Any]:
    """Every ``w:r`` element with text in the body, hyperlinks included."""
    for r in document.element.body.iter(qn("w:r")):
        if "".join(t.text or "" for t in r.iter(qn("w:t"))):
            yield r


def run_text(r: Any) -> str:
    return "".join(t.text or "" for t in r.iter(qn("w:t")))


# -- structure -------------------------------------------------------------


def test_title_block_uses_title_and_subtitle(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("en")
    article = doc.article
    assert texts_by_style(document, S.TITLE) == [plain_text(article.title)]
    assert article.subtitle and texts_by_style(document, S.SUBTITLE) == [
        plain_text(article.subtitle)
    ]
    assert article.summary and texts_by_style(document, S.SUMMARY) == [plain_text(article.summary)]
    assert texts_by_style(document, S.ORGANIZATION) == [article.organization.name]


def test_each_section_kind_has_its_style(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("en")
    headings = texts_by_style(document, S.HEADING_1)
    expected_headings = []
    items = questions = 0
    for section in doc.article.sections:
        if isinstance(section, ProseSection | ListSection | FaqSection | CallToActionSection):
            expected_headings.append(plain_text(section.heading))
        if isinstance(section, ListSection):
            items += len(section.items)
        if isinstance(section, FaqSection):
            questions += len(section.entries)
            assert texts_by_style(document, S.QUESTION)[: len(section.entries)] == [
                plain_text(e.question) for e in section.entries
            ]
        if isinstance(section, CalloutSection):
            boxed = CALLOUT_STYLES[section.kind]
            assert section.heading
            heading = texts_by_style(document, boxed.heading_style)
            # The kind word, then the box's own heading: bold lines, not headings.
            assert heading == [doc.labels.warning, plain_text(section.heading)]
            assert texts_by_style(document, boxed.style) == [plain_text(section.text)]
    # The navigation pane lists exactly the sections ("Important" is not a heading).
    assert headings == expected_headings
    assert texts_by_style(document, S.DISCLAIMER_HEADING) == [doc.labels.disclaimer_heading]
    assert len(texts_by_style(document, S.LIST)) == items
    assert len(texts_by_style(document, S.QUESTION)) == questions
    assert texts_by_style(document, S.DISCLAIMER) == [plain_text(doc.disclaimer)]


def test_styles_are_real_word_styles(exports: Callable[..., Export]) -> None:
    _, _, document = exports("en")
    styles = document.styles
    question = styles[S.QUESTION]
    assert question.base_style is not None and question.base_style.name == S.BODY
    outline = "./w:pPr/w:outlineLvl/@w:val"
    for name in (S.QUESTION, S.DISCLAIMER_HEADING, S.CONTACT_BOX,
                 *(c.heading_style for c in CALLOUT_STYLES.values())):
        style = styles[name]
        while style is not None:  # no outline level, not even inherited
            assert not style.element.xpath(outline), name
            style = style.base_style
    for name in (S.HEADING_1, S.HEADING_2, S.QUESTION, S.TITLE):
        assert styles[name].paragraph_format.keep_with_next, name
    assert styles[S.HEADING_1].element.xpath("./w:pPr/w:outlineLvl/@w:val") == ["0"]
    assert styles[S.LIST].element.xpath("./w:pPr/w:numPr/w:numId")
    for callout in CALLOUT_STYLES.values():
        assert styles[callout.style].element.xpath("./w:pPr/w:pBdr/w:left")
        assert styles[callout.style].element.xpath("./w:pPr/w:shd/@w:fill") == [callout.fill]
    # No text boxes or tables carry body text.
    assert not document.tables
    assert not document.element.body.xpath(".//w:txbxContent")


def test_body_size_and_large_print(exports: Callable[..., Export]) -> None:
    regular = exports("en")[2].styles[S.BODY].font.size
    large = exports("en", large_print=True)[2].styles
    assert regular is not None and 11 <= regular.pt <= 12
    for name in (S.BODY, S.LIST, S.QUESTION, S.DISCLAIMER, S.SUMMARY):
        style = large[name]
        while style.font.size is None:
            style = style.base_style
        assert style.font.size.pt >= 16, name


def test_list_terms_are_bold(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("en")
    items = [i for s in doc.article.sections if isinstance(s, ListSection) for i in s.items]
    paragraphs = [p for p in document.paragraphs if p.style and p.style.name == S.LIST]
    term_style = document.styles[S.TERM]
    assert term_style.font.bold
    assert term_style.element.xpath("./w:rPr/w:bCs")
    for item, paragraph in zip(items, paragraphs, strict=True):
        term_runs = [r for r in paragraph.runs if r.style is not None and r.style.name == S.TERM]
        assert "".join(r.text for r in term_runs) == plain_text(item.term) + TERM_SEPARATOR
        term, description = plain_text(item.term), plain_text(item.description)
        assert paragraph.text == f"{term}{TERM_SEPARATOR}{description}"


def test_italic_and_bold_markup_become_run_formatting(exports: Callable[..., Export]) -> None:
    _, _, document = exports("en")
    bold = {r.text for p in document.paragraphs for r in p.runs if r.bold}
    italic = {r.text for p in document.paragraphs for r in p.runs if r.italic}
    assert "Trained medical staff watch over you" in bold
    assert "out-of-body" in italic


def test_links_are_real_hyperlinks(exports: Callable[..., Export]) -> None:
    _, _, document = exports("en")
    links = {link.text: link.address for p in document.paragraphs for link in p.hyperlinks}
    assert links == {
        "call us": "tel:+15550100",  # E.164, as every tel: link
        "555-0100": "tel:+15550100",
        "example.org": "https://example.org/",
        "care@example.org": "mailto:care@example.org",
    }


def test_contact_details_follow_show(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("en")
    labels = doc.labels
    box = texts_by_style(document, S.CONTACT_BOX)
    assert box[1:] == [
        f"{labels.call_us}\t555-0100",
        f"{labels.website}\texample.org",
        f"{labels.email}\tcare@example.org",
        f"{labels.address}\t100 Example Street, Springfield",
    ]
    # The box is one frame: the heading (in the outline) carries the same border
    # as the box's paragraphs, so Word and LibreOffice join them.
    heading = next(p for p in document.paragraphs if p.text == "Questions? We are here to help")
    assert heading.style is not None and heading.style.name == S.HEADING_1
    frame = document.styles[S.CONTACT_BOX].element.xpath("./w:pPr/w:pBdr")[0]
    own = heading._p.xpath("./w:pPr/w:pBdr")[0]
    def edges(pbdr: Any) -> list[tuple[str, dict[str, str]]]:
        return [(edge.tag, dict(edge.attrib)) for edge in pbdr]

    assert edges(own) == edges(frame) and len(edges(own)) == 4


def test_cjk_and_arabic_emphasis_is_never_slanted(exports: Callable[..., Export]) -> None:
    for locale in ("zh_Hans", "ar"):
        _, data, document = exports(locale, complete=False)
        runs = [r for p in document.paragraphs for r in p.runs]
        assert not [r.text for r in runs if r.italic], locale
        assert "<w:i/>" not in xml_of(data, "word/document.xml"), locale
    _, data, _ = exports("zh_Hans", complete=False)
    assert '<w:em w:val="dot"/>' in xml_of(data, "word/document.xml")


# -- every translated text is printed ----------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_segment_is_printed(exports: Callable[..., Export], locale: str) -> None:
    doc, _, document = exports(locale)
    printed = "\n".join(p.text for p in document.paragraphs)
    missing = [
        s.path
        for s in doc.article.segments()
        if not s.path.endswith("/alt") and plain_text(s.text) not in printed
    ]
    assert not missing


# -- language and direction --------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", {"val": "en-US"}),
        ("es", {"val": "es-ES"}),
        ("ru", {"val": "ru-RU"}),
        ("ar", {"val": "en-US", "bidi": "ar-SA"}),
        ("zh_Hans", {"val": "en-US", "eastAsia": "zh-CN"}),
    ],
)
def test_language_on_defaults_and_runs(
    exports: Callable[..., Export], locale: str, expected: dict[str, str]
) -> None:
    _, data, document = exports(locale, complete=False)
    want = {qn(f"w:{k}"): v for k, v in expected.items()}
    defaults = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang")
    assert [dict(e.attrib) for e in defaults] == [want]
    for r in runs_with_text(document):
        lang = r.find(f"{qn('w:rPr')}/{W_LANG}")
        assert lang is not None and dict(lang.attrib) == want, run_text(r)
    settings = xml_of(data, "word/settings.xml")
    assert f'w:themeFontLang w:val="{expected["val"]}"' in settings


def test_word_language_ids() -> None:
    assert word_language_id("zh_Hans") == "zh-CN"
    assert word_language_id("zh_Hant") == "zh-TW"
    assert word_language_id("es_MX") == "es-MX"
    assert word_language_id("ar") == "ar-SA"
    assert word_language_id("vi") == "vi-VN"


def test_arabic_paragraphs_and_runs_are_right_to_left(exports: Callable[..., Export]) -> None:
    _, data, document = exports("ar", complete=False)
    for paragraph in document.paragraphs:
        ppr = paragraph._p.pPr
        assert ppr is not None and ppr.find(qn("w:bidi")) is not None, paragraph.text
        # Alignment stays "start": jc left/right mean different sides in Word and LibreOffice.
        assert ppr.xpath("./w:jc[@w:val='left' or @w:val='right']") == []
    arabic_runs = [
        r
        for r in runs_with_text(document)
        if any(unicodedata.bidirectional(c) == "AL" for c in run_text(r))
    ]
    assert arabic_runs
    for r in arabic_runs:
        assert r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None, run_text(r)
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    for part in ("word/footer1.xml", "word/header1.xml"):
        assert "<w:bidi/>" in xml_of(data, part)
    rfonts = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:rFonts")[0]
    assert rfonts.get(qn("w:cs"))
    assert document.styles[S.HEADING_1].element.xpath("./w:rPr/w:bCs")
    assert document.styles[S.HEADING_1].element.xpath("./w:rPr/w:szCs")


def test_arabic_contact_values_keep_their_order(exports: Callable[..., Export]) -> None:
    _, _, document = exports("ar", complete=False)
    address = texts_by_style(document, S.CONTACT_BOX)[-1]
    assert address.endswith("\u200e100 Example Street, Springfield")


def test_chinese_runs_name_an_east_asian_font(exports: Callable[..., Export]) -> None:
    _, _, document = exports("zh_Hans", complete=False)
    chinese = [
        r for r in runs_with_text(document) if any("\u4e00" <= c <= "\u9fff" for c in run_text(r))
    ]
    assert chinese
    for r in chinese:
        fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"
    defaults = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:rFonts")[0]
    assert defaults.get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert not defaults.get(qn("w:eastAsiaTheme"))


# -- page furniture ----------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_footer_has_page_fields_and_review_date(
    exports: Callable[..., Export], locale: str
) -> None:
    doc, _data, document = exports(locale, complete=False)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    before, _, rest = doc.labels.page_of.partition("{page}")
    between, _, after = rest.partition("{pages}")
    for footer in (section.footer, section.first_page_footer):
        element = footer._element
        instructions = [t.text.strip() for t in element.iter(qn("w:instrText"))]
        assert instructions == ["PAGE", "NUMPAGES"]
        kinds = [f.get(qn("w:fldCharType")) for f in element.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"] * 2
        text = footer.paragraphs[0].text
        assert doc.labels.last_reviewed and doc.labels.last_reviewed in text
        assert f"{before}1{between}1{after}" in text


def test_header_names_the_organization(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("en")
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == [doc.article.organization.name]
    assert doc.labels.draft_notice not in "".join(
        p.text for p in section.first_page_header.paragraphs
    )


def test_draft_notice_on_every_page(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("zh_Hans", complete=False)
    assert doc.review.is_draft
    section = document.sections[0]
    for header in (section.header, section.first_page_header):
        assert doc.labels.draft_notice in [p.text for p in header.paragraphs]


@pytest.mark.parametrize(("paper", "width_mm"), [("letter", 215.9), ("a4", 210.0)])
def test_paper(exports: Callable[..., Export], paper: str, width_mm: float) -> None:
    section = exports("en", paper=paper)[2].sections[0]
    assert section.page_width is not None and section.left_margin is not None
    assert section.page_width.mm == pytest.approx(width_mm, abs=0.2)
    assert 19 <= section.left_margin.mm <= 26


# -- metadata and reproducibility --------------------------------------------


def test_core_properties(exports: Callable[..., Export]) -> None:
    doc, _, document = exports("en")
    props = document.core_properties
    assert props.title == plain_text(doc.article.title)
    assert props.author == props.last_modified_by == "Example Health Clinic"
    assert doc.article.summary
    assert plain_text(doc.article.summary).startswith(props.subject.rstrip("…"))
    assert len(props.subject) <= 255
    assert props.keywords.startswith("ketamine therapy, ketamine infusion")
    assert props.language == "en"
    assert props.created == props.modified == datetime(2026, 11, 1, tzinfo=UTC)
    assert props.revision == 1
    assert "python-docx" not in props.comments


def test_app_properties_name_kedu(exports: Callable[..., Export]) -> None:
    _, data, _ = exports("en")
    app = xml_of(data, "docProps/app.xml")
    assert f"<Application>kedu {__version__}</Application>" in app
    assert "<Company>Example Health Clinic</Company>" in app
    for leftover in ("Microsoft", "Normal.dotm", "<Pages>", "<Words>", "AppVersion"):
        assert leftover not in app


def test_font_table_describes_microsoft_yahei(exports: Callable[..., Export]) -> None:
    def fonts(data: bytes) -> dict[str, dict[str, str | None]]:
        root = parse_xml(xml_of(data, "word/fontTable.xml").encode())
        table: dict[str, dict[str, str | None]] = {}
        for font in root.iter(qn("w:font")):
            table[font.get(qn("w:name"))] = {
                child.tag.split("}")[1]: child.get(qn("w:val")) for child in font
            }
        return table

    yahei = fonts(exports("zh_Hans", complete=False)[1])["Microsoft YaHei"]
    assert yahei["altName"] == "微软雅黑"
    assert yahei["charset"] == "86"
    assert yahei["panose1"] == "020B0503020204020204"
    assert yahei["family"] == "swiss"
    assert "Microsoft YaHei" not in fonts(exports("en")[1])


def test_disclaimer_stays_with_its_heading(exports: Callable[..., Export]) -> None:
    styles = exports("en")[2].styles
    assert styles[S.HEADING_1].paragraph_format.keep_with_next
    assert styles[S.DISCLAIMER].paragraph_format.keep_together


def test_export_is_byte_identical(exports: Callable[..., Export]) -> None:
    doc, data, _ = exports("ar", complete=False)
    assert get_exporter("docx").export(doc, ExportOptions()) == data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2026, 11, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in {i.filename for i in infos}


# -- hostile and unusual input -----------------------------------------------


def _source_doc(tmp_path: Path, **overrides: Any) -> LocalizedArticle:
    data: dict[str, Any] = {
        "id": "demo",
        "title": "Fish <b>& chips</b> &amp; more",
        "sections": [
            {
                "type": "prose",
                "id": "intro",
                "heading": "<w:t>Intro</w:t>",
                "paragraphs": ["A \\]\\]> &lt; tricky \\*paragraph\\* with **bold <i>**."],
            }
        ],
    }
    data.update(overrides)
    return localize(Article.model_validate(data), "en", base_dir=tmp_path)


def test_markup_injection_stays_literal(tmp_path: Path) -> None:
    doc = _source_doc(tmp_path)
    data = get_exporter("docx").export(doc, ExportOptions())
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert "Fish <b>& chips</b> &amp; more" in texts
    assert "<w:t>Intro</w:t>" in texts
    assert "A ]]> &lt; tricky *paragraph* with bold <i>." in texts
    assert document.core_properties.title == "Fish <b>& chips</b> &amp; more"
    # Without an organization or review date: title as running head, fixed date.
    assert document.sections[0].header.paragraphs[0].text == "Fish <b>& chips</b> &amp; more"
    assert document.core_properties.created == datetime(2000, 1, 1, tzinfo=UTC)


def test_image_with_alt_text_caption_and_credit(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(png(40, 20))
    image = {
        "type": "image",
        "id": "pic",
        "src": "pic.png",
        "alt": "A nurse <checks> a drip",
        "caption": "The *infusion* room",
        "credit": "Jane Roe",
    }
    doc = _source_doc(tmp_path, sections=[image])
    data = get_exporter("docx").export(doc, ExportOptions())
    document = docx.Document(io.BytesIO(data))
    (shape,) = document.inline_shapes
    assert shape._inline.docPr.get("descr") == "A nurse <checks> a drip"
    assert texts_by_style(document, S.CAPTION) == ["The infusion room"]
    assert texts_by_style(document, S.CREDIT) == ["Photo: Jane Roe"]
    assert get_exporter("docx").export(doc, ExportOptions()) == data


def test_missing_image_names_the_file(tmp_path: Path) -> None:
    image = {"type": "image", "id": "pic", "src": "gone.png", "alt": "Nothing"}
    doc = _source_doc(tmp_path, sections=[image])
    with pytest.raises(ExportError, match=r"gone\.png"):
        get_exporter("docx").export(doc, ExportOptions())


def test_logo_in_every_header(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(png(60, 20))
    doc = _source_doc(tmp_path, organization={"name": "Clinic"})
    data = get_exporter("docx").export(doc, ExportOptions(logo=tmp_path / "logo.png"))
    section = docx.Document(io.BytesIO(data)).sections[0]
    for header in (section.header, section.first_page_header):
        (descr,) = header._element.xpath(".//wp:docPr/@descr")
        assert descr == "Clinic"
    with pytest.raises(ExportError, match=r"nologo\.png"):
        get_exporter("docx").export(doc, ExportOptions(logo=tmp_path / "nologo.png"))


def test_importing_kedu_does_not_import_python_docx() -> None:
    code = (
        "import sys, kedu, kedu.exporters, kedu.models; "
        "assert not any(m == 'docx' or m.startswith('docx.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- optional: render with LibreOffice ---------------------------------------


@pytest.fixture(scope="session")
def rendered(
    exports: Callable[..., Export], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every complete locale converted to PDF by one LibreOffice run (startup dominates)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("soffice")
    sources = []
    for locale in LOCALES:
        try:
            data = exports(locale)[1]
        except pytest.skip.Exception:
            continue
        sources.append(folder / f"{locale}.docx")
        sources[-1].write_bytes(data)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return {path.stem: path.with_suffix(".pdf") for path in sources}


@pytest.mark.parametrize("locale", LOCALES)
def test_libreoffice_renders_the_text(
    exports: Callable[..., Export], rendered: dict[str, Path], locale: str
) -> None:
    pypdf = pytest.importorskip("pypdf")
    doc = exports(locale)[0]
    reader = pypdf.PdfReader(rendered[locale])
    if shutil.which("pdftotext"):
        # poppler orders text by its place on the page; pypdf follows the content
        # stream, where LibreOffice writes a Chinese title's quotation marks
        # (set in the Latin fallback font) before the characters around them.
        raw = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(rendered[locale]), "-"],
            check=True, capture_output=True, text=True, timeout=60,
        ).stdout
    else:
        raw = "".join(page.extract_text() for page in reader.pages)

    def squash(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    printed = squash(raw)
    counter = doc.labels.page_of.replace("{page}", "1").replace("{pages}", str(len(reader.pages)))
    assert "Example Health Clinic" in raw
    if doc.direction == "ltr":
        assert squash(counter) in printed
        for segment in doc.article.segments():
            if segment.path in ("title", "faq/heading", "disclaimer"):
                assert squash(plain_text(segment.text)) in printed, segment.path
    else:
        # pypdf may return RTL words in visual order; the letters must all be there.
        assert set(squash(plain_text(doc.article.title))) <= set(printed)


def test_navigation_pane_and_alt_text_with_every_kind_of_block(tmp_path: Path) -> None:
    """Outline = the sections' headings, nothing else (not a box heading, not
    "Important"); every picture, logo included, describes itself."""
    from tests.handouts import localized_every_block, png

    doc = localized_every_block(tmp_path)
    (tmp_path / "logo.png").write_bytes(png(40, 20))
    data = get_exporter("docx").export(doc, ExportOptions(logo=tmp_path / "logo.png"))
    document = docx.Document(io.BytesIO(data))
    styles_with_outline = {
        style.style_id for style in document.styles
        if style.element.xpath("./w:pPr/w:outlineLvl")
    }

    def outline_level(paragraph: Paragraph) -> bool:
        style = paragraph.style
        while style is not None:
            if style.style_id in styles_with_outline:
                return True
            style = style.base_style
        return bool(paragraph._p.xpath("./w:pPr/w:outlineLvl"))

    outline = [p.text for p in document.paragraphs if outline_level(p)]
    assert outline == ["Before your visit", "Common side effects", "Questions", "Questions?"]
    pictures = [*document.element.body.xpath(".//wp:docPr")]
    for part in (document.sections[0].header, document.sections[0].first_page_header):
        pictures += part._element.xpath(".//wp:docPr")
    assert len(pictures) == 3  # the figure and the logo in both headers
    assert all((p.get("descr") or "").strip() for p in pictures)
    assert pictures[0].get("descr") == "An infusion chair beside a window"
