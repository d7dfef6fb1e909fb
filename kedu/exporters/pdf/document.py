"""The monolingual handout: document tree → tagged flowables → PDF bytes."""

from __future__ import annotations

from datetime import date
from typing import assert_never

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch

from kedu.document import (
    Box,
    ContactBox,
    Disclaimer,
    Document,
    FaqEntry,
    Figure,
    ItemList,
    Logo,
    Masthead,
    Paragraph,
    Section,
    Subtitle,
    Title,
    build_document,
    printed_texts,
)
from kedu.exporters.base import ExportOptions
from kedu.exporters.pdf.flow import Typesetter
from kedu.exporters.pdf.fonts import font_stack
from kedu.exporters.pdf.layout import (
    Group,
    PageFurniture,
    Sizes,
    Story,
    build_story,
    check_glyphs,
    keep_together,
    properties,
)
from kedu.exporters.pdf.pages import Flowable
from kedu.exporters.pdf.tagging import Node
from kedu.models.localized import LocalizedArticle

__all__ = ["build_pdf", "story"]


def story(document: Document, ts: Typesetter, root: Node) -> list[Flowable]:
    """The flowables of a handout, in reading order; ``root`` receives the
    structure elements."""
    out: list[Flowable] = []
    front = True

    def end_of_front_matter() -> None:
        nonlocal front
        if front:  # a rule between the title block and the body
            out.append(ts.title_rule())
            front = False

    for block in document.blocks:
        match block:
            case Logo():
                out.append(ts.logo(block, root))
            case Masthead():
                out.append(ts.masthead(block, root))
            case Title():
                out.append(ts.title(block, root))
            case Subtitle():
                out.append(ts.subtitle(block, root))
            case Paragraph():
                out.append(ts.paragraph(block, root))
            case Section():
                end_of_front_matter()
                out.extend(section(block, ts, root))
            case Disclaimer():
                end_of_front_matter()
                # The disclaimer and its rule stay together, whole.
                out.append(Group([ts.disclaimer_rule(), *ts.disclaimer_content(block, root)],
                                 splittable=False))
            case _:
                assert_never(block)
    return keep_together(out)


def section(block: Section, ts: Typesetter, root: Node) -> list[Flowable]:
    out: list[Flowable] = []
    if block.heading is not None:
        out.append(ts.heading(block.heading, block.outline, root))
    parent = root
    for child in block.blocks:
        match child:
            case Paragraph():
                out.append(ts.paragraph(child, parent))
            case ItemList():
                items = ts.node(parent, "L")
                out.extend(ts.list_item(entry, items) for entry in child.items)
            case FaqEntry():
                out.extend(ts.faq_entry(child, parent))
            case Box():
                out.append(ts.box(child, parent, block.outline))
            case ContactBox():
                out.append(ts.contact(child, parent))
            case Figure():
                out.append(ts.figure(child, parent, block.outline))
            case _:
                assert_never(child)
    return out


def build_pdf(doc: LocalizedArticle, options: ExportOptions) -> bytes:
    """Lay out and render ``doc``; same input, same bytes."""
    document = build_document(doc, logo=options.logo)
    sizes = Sizes.for_options(options.large_print)
    texts = list(printed_texts(document))
    stack = font_stack(doc.locale, doc.direction, options.large_print, (t for _, t in texts))
    check_glyphs(doc.locale, texts, stack)
    pagesize = A4 if options.paper == "a4" else LETTER
    margin = 0.8 * inch if not options.large_print else 0.7 * inch
    furniture = PageFurniture(
        stack=stack,
        direction=document.direction,
        sizes=sizes,
        organization=document.furniture.organization,
        reviewed=document.furniture.last_reviewed,
        draft_notice=((document.draft_notice, document.direction),)
        if document.draft_notice else (),
        page_counter=document.furniture.page_counter,
        margin=margin,
        page_width=pagesize[0],
    )
    top = furniture.top_margin(margin)
    bottom = furniture.footer_height
    meta = document.metadata
    stamp = meta.review_date or date(2000, 1, 1)

    def make(spacing: float) -> Story:
        root = Node("Document")
        ts = Typesetter(document, stack, sizes, large_print=options.large_print,
                        spacing=spacing)
        flowables = story(document, ts, root)
        return Story(flowables, root, tail=root.elements()[-2:])

    return build_story(
        make,
        pagesize=pagesize,
        margins=(margin, top, bottom),
        props=properties(meta.title, document.lang, meta.author, meta.subject, meta.keywords,
                         stamp),
        furniture=furniture,
        stack=stack,
        body_size=sizes.body,
        stamp=stamp,
    )
