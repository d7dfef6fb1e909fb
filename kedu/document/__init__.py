"""The semantic document tree: one form of a handout that every renderer consumes.

Pipeline position::

    load → models → localization → document → exporters (pdf, docx, html, json) → write

:func:`build_document` turns a :class:`~kedu.models.LocalizedArticle` into a
:class:`Document` (and :func:`build_bilingual` two of them into a
:class:`BilingualDocument`); renderers translate its blocks and spans into their
format and decide nothing that all formats share.  See :mod:`kedu.document.nodes`
for the types and :mod:`kedu.document.walk` for walking a tree.
"""

from __future__ import annotations

from kedu.document.build import (
    TERM_SEPARATOR,
    build_bilingual,
    build_document,
    contact_details,
    display_url,
    inline,
)
from kedu.document.nodes import (
    PAIR_SEPARATOR,
    BilingualDocument,
    Block,
    Box,
    BoxKind,
    ContactBox,
    ContactDetail,
    ContactKind,
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
    ParagraphRole,
    Section,
    SectionBlock,
    Span,
    Subtitle,
    Title,
    plain,
)
from kedu.document.walk import block_texts, printed_texts

__all__ = [
    "PAIR_SEPARATOR",
    "TERM_SEPARATOR",
    "BilingualDocument",
    "Block",
    "Box",
    "BoxKind",
    "ContactBox",
    "ContactDetail",
    "ContactKind",
    "Direction",
    "Disclaimer",
    "Document",
    "FaqEntry",
    "Figure",
    "Furniture",
    "Heading",
    "Inline",
    "ItemList",
    "ListEntry",
    "Logo",
    "Masthead",
    "Metadata",
    "Paragraph",
    "ParagraphRole",
    "Section",
    "SectionBlock",
    "Span",
    "Subtitle",
    "Title",
    "block_texts",
    "build_bilingual",
    "build_document",
    "contact_details",
    "display_url",
    "inline",
    "plain",
    "printed_texts",
]
