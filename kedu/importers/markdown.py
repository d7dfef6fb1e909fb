"""Markdown front end, on markdown-it-py's CommonMark token stream.

markdown-it-py is a maintained, spec-conformant CommonMark parser (the same
engine as markdown-it in JavaScript); its flat token stream with explicit
open/close tokens maps directly onto kedu's neutral blocks.  The ``table``
rule is enabled only so GitHub-style tables are recognised and reported
instead of turning into paragraphs full of pipes.

A leading YAML front matter block (``---`` … ``---``, as Jekyll, Hugo and
WordPress exports write it) is read for ``title``, ``description``,
``tags``/``keywords``, ``lang`` and ``canonical_url``; other keys are reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kedu.importers.blocks import (
    Block,
    BulletList,
    Heading,
    Image,
    InlineBuilder,
    Paragraph,
    Runs,
    Unmapped,
    clean_runs,
)
from kedu.importers.structure import PostMeta
from kedu.models.inline import Run

__all__ = ["parse_markdown"]

_FRONT_MATTER_KEYS = {
    "title": "title",
    "description": "summary",
    "summary": "summary",
    "excerpt": "summary",
    "tags": "keywords",
    "keywords": "keywords",
    "lang": "language",
    "language": "language",
    "canonical_url": "canonical_url",
    "canonical": "canonical_url",
}


def _front_matter(text: str, meta: PostMeta, warnings: list[str]) -> str:
    """Strip a leading ``---`` YAML block from ``text``, filling ``meta``."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return text
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        warnings.append("the front matter is not valid YAML: ignored")
        return "\n".join(lines[end + 1 :])
    if not isinstance(data, dict):
        return "\n".join(lines[end + 1 :])
    for key, value in data.items():
        target = _FRONT_MATTER_KEYS.get(str(key).lower())
        if target == "keywords":
            values = value.split(",") if isinstance(value, str) else value
            if isinstance(values, list):
                meta.keywords += [str(v).strip() for v in values if str(v).strip()]
        elif target is not None and isinstance(value, str) and value.strip():
            setattr(meta, target, value.strip())
        else:
            warnings.append(f"front matter key {str(key)!r} not imported")
    return "\n".join(lines[end + 1 :])


def _inline(token: Token, images: list[Image]) -> Runs:
    builder = InlineBuilder()
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            builder.text(child.content)
        elif kind in ("softbreak", "hardbreak"):
            builder.text("\n")
        elif kind == "code_inline":
            builder.text(child.content)
        elif kind == "strong_open":
            builder.bold += 1
        elif kind == "strong_close":
            builder.bold -= 1
        elif kind == "em_open":
            builder.italic += 1
        elif kind == "em_close":
            builder.italic -= 1
        elif kind == "link_open":
            builder.open_link(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            builder.close_link()
        elif kind == "image":
            images.append(Image(str(child.attrs.get("src", "")), child.content))
        elif kind == "html_inline" and child.content.lower().startswith("<br"):
            builder.text("\n")
    return builder.result()


def _close_index(tokens: Sequence[Token], start: int) -> int:
    """Index of the token closing the one opened at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _list_item_text(tokens: Sequence[Token], images: list[Image], nested: list[str]) -> Runs:
    """One list item as inline runs; nested lists are flattened into it."""
    pieces: list[Run] = []
    for token in tokens:
        if token.type == "inline":
            if pieces:
                pieces.append(Run(" "))
            pieces += _inline(token, images)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            nested.append("a nested list was flattened into its parent item")
    return clean_runs(pieces)


def _blocks(tokens: Sequence[Token], warnings: list[str]) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        end = _close_index(tokens, i) if token.nesting == 1 else i
        if kind == "heading_open":
            images: list[Image] = []
            out.append(Heading(int(token.tag[1]), _inline(tokens[i + 1], images)))
            out += images
        elif kind == "paragraph_open":
            images = []
            runs = _inline(tokens[i + 1], images)
            out += images
            if runs:
                out.append(Paragraph(runs))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items: list[Runs] = []
            images = []
            j = i + 1
            while j < end:
                item_end = _close_index(tokens, j)
                items.append(_list_item_text(tokens[j + 1 : item_end], images, warnings))
                j = item_end + 1
            out += images
            out.append(BulletList(tuple(it for it in items if it), kind == "ordered_list_open"))
        elif kind == "blockquote_open":
            out += _blocks(tokens[i + 1 : end], warnings)
        elif kind in ("fence", "code_block"):
            out.append(Unmapped("code block", token.content))
        elif kind == "html_block":
            if not token.content.strip().startswith("<!--"):
                out.append(Unmapped("raw HTML", token.content))
        elif kind == "table_open":
            cells = [t.content for t in tokens[i:end] if t.type == "inline"]
            out.append(Unmapped("table", " | ".join(cells)))
        i = end + 1
    return out


def parse_markdown(text: str) -> tuple[list[Block], PostMeta, list[str]]:
    """Blocks, metadata and front-end warnings of a Markdown post."""
    meta = PostMeta()
    warnings: list[str] = []
    body = _front_matter(text, meta, warnings)
    parser = MarkdownIt("commonmark").enable("table")
    tokens: list[Token] = parser.parse(body)
    blocks = _blocks(tokens, warnings)
    return blocks, meta, list(dict.fromkeys(warnings))
