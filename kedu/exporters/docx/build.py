"""Walk a localized article and write it as styled paragraphs.

Every visible piece of text goes through :meth:`_Writer.inline` (marked-up text,
split by :func:`kedu.models.inline.parse_runs`) or :meth:`_Writer.literal`
(labels, contact details), and every run through :meth:`_Writer._format_run`, so
language, direction and fonts are applied in exactly one place.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import cast

import docx
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Emu, Pt, Twips
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from kedu.errors import ExportError
from kedu.exporters.base import ExportOptions
from kedu.exporters.docx import oxml
from kedu.exporters.docx.language import TextSetup, text_setup
from kedu.exporters.docx.styles import CALLOUT_STYLES, S, Sizes, install_styles
from kedu.models.article import (
    CalloutSection,
    CallToActionSection,
    FaqSection,
    ImageSection,
    ListSection,
    ProseSection,
)
from kedu.models.inline import parse_runs, plain_text
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


def document_date(doc: LocalizedArticle) -> date:
    """The one date a handout carries: its clinical review date, else a fixed one.

    Core properties and zip timestamps use it instead of "now", so exports
    are reproducible.
    """
    return doc.article.review_date or FALLBACK_DATE


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in text)


class _Writer:
    def __init__(
        self,
        document: Document,
        doc: LocalizedArticle,
        setup: TextSetup,
        sizes: Sizes,
        logo: Path | None,
    ) -> None:
        self.document = document
        self.doc = doc
        self.setup = setup
        self.sizes = sizes
        self.logo = logo
        # Style name -> id, resolved once: python-docx resolves names with a
        # linear scan of all styles, which otherwise dominates export time.
        self.style_ids: dict[str, str] = {}
        body = document.sections[0]
        self.text_width = int(body.page_width or 0) - int(body.left_margin or 0) - int(
            body.right_margin or 0
        )

    # -- paragraphs and runs -------------------------------------------------

    def paragraph(self, style: str, container: BlockItemContainer | None = None) -> Paragraph:
        """A new paragraph at the end of ``container`` (default: the body)."""
        paragraph = (container or self.document).add_paragraph()
        paragraph._p.style = self._style_id(style)
        if self.setup.rtl:
            oxml.mark_bidi_paragraph(paragraph._p.get_or_add_pPr())
        return paragraph

    def _style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def _add_run(self, paragraph: Paragraph, text: str, style: str | None) -> Run:
        run = paragraph.add_run(text)
        if style is not None:
            run._r.style = self._style_id(style)
        return run

    def _format_run(self, run: Run, text: str, *, bold: bool, italic: bool) -> None:
        rpr = run._r.get_or_add_rPr()
        if self.setup.east_asian_font:
            oxml.set_fonts(rpr, east_asia=self.setup.east_asian_font, hint="eastAsia")
        oxml.set_bold_italic(rpr, bold=bold, italic=italic)
        if self.setup.rtl and _has_rtl(text):
            oxml.set_rtl(rpr)
        oxml.set_language(rpr, self.setup.languages)

    def literal(
        self, paragraph: Paragraph, text: str, *, bold: bool = False, style: str | None = None
    ) -> Run:
        """Text printed exactly as given (labels, phone numbers): no markup parsing."""
        run = self._add_run(paragraph, text, style)
        self._format_run(run, text, bold=bold, italic=False)
        return run

    def inline(self, paragraph: Paragraph, text: str, *, style: str | None = None) -> None:
        """Marked-up text; links become real hyperlinks (one per consecutive href)."""
        link: BaseOxmlElement | None = None
        link_href: str | None = None
        for piece in parse_runs(text):
            run = self._add_run(paragraph, piece.text, style)
            self._format_run(run, piece.text, bold=piece.bold, italic=piece.italic)
            if piece.href is None:
                link = link_href = None
                continue
            if link is None or link_href != piece.href:
                link, link_href = oxml.add_hyperlink(paragraph, piece.href), piece.href
            run._r.style = self._style_id(S.HYPERLINK)
            link.append(run._r)

    def link(self, paragraph: Paragraph, text: str, href: str) -> None:
        """A literal text linked to ``href`` (website and e-mail contact lines)."""
        target = oxml.add_hyperlink(paragraph, href)
        run = self.literal(paragraph, text, style=S.HYPERLINK)
        target.append(run._r)

    def block(self, style: str, text: str | None) -> Paragraph | None:
        if text is None:
            return None
        paragraph = self.paragraph(style)
        self.inline(paragraph, text)
        return paragraph

    # -- article parts -------------------------------------------------------

    def title_block(self) -> None:
        article = self.doc.article
        if article.organization.name:
            self.literal(self.paragraph(S.ORGANIZATION), article.organization.name)
        self.block(S.TITLE, article.title)
        self.block(S.SUBTITLE, article.subtitle)
        self.block(S.SUMMARY, article.summary)

    def sections(self) -> None:
        for index, section in enumerate(self.doc.article.sections):
            if isinstance(section, ProseSection):
                self.block(S.HEADING_1, section.heading)
                for text in section.paragraphs:
                    self.block(S.BODY, text)
            elif isinstance(section, ListSection):
                self.block(S.HEADING_1, section.heading)
                self.block(S.BODY, section.intro)
                for item in section.items:
                    paragraph = self.paragraph(S.LIST)
                    self.inline(paragraph, item.term, style=S.TERM)
                    self.literal(paragraph, self.setup.term_separator, style=S.TERM)
                    self.inline(paragraph, item.description)
                self.block(S.BODY, section.outro)
            elif isinstance(section, FaqSection):
                self.block(S.HEADING_1, section.heading)
                for entry in section.entries:
                    self.block(S.QUESTION, entry.question)
                    self.block(S.BODY, entry.answer)
            elif isinstance(section, CalloutSection):
                self.callout(section)
            elif isinstance(section, ImageSection):
                self.image(section, index)
            elif isinstance(section, CallToActionSection):
                self.call_to_action(section)

    def callout(self, section: CalloutSection) -> None:
        """The translated kind word leads the box, so the warning survives greyscale
        printing and is announced by screen readers, not only shown by colour."""
        style = CALLOUT_STYLES[section.kind]
        kind_word = getattr(self.doc.labels, section.kind)
        lead = f"{kind_word}{self.setup.term_separator}"
        if section.heading is not None:
            heading = self.paragraph(style.heading_style)
            self.literal(heading, lead)
            self.inline(heading, section.heading)
            self.inline(self.paragraph(style.style), section.text)
        else:
            paragraph = self.paragraph(style.style)
            self.literal(paragraph, lead, bold=True)
            self.inline(paragraph, section.text)

    def image(self, section: ImageSection, index: int) -> None:
        path = Path(section.src)
        if not path.is_absolute() and self.doc.base_dir is not None:
            path = self.doc.base_dir / path
        blob, native_width = _read_picture(path, section.src, f"sections[{index}].src")
        paragraph = self.paragraph(S.FIGURE)
        run = paragraph.add_run()
        shape = run.add_picture(BytesIO(blob), width=Emu(min(native_width, self.text_width)))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", section.alt)
        doc_pr.set("name", path.name)
        self.block(S.CAPTION, section.caption)
        if section.credit is not None:
            credit = self.paragraph(S.CREDIT)
            self.literal(credit, self.doc.labels.photo_credit.replace("{credit}", section.credit))

    def call_to_action(self, section: CallToActionSection) -> None:
        org = self.doc.article.organization
        labels = self.doc.labels
        self.block(S.HEADING_1, section.heading)
        self.block(S.BODY, section.text)
        for kind in section.show:
            paragraph: Paragraph | None = None
            if kind == "phone" and org.phone:
                paragraph = self._contact(labels.call_us)
                self.literal(paragraph, self.value(org.phone))
            elif kind == "website" and org.website:
                url = str(org.website)
                shown = url[:-1] if url.endswith("/") and org.website.path == "/" else url
                self.link(self._contact(labels.website), self.value(shown), url)
            elif kind == "email" and org.email:
                self.link(self._contact(labels.email), self.value(org.email), f"mailto:{org.email}")
            elif kind == "address" and org.address:
                self.literal(self._contact(labels.address), self.value(org.address))

    def value(self, text: str) -> str:
        """A contact detail as printed: in RTL handouts, Latin-only text (addresses,
        URLs) is led by U+200E LEFT-TO-RIGHT MARK.  Without it the bidi algorithm
        ties a leading number to the Arabic label before it, and
        "100 Example Street" prints as "Example Street 100"."""
        if self.setup.rtl and not _has_rtl(text):
            return "\u200e" + text
        return text

    def _contact(self, label: str) -> Paragraph:
        paragraph = self.paragraph(S.CONTACT)
        self.literal(paragraph, f"{label}{self.setup.term_separator}", bold=True)
        return paragraph

    def disclaimer(self) -> None:
        self.literal(self.paragraph(S.HEADING_1), self.doc.labels.disclaimer_heading)
        self.block(S.DISCLAIMER, self.doc.disclaimer)

    # -- page furniture ------------------------------------------------------

    def furniture(self, section: Section) -> None:
        """Header and footer; the first page's header leaves the organization to the
        title block so it is not printed twice, but keeps the draft notice."""
        section.different_first_page_header_footer = True
        org = self.doc.article.organization.name
        running_head = org or plain_text(self.doc.article.title)
        draft = self.doc.labels.draft_notice if self.doc.review.is_draft else None
        logo = _read_picture(self.logo, str(self.logo), None)[0] if self.logo else None
        for header, head in ((section.first_page_header, None), (section.header, running_head)):
            template_paragraph = header.paragraphs[0]._p
            if logo is not None or head is not None or draft is None:
                top = self.paragraph(S.HEADER, header)
                if logo is not None:
                    # Logo and name share a line so the header stays inside the top margin.
                    shape = top.add_run().add_picture(
                        BytesIO(logo), height=Pt(self.sizes.furniture * 2.5)
                    )
                    shape._inline.docPr.set("descr", org or "")
                    if head is not None:
                        self.literal(top, "\u2002")
                if head is not None:
                    self.literal(top, head)
            if draft is not None:
                self.literal(self.paragraph(S.DRAFT, header), draft)
            header._element.remove(template_paragraph)
        for footer in (section.first_page_footer, section.footer):
            template_paragraph = footer.paragraphs[0]._p
            self.footer(self.paragraph(S.FOOTER, footer))
            footer._element.remove(template_paragraph)

    def footer(self, paragraph: Paragraph) -> None:
        labels = self.doc.labels
        if labels.last_reviewed:
            self.literal(paragraph, labels.last_reviewed)
            self.literal(paragraph, "\u2003·\u2003")
        for part in _PLACEHOLDER.split(labels.page_of):
            if part in _FIELDS:
                for r in oxml.add_field(paragraph, _FIELDS[part], "1"):
                    self._format_run(Run(cast(CT_R, r), paragraph), "1", bold=False, italic=False)
            elif part:
                self.literal(paragraph, part)


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


def _page_setup(section: Section, options: ExportOptions, setup: TextSetup) -> None:
    width, height, margin = _PAPER[options.paper]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(width), Twips(height)
    section.top_margin = section.bottom_margin = Twips(margin)
    section.left_margin = section.right_margin = Twips(margin)
    section.header_distance = section.footer_distance = Twips(_HEADER_DISTANCE)
    section.gutter = Twips(0)
    if setup.rtl:
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


def _metadata(document: Document, doc: LocalizedArticle) -> None:
    article = doc.article
    stamp = datetime.combine(document_date(doc), time(0, 0), tzinfo=UTC)
    org = article.organization.name or ""
    props = document.core_properties
    props.title = _clip(plain_text(article.title))
    props.subject = _clip(plain_text(article.summary)) if article.summary else ""
    props.author = _clip(org)
    props.last_modified_by = _clip(org)
    props.keywords = _clip(", ".join(article.keywords))
    props.language = doc.language_tag
    props.comments = ""
    props.category = ""
    props.identifier = _clip(str(article.canonical_url)) if article.canonical_url else ""
    props.content_status = "Draft" if doc.review.is_draft else ""
    props.created = props.modified = stamp
    props.revision = 1


def _package_settings(document: Document, setup: TextSetup) -> None:
    """Settings and package parts left over from python-docx's template.

    ``w:proofState`` "clean" would tell Word the text was already
    spell-checked; the thumbnail shows the template's blank page in file browsers.
    """
    settings = document.settings.element
    settings.remove_all("w:proofState")
    oxml.set_theme_font_lang(settings, setup.languages)
    rels = document.part.package.rels
    for r_id in [r for r, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(r_id)


def build_document(doc: LocalizedArticle, options: ExportOptions) -> Document:
    """The complete python-docx document for ``doc`` (not yet serialized)."""
    document = docx.Document()
    setup = text_setup(doc)
    sizes = install_styles(document, setup, options.large_print)
    _package_settings(document, setup)
    _metadata(document, doc)
    section = document.sections[0]
    _page_setup(section, options, setup)
    writer = _Writer(document, doc, setup, sizes, options.logo)
    writer.furniture(section)
    writer.title_block()
    writer.sections()
    writer.disclaimer()
    return document
