"""The WordprocessingML that python-docx has no API for, in one place.

python-docx covers paragraphs, runs, styles and pictures but not language
tags, right-to-left properties, complex-script formatting, fields, hyperlinks,
paragraph borders and shading, table borders and row properties, or the font
table.  Everything here writes those through
python-docx's own oxml layer (never string concatenation of user text), so
escaping stays python-docx's job.

Word rejects a document whose property children are out of schema order, and
python-docx only knows the order of the children it models.  So the helpers
insert through :func:`_put`, which uses the complete sequences below copied
from ECMA-376 Part 1 (CT_RPr, CT_PPr, CT_SectPr).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

__all__ = [
    "FontHint",
    "Languages",
    "add_field",
    "add_font_hint",
    "add_hyperlink",
    "mark_bidi_paragraph",
    "mark_bidi_section",
    "set_bold_italic",
    "set_border_and_shading",
    "set_borderless_table",
    "set_bottom_border",
    "set_cell_margins",
    "set_color",
    "set_fonts",
    "set_keep_next",
    "set_language",
    "set_mark_size",
    "set_row",
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
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
_TRPR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip
_TCPR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip
_ORDERS = {
    qn("w:rPr"): _RPR_ORDER,
    qn("w:pPr"): _PPR_ORDER,
    qn("w:sectPr"): _SECTPR_ORDER,
    qn("w:tblPr"): _TBLPR_ORDER,
    qn("w:trPr"): _TRPR_ORDER,
    qn("w:tcPr"): _TCPR_ORDER,
}


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


def set_keep_next(ppr: BaseOxmlElement, on: bool) -> None:
    """Direct "keep with next" (``w:val="0"`` overrides a style that sets it)."""
    if on:
        _put(ppr, "w:keepNext")
    else:
        _put(ppr, "w:keepNext", val="0")


def set_mark_size(ppr: BaseOxmlElement, points: float) -> None:
    """Size of a paragraph's mark (``w:pPr/w:rPr``): the height of an empty paragraph."""
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = _put(ppr, "w:rPr")
    set_size(rpr, points)


def set_bold_italic(rpr: BaseOxmlElement, *, bold: bool, italic: bool) -> None:
    """Bold/italic for both script classes: Arabic text reads ``w:bCs``/``w:iCs`` only."""
    for tag, cs_tag, on in (("w:b", "w:bCs", bold), ("w:i", "w:iCs", italic)):
        if on:
            _put(rpr, tag)
            _put(rpr, cs_tag)


def set_emphasis_mark(rpr: BaseOxmlElement) -> None:
    """East Asian emphasis: a dot over each character instead of a slant
    (Chinese, Japanese and Korean have no italic; Word would fake one)."""
    _put(rpr, "w:em", val="dot")


def copy_frame(source_ppr: BaseOxmlElement, target_ppr: BaseOxmlElement) -> None:
    """Give ``target_ppr`` the border, shading and indents of ``source_ppr`` (a
    style's), so the paragraph joins the frame of the paragraphs after it."""
    for tag in ("w:pBdr", "w:shd", "w:ind"):
        found = source_ppr.find(qn(tag))
        if found is not None:
            placeholder = _put(target_ppr, tag)  # at the schema position
            placeholder.addprevious(copy.deepcopy(found))
            target_ppr.remove(placeholder)


def set_tab_stop(ppr: BaseOxmlElement, position_twips: int) -> None:
    """One start-aligned tab stop (label and value of a contact line in columns)."""
    tabs = _put(ppr, "w:tabs")
    # "left" is the transitional schema's name for the start edge; bidi
    # paragraphs measure it from the right.
    tab = OxmlElement("w:tab", attrs={qn("w:val"): "left", qn("w:pos"): str(position_twips)})
    tabs.append(tab)


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


def set_bottom_border(ppr: BaseOxmlElement, *, color: str, eighths: int, space_pt: int) -> None:
    """A rule under a paragraph (the language names above the bilingual columns)."""
    pbdr = _put(ppr, "w:pBdr")
    attrs = {"val": "single", "sz": str(eighths), "space": str(space_pt), "color": color}
    pbdr.append(OxmlElement("w:bottom", attrs={qn(f"w:{k}"): v for k, v in attrs.items()}))


def set_borderless_table(tbl: BaseOxmlElement, width_twips: int) -> None:
    """A fixed-width table with no borders and no cell padding of its own.

    Borders are switched off explicitly (``nil`` on every edge) rather than
    left out, so neither Word's "Normal Table" style nor a clinic's template
    can draw a grid; cells add their own gutter with :func:`set_cell_margins`.
    """
    tblpr = tbl.tblPr
    _put(tblpr, "w:tblW", w=str(width_twips), type="dxa")
    _put(tblpr, "w:tblInd", w="0", type="dxa")
    borders = _put(tblpr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{edge}", attrs={qn("w:val"): "nil"}))
    _put(tblpr, "w:tblLayout", type="fixed")
    margins = _put(tblpr, "w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        margins.append(OxmlElement(f"w:{edge}", attrs={qn("w:w"): "0", qn("w:type"): "dxa"}))


def set_row(tr: BaseOxmlElement, *, header: bool, cant_split: bool = True) -> None:
    """A row that never breaks across pages (unless ``cant_split`` is False);
    ``header`` rows repeat on every page."""
    trpr = tr.get_or_add_trPr()
    if cant_split:
        _put(trpr, "w:cantSplit")
    else:
        for element in trpr.findall(qn("w:cantSplit")):
            trpr.remove(element)
    if header:
        _put(trpr, "w:tblHeader")


def set_cell_margins(tc: BaseOxmlElement, *, left: int, right: int) -> None:
    """Cell padding in twips (physical left and right, whatever the text direction)."""
    tcmar = _put(tc.get_or_add_tcPr(), "w:tcMar")
    for edge, width in (("left", left), ("right", right)):
        tcmar.append(OxmlElement(f"w:{edge}", attrs={qn("w:w"): str(width), qn("w:type"): "dxa"}))


@dataclass(frozen=True, slots=True)
class FontHint:
    """What Word's font table says about a font, for machines that lack it.

    Word substitutes a missing font by these hints: ``charset`` (86 is GB2312),
    the PANOSE class and the Unicode/code page coverage bits of ``sig``;
    ``alt_name`` is the font's localized name (Chinese Word lists YaHei as 微软雅黑).
    """

    name: str
    alt_name: str
    panose: str
    charset: str
    family: str
    pitch: str
    sig: tuple[str, str, str, str, str, str]
    """usb0, usb1, usb2, usb3, csb0, csb1 (hex)."""


def add_font_hint(fonts: BaseOxmlElement, hint: FontHint) -> None:
    """Add (or replace) the ``w:font`` entry for ``hint.name`` in a font table root."""
    for old in fonts.findall(qn("w:font")):
        if old.get(qn("w:name")) == hint.name:
            fonts.remove(old)
    font = OxmlElement("w:font", attrs={qn("w:name"): hint.name})
    for tag, value in (
        ("w:altName", hint.alt_name),
        ("w:panose1", hint.panose),
        ("w:charset", hint.charset),
        ("w:family", hint.family),
        ("w:pitch", hint.pitch),
    ):
        font.append(OxmlElement(tag, attrs={qn("w:val"): value}))
    names = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
    font.append(
        OxmlElement("w:sig", attrs={qn(f"w:{k}"): v for k, v in zip(names, hint.sig, strict=True)})
    )
    fonts.append(font)


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
    instr = OxmlElement(
        "w:instrText", attrs={"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
    )
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
