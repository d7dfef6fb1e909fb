"""Write a document tree (:mod:`kedu.document`) as styled Word paragraphs.

The tree has already made every decision the formats share (which blocks
print, the labels, how a phone number or website is shown and linked, the
list separator, the draft notice); this module only maps blocks to Word
styles.  Every visible text goes through :meth:`_Writer.inline` (the tree's
spans) or :meth:`_Writer.literal` (labels, contact details), and every run
through :meth:`_Writer._format_run`, so language, direction, fonts and
emphasis are applied in exactly one place.

How blocks map to Word:

* title ``Title``, section headings ``Heading 1`` (the navigation pane lists
  exactly the article's sections), FAQ questions ``kedu Question`` (bold, no
  outline level), list items ``List Bullet`` with the bold term, the tree's
  separator and the description;
* note/warning/tip boxes are framed paragraphs (``kedu Note`` ...): the
  translated kind word, the box's own heading (styled text, not a heading)
  and the text; the disclaimer's heading is ``kedu Disclaimer Heading``, not a
  heading style either;
* the contact box is framed too: its heading (``Heading 1`` with the frame, so
  it is both in the outline and inside the box), the invitation and one line
  per detail, label and value in two columns (a tab), phone numbers linked
  with ``tel:``, websites and e-mail addresses linked;
* pictures carry their alt text in ``descr``.

Emphasis in Chinese, Japanese and Korean is an emphasis mark (``w:em`` dot),
in Arabic upright text: those scripts have no italic, and Word would slant
the glyphs synthetically (the PDF keeps them upright too).

The article is written as a sequence of units (:meth:`_Writer.units`), one
per printed segment (a list item, a box and the contact details are one unit
each).  A monolingual handout writes the units one after the other into the
body.

A bilingual handout (``companion`` is the source-language article) has one
writer per language and writes the units side by side, one table row per unit
pair (:func:`_bilingual_table`):

* **Columns.**  The source language on the left, the translation on the right,
  for every target.  With an RTL translation that already puts Arabic on the
  right, where an Arabic reader starts, and English on the left; so the table
  is never ``w:bidiVisual`` and the page never ``w:bidi``: cell order in the
  file, visual order, tab order and screen-reader order agree (source cell
  first) in Word and LibreOffice alike.  Direction is set per cell instead.
* **Rows** never split across pages (``w:cantSplit``) unless long; heading
  rows keep with the next row; the first row, repeated on every page, names
  both languages.
* **Furniture.**  The running head is the organization; a draft prints the
  translation's draft notice and under it the source-language one; the footer
  has the page counter and the review date in both languages, one line each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Protocol, assert_never, cast

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section as DocxSection
from docx.shared import Emu, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from kedu._version import __version__
from kedu.document import (
    BilingualDocument,
    Box,
    ContactBox,
    Disclaimer,
    FaqEntry,
    Figure,
    Inline,
    ItemList,
    ListEntry,
    Logo,
    Masthead,
    Paragraph,
    Section,
    SectionBlock,
    Subtitle,
    Title,
    build_bilingual,
)
from kedu.document import Document as TreeDocument
from kedu.document import build_document as build_tree
from kedu.errors import ExportError
from kedu.exporters.base import ExportOptions
from kedu.exporters.docx import oxml
from kedu.exporters.docx.language import (
    FONT_HINTS,
    TextSetup,
    combined_setup,
    text_setup,
    word_language_id,
)
from kedu.exporters.docx.oxml import Languages
from kedu.exporters.docx.styles import CALLOUT_STYLES, S, Sizes, styled_document
from kedu.models.localized import LocalizedArticle

__all__ = ["FALLBACK_DATE", "build_document", "document_date"]

FALLBACK_DATE = date(2000, 1, 1)

# Page sizes and margins in twips (1/1440 inch).  One inch on Letter; 2.5 cm on
# A4: both leave a text column of about 16.5 cm, so pagination barely differs.
_PAPER = {
    "letter": (12240, 15840, 1440),
    "a4": (11906, 16838, 1418),
}
_HEADER_DISTANCE = 708  # 1.25 cm from the paper edge
_PLACEHOLDER = re.compile(r"(\{page\}|\{pages\})")
_FIELDS = {"{page}": "PAGE", "{pages}": "NUMPAGES"}
_STRONG_RTL = {"R", "AL"}
_COLUMN_GUTTER = 432  # 0.3 inch between the two columns of a bilingual handout
_FONT_TABLE = "/word/fontTable.xml"


def document_date(doc: LocalizedArticle) -> date:
    """The one date a handout carries: its clinical review date, else a fixed one.

    Core properties and zip timestamps use it instead of "now", so exports
    are reproducible.
    """
    return doc.article.review_date or FALLBACK_DATE


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in text)


class _Container(Protocol):
    """Where paragraphs go: the document body, a table cell, a header or footer."""

    def add_paragraph(self) -> DocxParagraph: ...


@dataclass(frozen=True, slots=True)
class _Unit:
    """A piece of the article that is printed as one block.

    Mostly one segment of :meth:`kedu.models.article.Article.segments`; a few
    segments that belong together form one unit (see :mod:`.build`'s
    docstring).  In a bilingual handout each unit is one table row.
    """

    key: str
    """Segment path (of the first segment), so the two languages' units pair up."""
    write: Callable[[_Container], object]
    keep_next: bool = False
    """A heading (or the like): its row stays on the page of the next row."""
    span: bool = False
    """Language-neutral (a picture): printed once across both columns."""


class _Writer:
    """Writes one language: a monolingual handout has one, a bilingual one two."""

    def __init__(
        self,
        document: Document,
        tree: TreeDocument,
        setup: TextSetup,
        sizes: Sizes,
        logo: Path | None,
        style_ids: dict[str, str] | None = None,
    ) -> None:
        self.document = document
        self.tree = tree
        self.setup = setup
        self.sizes = sizes
        self.logo = logo
        # Style name -> id, resolved once: python-docx resolves names with a
        # linear scan of all styles, which otherwise dominates export time.
        self.style_ids: dict[str, str] = {} if style_ids is None else style_ids
        body = document.sections[0]
        self.text_width = (
            int(body.page_width or 0) - int(body.left_margin or 0) - int(body.right_margin or 0)
        )
        self.column_width = self.text_width
        """Width of the text this writer fills (half the page in a bilingual table)."""
        # Scripts without italic: emphasis must not be a synthetic slant.
        self.emphasis_mark = setup.east_asian_font is not None
        self.upright = self.emphasis_mark or setup.rtl

    # -- paragraphs and runs -------------------------------------------------

    def paragraph(self, style: str, into: _Container) -> DocxParagraph:
        """A new paragraph at the end of ``into`` (body, table cell, header ...)."""
        paragraph = into.add_paragraph()
        paragraph._p.style = self._style_id(style)
        if self.setup.rtl:
            oxml.mark_bidi_paragraph(paragraph._p.get_or_add_pPr())
        return paragraph

    def _style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def _add_run(self, paragraph: DocxParagraph, text: str, style: str | None) -> Run:
        run = paragraph.add_run(text)
        if style is not None:
            run._r.style = self._style_id(style)
        return run

    def _format_run(
        self, run: Run, text: str, *, bold: bool, italic: bool, lang: str | None = None
    ) -> None:
        rpr = run._r.get_or_add_rPr()
        if self.setup.east_asian_font:
            oxml.set_fonts(rpr, east_asia=self.setup.east_asian_font, hint="eastAsia")
        oxml.set_bold_italic(rpr, bold=bold, italic=italic and not self.upright)
        if italic and self.emphasis_mark:
            oxml.set_emphasis_mark(rpr)
        if self.setup.rtl and _has_rtl(text):
            oxml.set_rtl(rpr)
        if lang is not None:
            oxml.set_language(rpr, Languages(val=word_language_id(lang)))
        else:
            oxml.set_language(rpr, self.setup.languages)

    def literal(
        self, paragraph: DocxParagraph, text: str, *, bold: bool = False, style: str | None = None
    ) -> Run:
        """Text printed exactly as given (labels, phone numbers)."""
        run = self._add_run(paragraph, text, style)
        self._format_run(run, text, bold=bold, italic=False)
        return run

    def inline(
        self, paragraph: DocxParagraph, content: Inline, *, style: str | None = None
    ) -> None:
        """The tree's spans; links become real hyperlinks (one per consecutive href)."""
        link: BaseOxmlElement | None = None
        link_href: str | None = None
        for span in content:
            run = self._add_run(paragraph, span.text, style)
            self._format_run(
                run, span.text, bold=span.strong, italic=span.emphasis, lang=span.lang
            )
            if span.href is None:
                link = link_href = None
                continue
            if link is None or link_href != span.href:
                link, link_href = oxml.add_hyperlink(paragraph, span.href), span.href
            run._r.style = self._style_id(S.HYPERLINK)
            link.append(run._r)

    def link(self, paragraph: DocxParagraph, text: str, href: str) -> None:
        """A literal text linked to ``href`` (contact details)."""
        target = oxml.add_hyperlink(paragraph, href)
        run = self.literal(paragraph, text, style=S.HYPERLINK)
        target.append(run._r)

    def block(self, style: str, content: Inline, into: _Container) -> DocxParagraph:
        paragraph = self.paragraph(style, into)
        self.inline(paragraph, content)
        return paragraph

    # -- the tree ------------------------------------------------------------

    def organization(self, into: _Container) -> None:
        for block in self.tree.blocks:
            if isinstance(block, Masthead):
                self.literal(self.paragraph(S.ORGANIZATION, into), block.text)

    def language_name(self, into: _Container) -> None:
        """The language's own name, capitalized as a heading ("Español", "العربية")."""
        name = self.tree.language_name
        self.literal(self.paragraph(S.LANGUAGE, into), name[:1].upper() + name[1:])

    def units(self) -> Iterator[_Unit]:
        """The handout after the organization line, in reading order, unit by unit.

        Keys are the tree's block keys, so the two languages' units pair up.
        """
        for block in self.tree.blocks:
            match block:
                case Logo() | Masthead():
                    continue  # the logo is in the header, the masthead above the body
                case Title():
                    yield self._text(block.key, S.TITLE, block.content, keep_next=True)
                case Subtitle():
                    yield self._text(block.key, S.SUBTITLE, block.content, keep_next=True)
                case Paragraph():
                    yield self._text(block.key, _PARAGRAPH_STYLES[block.role], block.content)
                case Section():
                    if block.heading is not None:
                        heading = block.heading
                        yield self._text(heading.key, S.HEADING_1, heading.content,
                                         keep_next=True)
                    for child in block.blocks:
                        yield from self._section_block(child)
                case Disclaimer():
                    yield _Unit(block.key, partial(self.disclaimer, block))
                case _:
                    assert_never(block)

    def _text(self, key: str, style: str, content: Inline, *, keep_next: bool = False) -> _Unit:
        return _Unit(key, partial(self.block, style, content), keep_next=keep_next)

    def _section_block(self, block: SectionBlock) -> Iterator[_Unit]:
        match block:
            case Paragraph():
                yield self._text(block.key, _PARAGRAPH_STYLES[block.role], block.content)
            case ItemList():
                for item in block.items:
                    yield _Unit(item.key, partial(self.list_item, item))
            case FaqEntry():
                yield self._text(f"{block.key}/question", S.QUESTION, block.question,
                                 keep_next=True)
                yield self._text(f"{block.key}/answer", S.BODY, block.answer)
            case Box():
                yield _Unit(block.key, partial(self.box, block))
            case Figure():
                more = block.caption is not None or block.credit is not None
                yield _Unit(block.key, partial(self.picture, block), keep_next=more, span=True)
                if more:
                    yield _Unit(f"{block.key}/caption", partial(self.caption, block))
            case ContactBox():
                yield _Unit(block.key, partial(self.contact_box, block))
            case _:
                assert_never(block)

    def list_item(self, item: ListEntry, into: _Container) -> None:
        paragraph = self.paragraph(S.LIST, into)
        self.inline(paragraph, item.label, style=S.TERM)
        self.literal(paragraph, item.separator, style=S.TERM)
        self.inline(paragraph, item.body)

    def box(self, box: Box, into: _Container) -> None:
        """A framed box led by its translated kind word, so the warning survives
        greyscale printing and is announced by screen readers, not only shown by
        colour.  The box's heading is bold text in the box, not an outline heading."""
        style = CALLOUT_STYLES[box.kind]
        self.literal(self.paragraph(style.heading_style, into), box.label)
        if box.heading is not None:
            self.inline(self.paragraph(style.heading_style, into), box.heading)
        self.block(style.style, box.body, into)

    def picture(self, figure: Figure, into: _Container) -> None:
        blob, native_width = _read_picture(figure.path, figure.path.name, figure.key)
        paragraph = self.paragraph(S.FIGURE, into)
        run = paragraph.add_run()
        shape = run.add_picture(BytesIO(blob), width=Emu(min(native_width, self.text_width)))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", figure.alt)
        doc_pr.set("name", figure.path.name)

    def caption(self, figure: Figure, into: _Container) -> None:
        if figure.caption is not None:
            self.block(S.CAPTION, figure.caption, into)
        if figure.credit is not None:
            self.literal(self.paragraph(S.CREDIT, into), figure.credit)

    def contact_box(self, box: ContactBox, into: _Container) -> None:
        """Heading, invitation and details in one frame; the heading keeps its
        outline level (it is the section's heading)."""
        heading = self.block(S.HEADING_1, box.heading, into)
        style = self.document.styles[S.CONTACT_BOX]
        frame = style.element.pPr
        oxml.copy_frame(frame, heading._p.get_or_add_pPr())
        self.block(S.CONTACT_BOX, box.text, into)
        tab = round(self.column_width * 0.3)
        for detail in box.details:
            paragraph = self.paragraph(S.CONTACT_BOX, into)
            oxml.set_tab_stop(paragraph._p.get_or_add_pPr(), Emu(tab).twips)
            self.literal(paragraph, detail.label, bold=True)
            self.literal(paragraph, "\t")
            shown = detail.display
            if detail.direction == "ltr" and self.setup.rtl:
                # U+200E LEFT-TO-RIGHT MARK: without it the bidi algorithm ties a
                # leading number to the Arabic label before it, and "100 Example
                # Street" prints as "Example Street 100".
                shown = "\u200e" + shown
            if detail.href is not None:
                self.link(paragraph, shown, detail.href)
            else:
                self.literal(paragraph, shown)

    def disclaimer(self, block: Disclaimer, into: _Container) -> None:
        self.literal(self.paragraph(S.DISCLAIMER_HEADING, into), block.heading)
        self.block(S.DISCLAIMER, block.content, into)

    # -- page furniture ------------------------------------------------------

    def furniture(self, section: DocxSection, companion: _Writer | None = None,
                  pair: BilingualDocument | None = None) -> None:
        """Header and footer; the first page's header leaves the organization to the
        title block so it is not printed twice, but keeps the draft notice.

        Bilingual handouts pass the other language as ``companion``: it writes
        the running head (in the left column's language) and, under this
        writer's draft notice, the same notice in its own language; the footer
        prints both languages (``pair``).
        """
        section.different_first_page_header_footer = True
        lead = companion or self
        furniture = self.tree.furniture
        running_head = furniture.organization or lead.tree.metadata.title
        # A draft says so in every language on the page (the source column's
        # own text is not a draft, but its reader must be told too).
        notices = [(self, self.tree.draft_notice)] if self.tree.draft_notice else []
        if notices and companion is not None:
            notices.append((companion, companion.tree.labels.get("draft_notice", "")))
        logo = _read_picture(self.logo, str(self.logo), None)[0] if self.logo else None
        for header, head in ((section.first_page_header, None), (section.header, running_head)):
            template_paragraph = header.paragraphs[0]._p
            if logo is not None or head is not None or not notices:
                top = lead.paragraph(S.HEADER, header)
                if logo is not None:
                    # Logo and name share a line so the header stays inside the top margin.
                    shape = top.add_run().add_picture(
                        BytesIO(logo), height=Pt(self.sizes.furniture * 2.5)
                    )
                    shape._inline.docPr.set("descr", furniture.organization or "")
                    if head is not None:
                        lead.literal(top, "\u2002")
                if head is not None:
                    lead.literal(top, head)
            for writer, notice in notices:
                if notice:
                    writer.literal(writer.paragraph(S.DRAFT, header), notice)
            header._element.remove(template_paragraph)
        for footer in (section.first_page_footer, section.footer):
            template_paragraph = footer.paragraphs[0]._p
            if companion is None or pair is None:
                self.footer(self.paragraph(S.FOOTER, footer))
            else:
                _paired_footer(pair, self, companion, footer)
            footer._element.remove(template_paragraph)

    def page_counter(self, paragraph: DocxParagraph) -> None:
        """"Page X of Y" with live PAGE and NUMPAGES fields."""
        for part in _PLACEHOLDER.split(self.tree.furniture.page_of):
            if part in _FIELDS:
                for r in oxml.add_field(paragraph, _FIELDS[part], "1"):
                    self._format_run(Run(cast(CT_R, r), paragraph), "1", bold=False, italic=False)
            elif part:
                self.literal(paragraph, part)

    def footer(self, paragraph: DocxParagraph) -> None:
        last_reviewed = self.tree.furniture.last_reviewed
        if last_reviewed:
            self.literal(paragraph, last_reviewed)
            self.literal(paragraph, "\u2003·\u2003")
        self.page_counter(paragraph)


_PARAGRAPH_STYLES = {"body": S.BODY, "summary": S.SUMMARY, "intro": S.BODY, "outro": S.BODY}


def _paired_footer(
    pair: BilingualDocument, target: _Writer, source: _Writer, footer: _Container
) -> None:
    """The footer in both languages, one line each in its own direction, in
    reading order.  (One shared line was tried: LibreOffice orders the page
    number fields of "صفحة 6 من 6" wrongly inside a left-to-right line, even
    inside a bidi isolate.)"""
    for writer in (target, source) if pair.first == "target" else (source, target):
        writer.footer(writer.paragraph(S.FOOTER, footer))


def _read_picture(path: Path, shown: str, field: str | None) -> tuple[bytes, int]:
    """The file's bytes and native width (EMU), or an ExportError naming the file."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ExportError(
            f"image file {shown!r} cannot be read ({exc.strerror or exc})", path=path, field=field
        ) from exc
    try:
        width = int(Image.from_blob(blob).width)
    except UnrecognizedImageError as exc:
        raise ExportError(
            f"image file {shown!r} is not a PNG, JPEG, GIF, BMP or TIFF picture",
            path=path,
            field=field,
        ) from exc
    return blob, width


def _page_setup(section: DocxSection, options: ExportOptions, *, rtl: bool) -> None:
    width, height, margin = _PAPER[options.paper]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(width), Twips(height)
    section.top_margin = section.bottom_margin = Twips(margin)
    section.left_margin = section.right_margin = Twips(margin)
    section.header_distance = section.footer_distance = Twips(_HEADER_DISTANCE)
    section.gutter = Twips(0)
    if rtl:
        oxml.mark_bidi_section(section._sectPr)


def _clip(text: str, limit: int = 255) -> str:
    """Core properties hold at most 255 characters (python-docx enforces
    Office's limit); cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut + "…"


def _metadata(document: Document, doc: LocalizedArticle, tree: TreeDocument) -> None:
    """Core properties from the tree's metadata: title, language, author ..."""
    meta = tree.metadata
    stamp = datetime.combine(document_date(doc), time(0, 0), tzinfo=UTC)
    org = meta.author or ""
    props = document.core_properties
    props.title = _clip(meta.title)
    props.subject = _clip(meta.subject or "")
    props.author = _clip(org)
    props.last_modified_by = _clip(org)
    props.keywords = _clip(", ".join(meta.keywords))
    props.language = tree.lang
    props.comments = ""
    props.category = ""
    props.identifier = _clip(meta.canonical_url or "")
    props.content_status = "Draft" if tree.draft_notice else ""
    props.created = props.modified = stamp
    props.revision = 1
    _replace_part(document, "/docProps/app.xml", _app_properties(org))


_APP_XML = (
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application/><DocSecurity>0</DocSecurity><Company/></Properties>'
)


def _app_properties(company: str) -> bytes:
    """docProps/app.xml naming kedu as the producer.

    python-docx's template claims "Microsoft Macintosh Word" 14.0, the
    Normal.dotm template and a page, word and character count of 0 or 1; Word
    recomputes statistics when it saves, so they are left out rather than
    faked.  ``Company`` is the organization.
    """
    root = parse_xml(_APP_XML)
    application, _security, company_element = list(root)
    application.text = f"kedu {__version__}"
    company_element.text = company
    data: bytes = serialize_part_xml(root)
    return data


def _replace_part(document: Document, partname: str, blob: bytes) -> None:
    """Swap the bytes of a part python-docx keeps as an opaque blob."""
    for part in document.part.package.iter_parts():
        if part.partname == partname:
            part._blob = blob
            return
    raise AssertionError(f"python-docx's template has no {partname}")


def _part_blob(document: Document, partname: str) -> bytes:
    for part in document.part.package.iter_parts():
        if part.partname == partname:
            blob: bytes = part.blob
            return blob
    raise AssertionError(f"python-docx's template has no {partname}")


def _package_settings(document: Document, setup: TextSetup) -> None:
    """Settings and package parts left over from python-docx's template.

    ``w:proofState`` "clean" would tell Word the text was already
    spell-checked; the thumbnail shows the template's blank page in file
    browsers.  An East Asian font gets its font-table entry
    (:data:`~kedu.exporters.docx.language.FONT_HINTS`).
    """
    settings = document.settings.element
    settings.remove_all("w:proofState")
    oxml.set_theme_font_lang(settings, setup.languages)
    rels = document.part.package.rels
    for r_id in [r for r, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(r_id)
    hint = FONT_HINTS.get(setup.east_asian_font or "")
    if hint is not None:
        fonts = parse_xml(_part_blob(document, _FONT_TABLE))
        oxml.add_font_hint(fonts, hint)
        _replace_part(document, _FONT_TABLE, serialize_part_xml(fonts))


# Characters in a cell above which its row may break across pages (about 12 and
# 8 lines of a half-page column): such a row kept whole wastes most of a page.
_SPLIT_ABOVE = 700
_SPLIT_ABOVE_LARGE = 280


def _bilingual_table(
    document: Document, columns: tuple[_Writer, _Writer], *, large_print: bool
) -> None:
    """The side-by-side body: a borderless two-column table, one row per unit.

    The header row (repeated on every page) names the two languages; every
    row is ``cantSplit`` so a pair never starts on one page and ends on the
    next, and headings (``keepNext`` in their style) keep their row with the
    next one in Word.  Each cell is written by its language's writer, so cells
    carry that language's ``w:lang``, and an RTL language's paragraphs
    ``w:bidi`` and runs ``w:rtl``.
    """
    width = columns[0].text_width
    table = document.add_table(rows=0, cols=2)
    tbl = table._tbl
    oxml.set_borderless_table(tbl, round(Emu(width).twips))
    half = width // 2
    for grid_col, col_width in zip(tbl.tblGrid.gridCol_lst, (half, width - half), strict=True):
        grid_col.w = Emu(col_width)
    inner = _COLUMN_GUTTER // 2

    def row(*, header: bool = False) -> tuple[_Cell, _Cell]:
        tr = table.add_row()
        oxml.set_row(tr._tr, header=header, cant_split=True)
        left, right = tr.cells
        oxml.set_cell_margins(left._tc, left=0, right=inner)
        oxml.set_cell_margins(right._tc, left=inner, right=0)
        return left, right

    keep_styles = {
        style.style_id
        for style in document.styles
        if isinstance(style, ParagraphStyle) and style.paragraph_format.keep_with_next
    }

    def fill(cell: _Cell, unit: _Unit) -> None:
        placeholders = list(cell._tc.p_lst)  # python-docx starts a cell with an empty paragraph
        unit.write(cell)
        if len(cell._tc.p_lst) > len(placeholders):
            for p in placeholders:
                cell._tc.remove(p)
        if not unit.keep_next:
            # Word and LibreOffice keep a row with the next when its paragraphs
            # "keep with next"; a callout's heading must not glue its box to
            # the rows after it.
            for p in cell._tc.p_lst:
                if p.style in keep_styles:
                    oxml.set_keep_next(p.get_or_add_pPr(), False)

    for writer, cell in zip(columns, row(header=True), strict=True):
        fill(cell, _Unit("language", writer.language_name, keep_next=True))
    for pair in zip(columns[0].units(), columns[1].units(), strict=True):
        if pair[0].key != pair[1].key:
            raise ExportError(
                f"the bilingual companion does not match the article: "
                f"{pair[0].key!r} is beside {pair[1].key!r}"
            )
        left, right = row()
        if pair[0].key in ("title", "subtitle"):
            # The title block need not drag the summary along: in large print the
            # three rows together can be taller than what is left of page 1.
            pair = (replace(pair[0], keep_next=False), replace(pair[1], keep_next=False))
        if pair[0].span:
            merged = left.merge(right)
            oxml.set_cell_margins(merged._tc, left=0, right=0)
            fill(merged, pair[1])
        else:
            fill(left, pair[0])
            fill(right, pair[1])
        longest = max(_text_length(cell) for cell in (left, right))
        if longest > (_SPLIT_ABOVE_LARGE if large_print else _SPLIT_ABOVE):
            # A pair of long paragraphs may break across pages: kept whole it
            # would leave most of a page empty (or not fit on one at all).
            oxml.set_row(table.rows[-1]._tr, header=False, cant_split=False)
    # A document ends with a paragraph; this one is 1 pt high so it cannot
    # push a blank page after a table that fills the last page.
    end = document.add_paragraph()
    end.paragraph_format.space_before = end.paragraph_format.space_after = Pt(0)
    end.paragraph_format.line_spacing = Pt(1)
    oxml.set_mark_size(end._p.get_or_add_pPr(), 1)


def _text_length(cell: _Cell) -> int:
    return sum(len(t.text or "") for t in cell._tc.iter(qn("w:t")))


def _columns(source: _Writer, target: _Writer) -> tuple[_Writer, _Writer]:
    """Left and right column: the source on the left, the translation on the right.

    An RTL translation (Arabic) therefore sits on the right, where its reader
    starts, and the English on the left, where an English reader starts; the
    table stays a plain left-to-right table (no ``w:bidiVisual``), so cell
    order in the file, tab order and screen-reader order are source first,
    as in the LTR handouts.  Only an RTL source with an LTR translation swaps
    the columns, keeping the RTL language on the right.
    """
    if source.setup.rtl and not target.setup.rtl:
        return target, source
    return source, target


def build_document(
    doc: LocalizedArticle, options: ExportOptions, companion: LocalizedArticle | None = None
) -> Document:
    """The complete python-docx document for ``doc`` (not yet serialized).

    With ``companion`` (the source-language article) the handout is
    bilingual: see :func:`_bilingual_table` and :func:`_columns`.
    """
    setup = text_setup(doc)
    pair: BilingualDocument | None = None
    if companion is not None:
        if companion.article.id != doc.article.id:
            raise ExportError(
                f"the bilingual companion is article {companion.article.id!r}, "
                f"not {doc.article.id!r}"
            )
        pair = build_bilingual(companion, doc, logo=options.logo)
        tree = pair.target
        companion_setup = text_setup(companion)
        page_setup = combined_setup(companion_setup, setup)
    else:
        tree = build_tree(doc, logo=options.logo)
        page_setup = setup
    document, sizes = styled_document(
        page_setup,
        options.large_print,
        bilingual=companion is not None,
        prepare=_package_settings,
    )
    _metadata(document, doc, tree)
    section = document.sections[0]
    _page_setup(section, options, rtl=page_setup.rtl)
    writer = _Writer(document, tree, setup, sizes, options.logo)
    if pair is None:
        writer.furniture(section)
        writer.organization(document)
        for unit in writer.units():
            unit.write(document)
        return document
    source = _Writer(
        document, pair.source, companion_setup, sizes, options.logo, writer.style_ids
    )
    columns = _columns(source, writer)
    for column in columns:
        column.column_width = (column.text_width - _COLUMN_GUTTER * 635) // 2
    writer.furniture(section, companion=source, pair=pair)
    columns[0].organization(document)
    _bilingual_table(document, columns, large_print=options.large_print)
    return document
