"""Build the document tree from a localized article.

This is the one place where kedu decides how an article is presented in every
format: which blocks a section becomes, how contact details are shown and
linked, the list-term separator, the labels that print, the draft notice, and
which runs are isolated left-to-right text inside right-to-left text.
Renderers never look at the article model again.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import assert_never

from kedu.document.nodes import (
    BilingualDocument,
    Block,
    Box,
    ContactBox,
    ContactDetail,
    Direction,
    Disclaimer,
    Document,
    FaqEntry,
    Figure,
    Furniture,
    Heading,
    Inline,
    ItemList,
    ListEntry,
    Logo,
    Masthead,
    Metadata,
    Paragraph,
    Section,
    SectionBlock,
    Span,
    Subtitle,
    Title,
    plain,
)
from kedu.errors import KeduError
from kedu.localization import phones
from kedu.models.article import (
    CalloutSection,
    CallToActionSection,
    FaqSection,
    ImageSection,
    ListSection,
    ProseSection,
)
from kedu.models.article import Section as ArticleSection
from kedu.models.inline import parse_runs, plain_text
from kedu.models.localized import LocalizedArticle

__all__ = ["TERM_SEPARATOR", "build_bilingual", "build_document", "inline"]

TERM_SEPARATOR = " \u2013 "
"""Between a list term and its description when both print on one line (an en
dash, spaced): the same in every format and language."""


def inline(text: str, lang: str | None = None) -> Inline:
    """Inline markup of an article field → spans (``lang``: the spans' language
    when it is not the document's)."""
    return tuple(
        Span(run.text, strong=run.bold, emphasis=run.italic, href=run.href, lang=lang)
        for run in parse_runs(text)
    )


def _text(doc: LocalizedArticle, path: str, text: str) -> Inline:
    """The segment at ``path``; printed in the source language when its
    translation was missing (``--allow-partial``), its spans say so, so a
    screen reader reads the English fallback with English pronunciation."""
    fallback = path in doc.report.fallbacks and doc.language_tag != doc.article.language
    return inline(text, lang=doc.article.language if fallback else None)


def _strong(content: Inline) -> Inline:
    return tuple(
        Span(s.text, True, s.emphasis, s.href, s.lang, s.direction) for s in content
    )


def build_document(doc: LocalizedArticle, *, logo: Path | None = None) -> Document:
    """The document tree of one localized article.

    ``logo`` is the organization's logo printed at the top (a path already
    checked by the caller's configuration).
    """
    art = doc.article
    labels = doc.labels
    blocks: list[Block] = []
    if logo is not None:
        name = art.organization.name
        blocks.append(Logo("logo", logo, alt=name or ""))
    if art.organization.name:
        blocks.append(Masthead("organization/name", art.organization.name))
    blocks.append(Title("title", _text(doc, "title", art.title)))
    if art.subtitle:
        blocks.append(Subtitle("subtitle", _text(doc, "subtitle", art.subtitle)))
    if art.summary:
        blocks.append(Paragraph("summary", _text(doc, "summary", art.summary), role="summary"))
    blocks.extend(_section(doc, section) for section in art.sections)
    disclaimer_text = art.disclaimer or labels.default_disclaimer
    disclaimer = _text(doc, "disclaimer", disclaimer_text)
    blocks.append(Disclaimer("disclaimer", labels.disclaimer_heading, disclaimer))

    draft = labels.draft_notice if doc.review.is_draft else None
    return Document(
        lang=doc.language_tag,
        locale=doc.locale,
        direction=doc.direction,
        language_name=labels.language_name,
        metadata=Metadata(
            title=plain_text(art.title),
            author=art.organization.name,
            subject=plain_text(art.summary) if art.summary else None,
            keywords=tuple(art.keywords),
            review_date=art.review_date,
            canonical_url=str(art.canonical_url) if art.canonical_url else None,
        ),
        furniture=Furniture(
            organization=art.organization.name,
            last_reviewed=labels.last_reviewed,
            draft_notice=draft,
            page_of=labels.page_of,
            number_locale=labels.page_number_locale,
        ),
        blocks=tuple(blocks),
        draft_notice=draft,
        labels={name: str(value) for name, value in labels.model_dump().items()
                if value is not None},
    )


def build_bilingual(
    source: LocalizedArticle, target: LocalizedArticle, *, logo: Path | None = None
) -> BilingualDocument:
    """Source and translation side by side.

    The source column stays on the left for every target; a right-to-left
    target is read first (its reader starts at the right edge).
    """
    src = build_document(source, logo=logo)
    tgt = build_document(target, logo=logo)
    if [_keys(b) for b in src.blocks] != [_keys(b) for b in tgt.blocks]:
        raise KeduError(
            f"the {target.locale} article does not have the same sections as the "
            f"{source.locale} source, so they cannot be printed side by side"
        )
    return BilingualDocument(
        source=src,
        target=tgt,
        left="source",
        first="target" if target.direction == "rtl" else "source",
    )


def _keys(block: Block) -> tuple[str, ...]:
    if isinstance(block, Section):
        return (block.key, *(b.key for b in block.blocks))
    return (block.key,)


# --- sections ------------------------------------------------------------------------------


def _heading(doc: LocalizedArticle, section_id: str, text: str) -> Heading:
    return Heading(f"{section_id}/heading", 2, _text(doc, f"{section_id}/heading", text))


def _section(doc: LocalizedArticle, section: ArticleSection) -> Section:
    sid = section.id
    heading: Heading | None = None
    blocks: list[SectionBlock] = []
    match section:
        case ProseSection():
            heading = _heading(doc, sid, section.heading)
            blocks += [
                Paragraph(f"{sid}/p{n}", _text(doc, f"{sid}/p{n}", text))
                for n, text in enumerate(section.paragraphs, 1)
            ]
            outline = plain(heading.content)
        case ListSection():
            heading = _heading(doc, sid, section.heading)
            if section.intro:
                intro = _text(doc, f"{sid}/intro", section.intro)
                blocks.append(Paragraph(f"{sid}/intro", intro, role="intro"))
            blocks.append(ItemList(f"{sid}/items", tuple(
                ListEntry(
                    f"{sid}/{item.id}",
                    _strong(_text(doc, f"{sid}/{item.id}/term", item.term)),
                    TERM_SEPARATOR,
                    _text(doc, f"{sid}/{item.id}/description", item.description),
                )
                for item in section.items
            )))
            if section.outro:
                outro = _text(doc, f"{sid}/outro", section.outro)
                blocks.append(Paragraph(f"{sid}/outro", outro, role="outro"))
            outline = plain(heading.content)
        case FaqSection():
            heading = _heading(doc, sid, section.heading)
            blocks += [
                FaqEntry(
                    f"{sid}/{entry.id}",
                    _text(doc, f"{sid}/{entry.id}/question", entry.question),
                    _text(doc, f"{sid}/{entry.id}/answer", entry.answer),
                )
                for entry in section.entries
            ]
            outline = plain(heading.content)
        case CalloutSection():
            label = getattr(doc.labels, section.kind)
            box_heading = _text(doc, f"{sid}/heading", section.heading) if section.heading else None
            blocks.append(Box(f"{sid}/box", section.kind, label, box_heading,
                              _text(doc, f"{sid}/text", section.text)))
            outline = plain(box_heading) if box_heading else label
        case ImageSection():
            blocks.append(_figure(doc, section))
            outline = plain_text(section.caption or section.alt)
        case CallToActionSection():
            contact = ContactBox(
                f"{sid}/box",
                _text(doc, f"{sid}/heading", section.heading),
                _text(doc, f"{sid}/text", section.text),
                contact_details(doc, section),
            )
            blocks.append(contact)
            outline = plain(contact.heading)
        case _:
            assert_never(section)
    return Section(sid, section.type, outline, heading, tuple(blocks))


def _figure(doc: LocalizedArticle, section: ImageSection) -> Figure:
    src = Path(section.src)
    path = src if src.is_absolute() else ((doc.base_dir or Path(".")) / src).resolve()
    credit = doc.labels.photo_credit.format(credit=section.credit) if section.credit else None
    caption = _text(doc, f"{section.id}/caption", section.caption) if section.caption else None
    return Figure(f"{section.id}/figure", path, section.alt, caption, credit)


# --- contact details -----------------------------------------------------------------------


def contact_details(
    doc: LocalizedArticle, section: CallToActionSection
) -> tuple[ContactDetail, ...]:
    """The organization's details a contact box shows, in the order it asks for.

    A detail the organization lacks is left out (validation warns when a box
    would show none).
    """
    org = doc.article.organization
    labels = doc.labels
    out: list[ContactDetail] = []
    for kind in dict.fromkeys(section.show):
        match kind:
            case "phone":
                if org.phone:
                    display, href = phones.phone_display(org.phone, org.country)
                    out.append(ContactDetail(kind, labels.call_us, display, href))
            case "website":
                if org.website:
                    url = str(org.website)
                    out.append(ContactDetail(kind, labels.website, display_url(url), url))
            case "email":
                if org.email:
                    out.append(ContactDetail(kind, labels.email, org.email,
                                             f"mailto:{org.email}"))
            case "address":
                if org.address:
                    out.append(ContactDetail(kind, labels.address, org.address, None))
            case _:
                assert_never(kind)
    return tuple(
        ContactDetail(d.kind, d.label, d.display, d.href, _isolation(d.display, doc.direction))
        for d in out
    )


def display_url(url: str) -> str:
    """Patients type what they read: no scheme, no trailing slash."""
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix):]
    return url.rstrip("/")


def _isolation(value: str, direction: Direction) -> Direction | None:
    """A value whose first strong character is left-to-right (a URL, an address
    starting with a house number) keeps its own order inside right-to-left text."""
    if direction != "rtl":
        return None
    for ch in value:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return None
    return "ltr" if any(ch.isdigit() for ch in value) else None
