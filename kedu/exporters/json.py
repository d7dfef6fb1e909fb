"""JSON export (envelope version 2): a handout as data, for websites and programs.

Rendered from the document tree like every other format, so a website shows
exactly what the PDF prints.  The envelope (schema: ``kedu schema --export``,
shipped as ``kedu/schema/export.schema.json``) holds:

* what the text is: ``locale``, ``language_tag``, ``direction``,
  ``language_name``, ``source_language`` and ``source_checksum``;
* whether it may be trusted: ``review`` (``state`` is ``source``, ``reviewed``
  or ``draft``) and ``fallbacks`` / ``label_fallbacks`` (the message contexts
  and labels printed in the source language because the translation had none,
  only with ``--allow-partial``; a non-empty list always makes a draft), and
  ``draft_notice``, the sentence to show with a draft;
* ``labels``: kedu's printed words in the document's language;
* ``document``: the printed blocks in reading order, each inline text as
  ``{"text", "spans", "html"}`` — structured spans (type, text, strong,
  emphasis, href, lang, dir) and the same content as sanitized HTML to drop
  into a page;
* ``article``: the localized article in the article format, its ``language``
  the target language.

An export is not an article source: :func:`kedu.load_article` refuses it (see
:mod:`kedu.load`), so a translated export can never be exported again as if it
were English.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, assert_never

from kedu.document import (
    Block,
    Box,
    ContactBox,
    Disclaimer,
    Document,
    FaqEntry,
    Figure,
    Inline,
    ItemList,
    Logo,
    Masthead,
    Paragraph,
    Section,
    SectionBlock,
    Subtitle,
    Title,
    build_document,
    plain,
)
from kedu.exporters.base import Exporter, ExportOptions
from kedu.exporters.html.markup import inline as inline_html
from kedu.exporters.html.markup import safe_href
from kedu.exporters.html.markup import text as html_text
from kedu.models.localized import LocalizedArticle

__all__ = ["FORMAT_VERSION", "JsonExporter", "envelope"]

FORMAT_VERSION = 2


def _inline(content: Inline) -> dict[str, Any]:
    spans = []
    for span in content:
        href = safe_href(span.href)
        item: dict[str, Any] = {"type": "link" if href else "text", "text": span.text}
        if span.strong:
            item["strong"] = True
        if span.emphasis:
            item["emphasis"] = True
        if href:
            item["href"] = href
        if span.lang:
            item["lang"] = span.lang
        if span.direction:
            item["dir"] = span.direction
        spans.append(item)
    return {"text": plain(content), "spans": spans, "html": inline_html(content)}


def _literal(value: str) -> dict[str, Any]:
    """A label or other literal text in the same shape as inline content."""
    return {"text": value, "spans": [{"type": "text", "text": value}], "html": html_text(value)}


def _section_block(block: SectionBlock) -> dict[str, Any]:
    match block:
        case Paragraph():
            return {"type": "paragraph", "key": block.key, "role": block.role,
                    "content": _inline(block.content)}
        case ItemList():
            return {"type": "list", "key": block.key, "items": [
                {"key": item.key, "term": _inline(item.label), "separator": item.separator,
                 "description": _inline(item.body)}
                for item in block.items
            ]}
        case FaqEntry():
            return {"type": "faq_entry", "key": block.key, "question": _inline(block.question),
                    "answer": _inline(block.answer)}
        case Box():
            return {"type": "box", "key": block.key, "kind": block.kind,
                    "label": _literal(block.label),
                    "heading": _inline(block.heading) if block.heading is not None else None,
                    "text": _inline(block.body)}
        case ContactBox():
            return {"type": "contact", "key": block.key, "heading": _inline(block.heading),
                    "text": _inline(block.text), "details": [
                        {"kind": d.kind, "label": d.label, "display": d.display,
                         "href": safe_href(d.href), "dir": d.direction}
                        for d in block.details
                    ]}
        case Figure():
            return {"type": "figure", "key": block.key, "src": block.path.name, "alt": block.alt,
                    "caption": _inline(block.caption) if block.caption is not None else None,
                    "credit": block.credit}
        case _:
            assert_never(block)


def _block(block: Block) -> dict[str, Any]:
    match block:
        case Logo():
            return {"type": "logo", "key": block.key, "src": block.path.name, "alt": block.alt}
        case Masthead():
            return {"type": "masthead", "key": block.key, "text": block.text}
        case Title():
            return {"type": "title", "key": block.key, "content": _inline(block.content)}
        case Subtitle():
            return {"type": "subtitle", "key": block.key, "content": _inline(block.content)}
        case Paragraph():
            return _section_block(block)
        case Section():
            heading = None
            if block.heading is not None:
                heading = {"key": block.heading.key, "level": block.heading.level,
                           "content": _inline(block.heading.content)}
            return {"type": "section", "key": block.key, "kind": block.kind,
                    "outline": block.outline, "heading": heading,
                    "blocks": [_section_block(child) for child in block.blocks]}
        case Disclaimer():
            return {"type": "disclaimer", "key": block.key, "heading": _literal(block.heading),
                    "content": _inline(block.content)}
        case _:
            assert_never(block)


def envelope(doc: LocalizedArticle, tree: Document | None = None) -> dict[str, Any]:
    """The JSON-ready envelope for ``doc`` (``tree``: its document tree, if built)."""
    tree = tree or build_document(doc)
    article = doc.article.model_dump(mode="json", exclude_none=True)
    source_language = article.get("language", "en")
    article["language"] = doc.language_tag
    meta = tree.metadata
    return {
        "kedu": FORMAT_VERSION,
        "locale": doc.locale,
        "language_tag": doc.language_tag,
        "direction": doc.direction,
        "language_name": tree.language_name,
        "source_language": source_language,
        "source_checksum": doc.source_checksum,
        "review": doc.review.model_dump(mode="json"),
        "fallbacks": list(doc.report.fallbacks),
        "label_fallbacks": list(doc.report.label_fallbacks),
        "draft_notice": tree.draft_notice,
        "labels": dict(sorted(tree.labels.items())),
        "metadata": {
            "title": meta.title,
            "author": meta.author,
            "subject": meta.subject,
            "keywords": list(meta.keywords),
            "review_date": meta.review_date.isoformat() if meta.review_date else None,
            "canonical_url": meta.canonical_url,
        },
        "document": {
            "last_reviewed": tree.furniture.last_reviewed,
            "blocks": [_block(block) for block in tree.blocks],
        },
        "article": article,
    }


class JsonExporter(Exporter):
    name: ClassVar[str] = "json"
    extension: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"

    def export(self, doc: LocalizedArticle, options: ExportOptions) -> bytes:
        tree = build_document(doc, logo=options.logo)
        text = json.dumps(envelope(doc, tree), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
