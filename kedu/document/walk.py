"""Walk a document tree: everything a renderer prints, with where it comes from.

The glyph-coverage check and any "same text in every format" comparison walk
the tree here, so they check exactly what prints, never a hand-kept copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import assert_never

from kedu.document.nodes import (
    BilingualDocument,
    Block,
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
    SectionBlock,
    Subtitle,
    Title,
    plain,
)

__all__ = ["block_texts", "printed_texts"]

# Page counters are drawn with numbers up to the page count; these samples
# cover every digit in one and two-digit forms for the glyph check.
_SAMPLE_PAGES = [(n, n * 11) for n in range(1, 10)]


def printed_texts(document: Document | BilingualDocument) -> Iterator[tuple[str, str]]:
    """(key, plain text) for everything printed: content, labels and page furniture.

    Alt text is not printed (it goes to the structure tree and ``alt``
    attributes), so it is not listed.
    """
    if isinstance(document, BilingualDocument):
        yield from _bilingual(document)
        return
    for block in document.blocks:
        yield from block_texts(block)
    yield from _furniture(document)


def _furniture(document: Document) -> Iterator[tuple[str, str]]:
    furniture = document.furniture
    yield "labels.page_of", " ".join(furniture.page_counter(p, n) for p, n in _SAMPLE_PAGES)
    if furniture.organization:
        yield "organization/name", furniture.organization
    if furniture.last_reviewed:
        yield "labels.last_reviewed", furniture.last_reviewed
    if document.draft_notice:
        yield "labels.draft_notice", document.draft_notice


def _bilingual(document: BilingualDocument) -> Iterator[tuple[str, str]]:
    source, target = document.source, document.target
    for doc in (source, target):
        for block in doc.blocks:
            yield from block_texts(block)
        yield from _furniture(doc)
        yield "labels.language_name", doc.language_name
    for page, pages in _SAMPLE_PAGES:
        yield "labels.page_of", document.paired(
            source.furniture.page_counter(page, pages), target.furniture.page_counter(page, pages)
        )


def block_texts(block: Block | SectionBlock) -> Iterator[tuple[str, str]]:
    """(key, plain text) of what one block prints, in reading order."""
    match block:
        case Logo():
            return
        case Masthead():
            yield block.key, block.text
        case Title() | Subtitle() | Paragraph():
            yield block.key, plain(block.content)
        case Section():
            if block.heading is not None:
                yield block.heading.key, plain(block.heading.content)
            for child in block.blocks:
                yield from block_texts(child)
        case ItemList():
            for item in block.items:
                yield f"{item.key}/term", plain(item.label)
                yield f"{item.key}/separator", item.separator
                yield f"{item.key}/description", plain(item.body)
        case FaqEntry():
            yield f"{block.key}/question", plain(block.question)
            yield f"{block.key}/answer", plain(block.answer)
        case Box():
            yield f"labels.{block.kind}", block.label
            if block.heading is not None:
                yield f"{block.key}/heading", plain(block.heading)
            yield f"{block.key}/text", plain(block.body)
        case ContactBox():
            yield f"{block.key}/heading", plain(block.heading)
            yield f"{block.key}/text", plain(block.text)
            for detail in block.details:
                yield f"labels.{detail.kind}", detail.label
                yield f"organization/{detail.kind}", detail.display
        case Figure():
            if block.caption is not None:
                yield f"{block.key}/caption", plain(block.caption)
            if block.credit is not None:
                yield f"{block.key}/credit", block.credit
        case Disclaimer():
            yield "labels.disclaimer_heading", block.heading
            yield block.key, plain(block.content)
        case _:
            assert_never(block)
