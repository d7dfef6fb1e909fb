"""The JSON Schema of kedu's JSON export (envelope version 2).

Kept apart from the article schema (:mod:`kedu.schema`): an export is what a
website or program reads, an article is what kedu loads.  The export schema
embeds the article schema (the ``article`` member is a localized article) so
it validates on its own.  ``export.schema.json`` next to this file is
``kedu schema --export``; a test checks that it is current.
"""

from __future__ import annotations

import json
from typing import Any

EXPORT_SCHEMA_ID = "https://example.org/kedu/export.schema.json"


def _str(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _nullable(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "anyOf": [schema, {"type": "null"}]}


def _object(description: str, properties: dict[str, Any], required: list[str] | None = None,
            ) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


_INLINE = "#/$defs/Inline"
_SPAN = _object(
    "A stretch of text with one style.",
    {
        "type": {"enum": ["text", "link"], "description": "'link' when the span has an href."},
        "text": _str("The text, unescaped."),
        "strong": {"const": True, "description": "Bold (present only when true)."},
        "emphasis": {"const": True, "description": "Emphasis (present only when true)."},
        "href": {"type": "string", "pattern": "^(https?|mailto|tel):",
                 "description": "Link target: http, https, mailto or tel only."},
        "lang": _str("BCP 47 tag, only where the span's language differs from the block's."),
        "dir": {"enum": ["ltr", "rtl"],
                "description": "Direction to isolate the span in, only where it differs."},
    },
    required=["type", "text"],
)
_INLINE_DEF = _object(
    "Inline content: plain text, structured spans and sanitized HTML of the same content.",
    {
        "text": _str("The printed text without styles."),
        "spans": {"type": "array", "items": {"$ref": "#/$defs/Span"},
                  "description": "Spans in reading order."},
        "html": _str("The content as HTML (escaped text, strong, em, a with http/https/mailto/"
                     "tel links, span lang/dir): safe to insert into a page."),
    },
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}Block"}


def _block(kind: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return _object(description, {
        "type": {"const": kind, "description": "Block type."},
        "key": _str("Stable id path of the article text the block comes from."),
        **properties,
    })


_BLOCKS: dict[str, dict[str, Any]] = {
    "Logo": _block("logo", "The organization's logo.", {
        "src": _str("File name of the image."), "alt": _str("Text alternative.")}),
    "Masthead": _block("masthead", "The organization's name above the title.",
                       {"text": _str("The name.")}),
    "Title": _block("title", "The article's title (the one top-level heading).",
                    {"content": {"$ref": _INLINE}}),
    "Subtitle": _block("subtitle", "A line under the title.", {"content": {"$ref": _INLINE}}),
    "Paragraph": _block("paragraph", "A paragraph.", {
        "role": {"enum": ["body", "summary", "intro", "outro"],
                 "description": "summary (under the title), a list's intro or outro, or body."},
        "content": {"$ref": _INLINE}}),
    "List": _block("list", "Term/description items.", {"items": {
        "type": "array", "description": "The items in order.",
        "items": _object("One item.", {
            "key": _str("Id path of the item."),
            "term": {"$ref": _INLINE},
            "separator": _str("Printed between term and description on one line."),
            "description": {"$ref": _INLINE},
        })}}),
    "FaqEntry": _block("faq_entry", "A question and its answer.", {
        "question": {"$ref": _INLINE}, "answer": {"$ref": _INLINE}}),
    "Box": _block("box", "A note, warning or tip box.", {
        "kind": {"enum": ["note", "warning", "tip"], "description": "The kind of box."},
        "label": {"$ref": _INLINE, "description": "The printed kind word (\"Warning\")."},
        "heading": _nullable({"$ref": _INLINE}, "The box's own heading (not an outline "
                             "heading)."),
        "text": {"$ref": _INLINE}}),
    "Contact": _block("contact", "The contact box.", {
        "heading": {"$ref": _INLINE}, "text": {"$ref": _INLINE},
        "details": {"type": "array", "description": "Labelled contact details.",
                    "items": _object("One contact detail.", {
                        "kind": {"enum": ["phone", "website", "email", "address"],
                                 "description": "What the detail is."},
                        "label": _str("Printed label (\"Call us\")."),
                        "display": _str("What patients read and type."),
                        "href": _nullable({"type": "string", "pattern": "^(https?|mailto|tel):"},
                                          "Link target (tel: in E.164-like digits)."),
                        "dir": _nullable({"enum": ["ltr", "rtl"]},
                                         "Direction to isolate the value in."),
                    })}}),
    "Figure": _block("figure", "A picture.", {
        "src": _str("File name of the image (not embedded)."),
        "alt": _str("Text alternative for screen readers (not printed)."),
        "caption": _nullable({"$ref": _INLINE}, "Caption."),
        "credit": _nullable({"type": "string"}, "Printed credit line (\"Photo: …\").")}),
    "Disclaimer": _block("disclaimer", "The medical disclaimer at the end.", {
        "heading": {"$ref": _INLINE}, "content": {"$ref": _INLINE}}),
}
_SECTION_BLOCKS = ["Paragraph", "List", "FaqEntry", "Box", "Contact", "Figure"]
_BLOCKS["Section"] = _block("section", "One section of the article.", {
    "kind": {"enum": ["prose", "list", "faq", "callout", "image", "call_to_action"],
             "description": "The article's section type."},
    "outline": _str("The section's entry in bookmarks and navigation."),
    "heading": _nullable(_object("The section heading.", {
        "key": _str("Id path."), "level": {"type": "integer", "minimum": 2,
                                           "description": "2 under the title."},
        "content": {"$ref": _INLINE}}), "The section heading, if it has one."),
    "blocks": {"type": "array", "description": "The section's blocks.",
               "items": {"oneOf": [_ref(n) for n in _SECTION_BLOCKS]}},
})
_TOP_BLOCKS = ["Logo", "Masthead", "Title", "Subtitle", "Paragraph", "Section", "Disclaimer"]


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a kedu JSON export."""
    from kedu.schema import article_schema

    article: dict[str, Any] = dict(article_schema())
    article_defs: dict[str, Any] = article.pop("$defs", {})
    for meta in ("$schema", "$id"):
        article.pop(meta, None)
    review = _object("Whether a qualified person reviewed the translation.", {
        "state": {"enum": ["source", "reviewed", "draft"],
                  "description": "'source' for the original language, 'reviewed', or 'draft' "
                                 "(unreviewed: show draft_notice)."},
        "reviewed_by": _nullable({"type": "string"}, "Reviewer named in the catalog."),
        "review_date": _nullable({"type": "string", "format": "date"}, "Date of the review."),
        "reason": _nullable({"type": "string"}, "Why the catalog counts as a draft."),
    })
    properties = {
        "kedu": {"const": 2, "description": "Envelope format version."},
        "locale": _str("Babel locale of the text (zh_Hans)."),
        "language_tag": _str("BCP 47 tag of the text (zh-Hans): use it for lang attributes."),
        "direction": {"enum": ["ltr", "rtl"], "description": "Main text direction."},
        "language_name": _str("The language's name in itself (español)."),
        "source_language": _str("Language of the source article the text was translated "
                                 "from."),
        "source_checksum": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$",
                            "description": "sha256 of the source article: changes when the "
                                           "English changes."},
        "review": review,
        "fallbacks": {"type": "array", "items": {"type": "string"},
                      "description": "Message contexts (id paths) printed in the source "
                                     "language because the translation was missing, fuzzy or "
                                     "failed a check (only with allow_partial; makes a draft)."},
        "label_fallbacks": {"type": "array", "items": {"type": "string"},
                            "description": "kedu labels printed in the source language."},
        "draft_notice": _nullable({"type": "string"}, "The notice to show with a draft "
                                  "translation; null when reviewed or the source language."),
        "labels": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "kedu's printed words in this language (warning, call_us, "
                                  "disclaimer_heading, draft_notice, page_of, ...)."},
        "metadata": _object("Document properties.", {
            "title": _str("Title as plain text."),
            "author": _nullable({"type": "string"}, "The organization."),
            "subject": _nullable({"type": "string"}, "The summary as plain text."),
            "keywords": {"type": "array", "items": {"type": "string"},
                         "description": "Search keywords."},
            "review_date": _nullable({"type": "string", "format": "date"},
                                     "Clinical review date."),
            "canonical_url": _nullable({"type": "string"}, "Where the article lives online."),
        }),
        "document": _object("What prints, in reading order.", {
            "last_reviewed": _nullable({"type": "string"}, "The printed review line."),
            "blocks": {"type": "array", "description": "Top-level blocks.",
                       "items": {"oneOf": [_ref(n) for n in _TOP_BLOCKS]}},
        }),
        "article": {"$ref": "#/$defs/Article",
                    "description": "The localized article in the article format; its language "
                                   "is the target language."},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": EXPORT_SCHEMA_ID,
        "title": "kedu JSON export",
        **_object(
            "A handout in one language, as written by `kedu export --format json`. "
            "Not an article source: kedu refuses to load it.",
            properties,
        ),
        "$defs": {
            "Span": _SPAN,
            "Inline": _INLINE_DEF,
            **{f"{name}Block": block for name, block in _BLOCKS.items()},
            "Article": article,
            **article_defs,
        },
    }


def export_schema_text() -> str:
    return json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"
