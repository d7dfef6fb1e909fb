"""The WordprocessingML that python-docx has no API for, in one place.

python-docx covers paragraphs, runs, styles and pictures but not language
tags, right-to-left properties, complex-script formatting, fields, hyperlinks,
paragraph borders and shading.  Everything here writes those through
python-docx's own oxml layer (never string concatenation of user text), so
escaping stays python-docx's job.

Word rejects a document whose property children are out of schema order, and
python-docx only knows the order of the children it models.  So the helpers
insert through :func:`_put`, which uses the complete sequences below copied
from ECMA-376 Part 1 (CT_RPr, CT_PPr, CT_SectPr).
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

__all__ = [
    "Languages",
    "add_field",
    "add_hyperlink",
    "mark_bidi_paragraph",
    "mark_bidi_section",
    "set_bold_italic",
    "set_border_and_shading",
    "set_color",
    "set_fonts",
    "set_language",
    "set_rtl",
    "set_size",
    "set_theme_font_lang",
    "set_underline",
]

_RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
    "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
    "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_SECTPR_ORDER = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type",
    "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType",
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip
_ORDERS = {qn("w:rPr"): _RPR_ORDER, qn("w:pPr"): _PPR_ORDER, qn("w:sectPr"): _SECTPR_ORDER}


def _put(parent: BaseOxmlElement, tag: str, **attrs: str) -> BaseOxmlElement:
    """Replace (or add) the child ``tag`` of ``parent`` at its schema position."""
    order = _ORDERS[parent.tag]
    parent.remove_all(tag)
    child = OxmlElement(tag, attrs={qn(f"w:{k}"): v for k, v in attrs.items()})
    later = order[order.index(tag) + 1 :]
    parent.insert_element_before(child, *later)
    return child


@dataclass(frozen=True, slots=True)
class Languages:
    """The three language slots of ``w:lang``.

    Word picks the slot by script: ``val`` for Latin, Cyrillic, Vietnamese ...,
    ``east_asia`` for CJK ideographs and kana, ``bidi`` for Arabic and Hebrew.
    An unset slot leaves Word's (or the style's) default in place.
    """

    val: str
    east_asia: str | None = None
    bidi: str | None = None


def set_language(rpr: BaseOxmlElement, langs: Languages) -> None:
    """``w:lang`` on a run or style, so spell-check and hyphenation pick the language."""
    attrs = {"val": langs.val}
    if langs.east_asia:
        attrs["eastAsia"] = langs.east_asia
    if langs.bidi:
        attrs["bidi"] = langs.bidi
    _put(rpr, "w:lang", **attrs)


def set_fonts(
    rpr: BaseOxmlElement,
    *,
    latin: str | None = None,
    east_asia: str | None = None,
    complex_script: str | None = None,
    hint: str | None = None,
) -> None:
    """Explicit fonts per script slot, dropping theme-font references.

    Theme attributes (``w:asciiTheme`` ...) win over explicit names in Word, so
    a style that keeps them would silently ignore the fonts chosen here.
    """
    attrs: dict[str, str] = {}
    if latin:
        attrs["ascii"] = attrs["hAnsi"] = latin
    if east_asia:
        attrs["eastAsia"] = east_asia
    if complex_script:
        attrs["cs"] = complex_script
    if hint:
        attrs["hint"] = hint
    _put(rpr, "w:rFonts", **attrs)


def set_size(rpr: BaseOxmlElement, points: float) -> None:
    """Size for both ordinary (``w:sz``) and complex-script (``w:szCs``) text."""
    half_points = str(round(points * 2))
    _put(rpr, "w:sz", val=half_points)
    _put(rpr, "w:szCs", val=half_points)


def set_bold_italic(rpr: BaseOxmlElement, *, bold: bool, italic: bool) -> None:
    """Bold/italic for both script classes: Arabic text reads ``w:bCs``/``w:iCs`` only."""
    for tag, cs_tag, on in (("w:b", "w:bCs", bold), ("w:i", "w:iCs", italic)):
        if on:
            _put(rpr, tag)
            _put(rpr, cs_tag)


def set_color(rpr: BaseOxmlElement, hex_rgb: str) -> None:
    """An explicit colour (no theme colour, which a clinic's theme would change)."""
    _put(rpr, "w:color", val=hex_rgb)


def set_underline(rpr: BaseOxmlElement) -> None:
    """Links stay recognisable on a black-and-white printout, not only by colour."""
    _put(rpr, "w:u", val="single")


def set_rtl(rpr: BaseOxmlElement) -> None:
    """Mark a run right-to-left: neutral characters resolve RTL and cs formatting applies."""
    _put(rpr, "w:rtl")


def mark_bidi_paragraph(ppr: BaseOxmlElement) -> None:
    """Make a paragraph right-to-left.

    The paragraph's default alignment then is its start, the right edge, and
    indents and list bullets mirror.  Alignment is deliberately not set:
    ``jc="left"``/``"right"`` mean different sides in Word and LibreOffice for
    bidi paragraphs, while "start" (no ``w:jc``) and ``center`` do not.
    """
    _put(ppr, "w:bidi")


def mark_bidi_section(sectpr: BaseOxmlElement) -> None:
    """Right-to-left page layout: gutter, columns and header tab stops mirror."""
    _put(sectpr, "w:bidi")


def set_border_and_shading(
    ppr: BaseOxmlElement, *, border: str, fill: str, border_eighths: int, space_pt: int
) -> None:
    """A box drawn by the paragraph itself: Word joins equal borders of
    consecutive paragraphs into one frame, so a callout stays in the text flow
    (no text box or table) and screen readers read it in order."""
    pbdr = _put(ppr, "w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(
            f"w:{side}",
            attrs={
                qn("w:val"): "single",
                qn("w:sz"): str(border_eighths),
                qn("w:space"): str(space_pt),
                qn("w:color"): border,
            },
        )
        pbdr.append(edge)
    _put(ppr, "w:shd", val="clear", color="auto", fill=fill)


def set_theme_font_lang(settings: BaseOxmlElement, langs: Languages) -> None:
    """The languages Word uses to resolve theme fonts and for new text typed in."""
    settings.remove_all("w:themeFontLang")
    attrs = {qn("w:val"): langs.val}
    if langs.east_asia:
        attrs[qn("w:eastAsia")] = langs.east_asia
    if langs.bidi:
        attrs[qn("w:bidi")] = langs.bidi
    element = OxmlElement("w:themeFontLang", attrs=attrs)
    # CT_Settings order: themeFontLang comes right before clrSchemeMapping.
    settings.insert_element_before(
        element, "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
        "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
        "w:smartTagType", "w:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
        "w:decimalSymbol", "w:listSeparator",
    )  # fmt: skip


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> list[BaseOxmlElement]:
    """A complex field (begin / instruction / separate / result / end).

    Complex fields rather than ``w:fldSimple`` because LibreOffice and Word
    both update PAGE/NUMPAGES written this way in headers and footers, and
    each piece is an ordinary run that takes the same run properties as the
    surrounding text.  Returns the ``w:r`` elements so the caller can format them.
    """
    runs: list[BaseOxmlElement] = []

    def run_with(child: BaseOxmlElement) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)
        runs.append(r)

    run_with(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): "begin"}))
    instr = OxmlElement("w:instrText", attrs={"{http://www.w3.org/XML/1998/namespace}space":
                                              "preserve"})
    instr.text = f" {instruction} "
    run_with(instr)
    run_with(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): "separate"}))
    result = OxmlElement("w:t")
    result.text = placeholder
    run_with(result)
    run_with(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): "end"}))
    return runs


def add_hyperlink(paragraph: Paragraph, url: str) -> BaseOxmlElement:
    """An empty ``w:hyperlink`` pointing at ``url`` through an external relationship.

    The caller moves ordinary python-docx runs into it, so link text gets the
    same formatting code path as any other text.
    """
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink", attrs={qn("r:id"): r_id, qn("w:history"): "1"})
    paragraph._p.append(link)
    return link
