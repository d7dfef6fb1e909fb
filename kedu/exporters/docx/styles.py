"""The named styles a handout uses, so a clinic restyles it in Word's Styles pane.

Body structure uses Word's built-in styles (Title, Subtitle, Heading 1/2,
List Bullet, Caption, Header, Footer, Hyperlink): the navigation pane, outline
view, accessibility checker and screen readers know them, and a clinic's own
template that redefines them applies unchanged.  What Word has no built-in
for gets a ``kedu ...`` style based on the nearest built-in one.

python-docx's default template styles refer to theme fonts and theme colours,
which override explicit values, so every style used here is rebuilt with
explicit fonts, sizes (``w:sz`` and ``w:szCs``), bold (``w:b`` and ``w:bCs``)
and colours.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.styles import BabelFish
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle, StyleFactory

from kedu.exporters.docx import oxml
from kedu.exporters.docx.language import COMPLEX_SCRIPT_FONT, LATIN_FONT, TextSetup

__all__ = ["CALLOUT_STYLES", "S", "Sizes", "install_styles", "sizes_for", "styled_document"]


class S:
    """Style names, in one place so the builder and the tests agree."""

    TITLE = "Title"
    SUBTITLE = "Subtitle"
    ORGANIZATION = "kedu Organization"
    SUMMARY = "kedu Summary"
    LANGUAGE = "kedu Language"
    HEADING_1 = "Heading 1"
    HEADING_2 = "Heading 2"
    BODY = "Normal"
    LIST = "List Bullet"
    TERM = "kedu Term"
    QUESTION = "kedu Question"
    FIGURE = "kedu Figure"
    CAPTION = "Caption"
    CREDIT = "kedu Credit"
    CONTACT_BOX = "kedu Contact Box"
    DISCLAIMER = "kedu Disclaimer"
    DISCLAIMER_HEADING = "kedu Disclaimer Heading"
    HEADER = "Header"
    DRAFT = "kedu Draft Notice"
    FOOTER = "Footer"
    HYPERLINK = "Hyperlink"


@dataclass(frozen=True, slots=True)
class _Callout:
    style: str
    heading_style: str
    border: str
    fill: str


CALLOUT_STYLES = {
    "note": _Callout("kedu Note", "kedu Note Heading", "2E74B5", "DEEAF6"),
    "warning": _Callout("kedu Warning", "kedu Warning Heading", "C00000", "FBE4D5"),
    "tip": _Callout("kedu Tip", "kedu Tip Heading", "538135", "E2EFDA"),
}

_INK = RGBColor(0x1F, 0x38, 0x64)  # dark navy: headings, contrast ratio > 12:1 on white
_GREY = RGBColor(0x40, 0x40, 0x40)
_LINK = RGBColor(0x05, 0x63, 0xC1)
_ALERT = RGBColor(0xC0, 0x00, 0x00)


@dataclass(frozen=True, slots=True)
class Sizes:
    """Point sizes; large print keeps everything printed, furniture included, at 16 pt or more."""

    body: float
    title: float
    subtitle: float
    summary: float
    heading_1: float
    heading_2: float
    question: float
    furniture: float
    caption: float
    list_indent_twips: int


_REGULAR = Sizes(11, 26, 15, 12, 16, 13, 12, 9, 10, 360)
_LARGE = Sizes(16, 34, 21, 17, 23, 19, 18, 16, 16, 520)


def sizes_for(large_print: bool) -> Sizes:
    """Large print scales every text size, not only the body, so the hierarchy survives."""
    return _LARGE if large_print else _REGULAR


def _fresh_rpr(style: BaseStyle) -> BaseOxmlElement:
    """The style's ``w:rPr``, emptied so template leftovers (theme fonts) go away."""
    element = style.element
    element.remove_all("w:rPr")
    rpr: BaseOxmlElement = element.get_or_add_rPr()
    return rpr


def _style(document: Document, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
    """The style called ``name``, added if the template lacks it.

    Goes through the oxml layer: python-docx's ``styles[name]`` and
    ``add_style`` scan every style of the template per call.
    """
    element = document.styles.element
    found = element.get_by_name(BabelFish.ui2internal(name))  # "Heading 1" is "heading 1"
    if found is None:
        found = element.add_style_of_type(name, kind, builtin=not name.startswith("kedu "))
        found.get_or_add_qFormat()
    return StyleFactory(found)


def _paragraph_style(document: Document, name: str, base: str | None) -> ParagraphStyle:
    style = _style(document, name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    if base is not None:
        base_style = _style(document, base, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(base_style, ParagraphStyle)
        style.base_style = base_style
    return style


def _character_style(document: Document, name: str) -> CharacterStyle:
    style = _style(document, name, WD_STYLE_TYPE.CHARACTER)
    assert isinstance(style, CharacterStyle)
    return style


def _text(
    style: BaseStyle,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    color: RGBColor | None = None,
) -> BaseOxmlElement:
    rpr = _fresh_rpr(style)
    oxml.set_bold_italic(rpr, bold=bold, italic=italic)
    if color is not None:
        oxml.set_color(rpr, str(color))
    if size is not None:
        oxml.set_size(rpr, size)
    return rpr


def _spacing(
    style: ParagraphStyle,
    *,
    before: float = 0,
    after: float = 0,
    keep_next: bool = False,
    line: float | None = None,
) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if keep_next:
        pf.keep_with_next = True
        pf.keep_together = True
    if line is not None:
        pf.line_spacing = line


def _defaults(document: Document, setup: TextSetup, sizes: Sizes) -> None:
    """docDefaults: what every run and paragraph inherits, language included."""
    styles_element = document.styles.element
    rpr_default = styles_element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault"))
    assert rpr_default is not None
    for old in list(rpr_default):  # a plain lxml element: python-docx has no class for it
        rpr_default.remove(old)
    rpr = OxmlElement("w:rPr")
    rpr_default.append(rpr)
    oxml.set_fonts(
        rpr, latin=LATIN_FONT, east_asia=setup.east_asian_font, complex_script=COMPLEX_SCRIPT_FONT
    )
    oxml.set_size(rpr, sizes.body)
    oxml.set_language(rpr, setup.languages)


def _numbering(document: Document, sizes: Sizes) -> None:
    """Give List Bullet's numbering a plain "•" in the body font.

    The template's bullet is U+F0B7 in the Symbol font, which has no glyph in
    the complex-script slot and prints as a box in some Arabic setups.
    """
    numbering = document.part.numbering_part.element
    style = document.styles[S.LIST]
    num_id = style.element.xpath("./w:pPr/w:numPr/w:numId/@w:val")[0]
    abstract_id = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0]
    # lxml elements below python-docx's modelled ones: query from the root,
    # whose xpath() knows the w: prefix.
    lvl = f'./w:abstractNum[@w:abstractNumId="{abstract_id}"]/w:lvl[@w:ilvl="0"]'
    numbering.xpath(f"{lvl}/w:lvlText")[0].set(qn("w:val"), "•")
    indent = str(sizes.list_indent_twips)
    for tab in numbering.xpath(f"{lvl}/w:pPr/w:tabs/w:tab"):
        tab.set(qn("w:pos"), indent)
    for ind in numbering.xpath(f"{lvl}/w:pPr/w:ind"):
        ind.set(qn("w:left"), indent)
        ind.set(qn("w:hanging"), indent)
    for old in numbering.xpath(f"{lvl}/w:rPr"):
        old.getparent().remove(old)
    rpr = OxmlElement("w:rPr")
    numbering.xpath(lvl)[0].append(rpr)
    oxml.set_fonts(rpr, latin=LATIN_FONT, complex_script=COMPLEX_SCRIPT_FONT, hint="default")


def install_styles(
    document: Document, setup: TextSetup, large_print: bool, *, bilingual: bool = False
) -> Sizes:
    """Define every style the builder uses; returns the sizes in force.

    ``bilingual`` adds the style of the language names above the two columns.
    """
    z = sizes_for(large_print)
    _defaults(document, setup, z)

    normal = _paragraph_style(document, S.BODY, None)
    _text(normal, size=z.body)
    # 1.1 lines and 12 pt above Heading 1 (not 1.15 and 16): the English and
    # Vietnamese handouts end on page 3 instead of leaving the disclaimer alone
    # on a fourth page.
    _spacing(normal, after=6, line=1.1)
    if setup.rtl:
        oxml.mark_bidi_paragraph(normal.element.get_or_add_pPr())

    title = _paragraph_style(document, S.TITLE, S.BODY)
    title.element.remove_all("w:pPr")
    _text(title, size=z.title, bold=True, color=_INK)
    _spacing(title, after=4, keep_next=True, line=1.0)

    subtitle = _paragraph_style(document, S.SUBTITLE, S.BODY)
    subtitle.element.remove_all("w:pPr")  # drops the template's stray numPr
    _text(subtitle, size=z.subtitle, color=_GREY)
    _spacing(subtitle, after=10, keep_next=True, line=1.1)

    org = _paragraph_style(document, S.ORGANIZATION, S.BODY)
    _text(org, size=z.furniture + 1, bold=True, color=_INK)
    _spacing(org, after=6, keep_next=True)

    if bilingual:
        language = _paragraph_style(document, S.LANGUAGE, S.BODY)
        _text(language, size=z.heading_2, bold=True, color=_INK)
        _spacing(language, after=8, keep_next=True)
        # An exact line height, so the rules under the two names line up even
        # when one script's font has taller line metrics (CJK, Arabic).
        language.paragraph_format.line_spacing = Pt(round(z.heading_2 * 1.4))
        oxml.set_bottom_border(
            language.element.get_or_add_pPr(), color=str(_INK), eighths=8, space_pt=2
        )

    summary = _paragraph_style(document, S.SUMMARY, S.BODY)
    _text(summary, size=z.summary)
    _spacing(summary, after=12)

    for name, size, before in (
        (S.HEADING_1, z.heading_1, 12.0),
        (S.HEADING_2, z.heading_2, 10.0),
    ):
        heading = _paragraph_style(document, name, S.BODY)
        _text(heading, size=size, bold=True, color=_INK)
        _spacing(heading, before=before, after=4, keep_next=True)

    # Based on Normal, not Heading 2: a question is bold text, not an outline
    # level (the navigation pane lists the article's sections only).
    question = _paragraph_style(document, S.QUESTION, S.BODY)
    _text(question, size=z.question, bold=True, color=_INK)
    _spacing(question, before=8, after=2, keep_next=True)

    bullet = _paragraph_style(document, S.LIST, S.BODY)
    _spacing(bullet, after=4)
    _numbering(document, z)

    term = _character_style(document, S.TERM)
    _text(term, bold=True)

    link = _character_style(document, S.HYPERLINK)
    oxml.set_underline(_text(link, color=_LINK))

    for callout in CALLOUT_STYLES.values():
        box = _paragraph_style(document, callout.style, S.BODY)
        _spacing(box, before=0, after=0)
        box_ppr = box.element.get_or_add_pPr()
        oxml.set_border_and_shading(
            box_ppr, border=callout.border, fill=callout.fill, border_eighths=12, space_pt=6
        )
        box.paragraph_format.left_indent = Pt(8)
        box.paragraph_format.right_indent = Pt(8)
        box_heading = _paragraph_style(document, callout.heading_style, callout.style)
        _text(box_heading, bold=True)
        _spacing(box_heading, before=0, after=0, keep_next=True)

    figure = _paragraph_style(document, S.FIGURE, S.BODY)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(figure, before=6, after=2, keep_next=True)

    caption = _paragraph_style(document, S.CAPTION, S.BODY)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(caption, size=z.caption, italic=True, color=_GREY)
    _spacing(caption, after=2, keep_next=True)

    credit = _paragraph_style(document, S.CREDIT, S.BODY)
    credit.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(credit, size=z.furniture, color=_GREY)
    _spacing(credit, after=10)

    # The contact box: framed paragraphs, like the callouts (Word joins equal
    # frames of consecutive paragraphs into one box).
    contact = _paragraph_style(document, S.CONTACT_BOX, S.BODY)
    _spacing(contact, before=0, after=3)
    oxml.set_border_and_shading(
        contact.element.get_or_add_pPr(), border=str(_INK), fill="F2F5FA", border_eighths=12,
        space_pt=6,
    )
    contact.paragraph_format.left_indent = Pt(8)
    contact.paragraph_format.right_indent = Pt(8)

    disclaimer_heading = _paragraph_style(document, S.DISCLAIMER_HEADING, S.BODY)
    _text(disclaimer_heading, size=z.body, bold=True, color=_INK)
    _spacing(disclaimer_heading, before=12, after=2, keep_next=True)

    disclaimer = _paragraph_style(document, S.DISCLAIMER, S.BODY)
    _text(disclaimer, size=z.body if large_print else z.body - 1, color=_GREY)
    disclaimer.paragraph_format.keep_together = True

    for name in (S.HEADER, S.FOOTER):
        furniture = _paragraph_style(document, name, S.BODY)
        furniture.element.remove_all("w:pPr")
        _text(furniture, size=z.furniture, color=_GREY)
        _spacing(furniture, after=0, line=1.0)
        if name == S.FOOTER:
            furniture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    draft = _paragraph_style(document, S.DRAFT, S.HEADER)
    _text(draft, size=z.furniture + 1, bold=True, color=_ALERT)
    _spacing(draft, before=2, after=4)
    return z


Prepare = Callable[[Document, TextSetup], None]


def styled_document(
    setup: TextSetup,
    large_print: bool,
    *,
    bilingual: bool = False,
    prepare: Prepare | None = None,
) -> tuple[Document, Sizes]:
    """A new document with every style installed (and ``prepare`` applied to it),
    ready for the body; returns it with the sizes in force.

    Opening python-docx's template and defining the styles costs about 50 ms,
    the same for every handout of one language and layout, so it is done once
    per process and each document starts from a copy (about 5 ms).  The copy is
    the whole object graph, so it is byte-for-byte the document a fresh build
    gives: ``prepare`` must depend on ``setup`` only.
    """
    template, sizes = _template(setup, large_print, bilingual, prepare)
    return copy.deepcopy(template), sizes


@lru_cache(maxsize=32)  # languages x print sizes x layouts of a large batch
def _template(
    setup: TextSetup, large_print: bool, bilingual: bool, prepare: Prepare | None
) -> tuple[Document, Sizes]:
    import docx

    document = docx.Document()
    sizes = install_styles(document, setup, large_print, bilingual=bilingual)
    if prepare is not None:
        prepare(document, setup)
    return document, sizes
