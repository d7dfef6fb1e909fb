"""Render a document tree as one self-contained, semantic HTML5 page.

The page needs nothing else: the stylesheet is inline, pictures are embedded as
``data:`` URIs, fonts are the reader's system fonts, and there is no script.
Landmarks: ``header`` (draft notice, logo, organization), ``main`` (title,
sections, disclaimer), ``footer`` (review date, organization).

How blocks map to HTML (see :func:`_block`):

* title ``h1``, section headings ``h2`` (the tree's levels), FAQ questions
  ``h3`` with their answer in one ``div`` (so print keeps them together);
* term/description lists are ``dl`` (``dt`` term, ``dd`` description): HTML
  has markup for the pair, so the tree's one-line separator is not printed;
* note/warning/tip boxes are ``aside role="note"`` whose first line is the
  visible, translated kind word; the box's own heading is bold text, not a
  heading element (it is not part of the outline, as in the PDF and Word);
* the contact box is a ``section`` with an ``h2`` and a ``dl`` of details whose
  values link with ``tel:``, ``mailto:`` or ``https:``;
* the disclaimer's heading ("Important") is bold text naming its
  ``section``, not a heading: the outline is the article's sections only;
* pictures are ``figure`` with ``img alt`` and a ``figcaption`` holding the
  caption and the credit line.

A bilingual page (:func:`render_bilingual`) is a sequence of rows, one per
segment pair, each with two cells carrying their own ``lang`` and ``dir``:
side by side on wide screens and on paper, stacked on phones.  The source
cell is on the left; the document order (what a screen reader and a phone
show first) is the tree's reading order.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import assert_never

from kedu._version import __version__
from kedu.document import (
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
)
from kedu.errors import ExportError
from kedu.exporters.base import ExportOptions
from kedu.exporters.html.markup import attrs, inline, isolated, text
from kedu.exporters.html.style import stylesheet

__all__ = ["render", "render_bilingual"]

_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def _data_uri(path: Path, key: str) -> str:
    """The picture as a ``data:`` URI, so the page is one file that works offline."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise ExportError(
            f"image file {path.name!r} cannot be read ({exc.strerror or exc})", path=path,
            field=key,
        ) from exc
    for magic, media_type in _IMAGE_TYPES:
        if blob.startswith(magic):
            return f"data:{media_type};base64,{base64.b64encode(blob).decode('ascii')}"
    if blob[:4] == b"RIFF" and blob[8:12] == b"WEBP":
        return f"data:image/webp;base64,{base64.b64encode(blob).decode('ascii')}"
    raise ExportError(
        f"image file {path.name!r} is not a PNG, JPEG, GIF, BMP or WebP picture",
        path=path,
        field=key,
    )


class _Ids:
    """Element ids from block keys, unique on the page (a bilingual page holds
    every key twice, so each column gets its language as a prefix)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def __call__(self, key: str) -> str:
        return self.prefix + key.replace("/", "-")


def _section_block(block: SectionBlock, ids: _Ids) -> str:
    match block:
        case Paragraph():
            return f"<p{attrs(class_=_role_class(block))}>{inline(block.content)}</p>"
        case ItemList():
            items = "".join(
                f"<div><dt>{inline(item.label)}</dt><dd>{inline(item.body)}</dd></div>"
                for item in block.items
            )
            return f'<dl class="terms">{items}</dl>'
        case FaqEntry():
            return (
                f'<div class="faq"><h3{attrs(id=ids(block.key))}>{inline(block.question)}</h3>'
                f"<p>{inline(block.answer)}</p></div>"
            )
        case Box():
            label_id = ids(block.key + "/label")
            heading = (
                f'<p class="box-heading">{inline(block.heading)}</p>'
                if block.heading is not None
                else ""
            )
            return (
                f'<aside class="box box-{block.kind}" role="note"'
                f"{attrs(aria_labelledby=label_id)}>"
                f'<p class="box-label"{attrs(id=label_id)}>{text(block.label)}</p>'
                f"{heading}<p>{inline(block.body)}</p></aside>"
            )
        case ContactBox():
            heading_id = ids(block.key + "/heading")
            details = "".join(
                f"<div><dt>{text(d.label)}</dt><dd>"
                + (
                    f'<a{attrs(href=d.href, dir=d.direction)}>{text(d.display)}</a>'
                    if d.href is not None and d.href.split(":", 1)[0] in _CONTACT_SCHEMES
                    else isolated(d.display, d.direction)
                )
                + "</dd></div>"
                for d in block.details
            )
            detail_list = f'<dl class="details">{details}</dl>' if details else ""
            return (
                f'<section class="contact"{attrs(aria_labelledby=heading_id)}>'
                f"<h2{attrs(id=heading_id)}>{inline(block.heading)}</h2>"
                f"<p>{inline(block.text)}</p>{detail_list}</section>"
            )
        case Figure():
            caption = inline(block.caption) if block.caption is not None else ""
            if block.credit is not None:
                caption += f'<span class="credit">{text(block.credit)}</span>'
            figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
            src = _data_uri(block.path, block.key)
            return f"<figure><img{attrs(src=src, alt=block.alt)}>{figcaption}</figure>"
        case _:
            assert_never(block)


_CONTACT_SCHEMES = frozenset({"tel", "mailto", "http", "https"})


def _role_class(block: Paragraph) -> str | None:
    return None if block.role == "body" else block.role


def _block(block: Block, ids: _Ids) -> str:
    match block:
        case Logo():
            return f'<img class="logo"{attrs(src=_data_uri(block.path, block.key), alt=block.alt)}>'
        case Masthead():
            return f'<p class="organization">{text(block.text)}</p>'
        case Title():
            return f"<h1>{inline(block.content)}</h1>"
        case Subtitle():
            return f'<p class="subtitle">{inline(block.content)}</p>'
        case Paragraph():
            return _section_block(block, ids)
        case Section():
            inner = "".join(_section_block(child, ids) for child in block.blocks)
            if block.heading is None:
                return inner
            heading_id = ids(block.heading.key)
            return (
                f"<section{attrs(aria_labelledby=heading_id)}>"
                f"<h{block.heading.level}{attrs(id=heading_id)}>"
                f"{inline(block.heading.content)}</h{block.heading.level}>{inner}</section>"
            )
        case Disclaimer():
            heading_id = ids(block.key + "/heading")
            return (
                f'<section class="disclaimer"{attrs(aria_labelledby=heading_id)}>'
                f'<p class="disclaimer-heading"{attrs(id=heading_id)}>{text(block.heading)}</p>'
                f"<p>{inline(block.content)}</p></section>"
            )
        case _:
            assert_never(block)


def _head(
    document: Document, title: str, options: ExportOptions, counters: tuple[Document, ...]
) -> str:
    """``counters``: the documents whose "Page X of Y" print at the foot of each
    page, in the order they print."""
    meta = document.metadata
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(title)}</title>",
        f'<meta name="generator"{attrs(content=f"kedu {__version__}")}>',
    ]
    if meta.subject:
        lines.append(f'<meta name="description"{attrs(content=meta.subject)}>')
    if meta.author:
        lines.append(f'<meta name="author"{attrs(content=meta.author)}>')
    if meta.keywords:
        lines.append(f'<meta name="keywords"{attrs(content=", ".join(meta.keywords))}>')
    if meta.review_date is not None:
        lines.append(f'<meta name="dcterms.modified"{attrs(content=meta.review_date.isoformat())}>')
    css = stylesheet(counters, options.paper, large_print=options.large_print)
    lines.append(f"<style>{css}</style>")
    return "\n".join(lines)


def _page(lang: str, direction: str, head: str, body: str, body_class: str | None) -> bytes:
    page = (
        f"<!DOCTYPE html>\n<html{attrs(lang=lang, dir=direction)}>\n<head>\n{head}\n</head>\n"
        f'<body{attrs(class_=body_class)}>\n<div class="page">\n{body}\n</div>\n</body>\n</html>\n'
    )
    return page.encode("utf-8")


def _front(document: Document) -> tuple[list[Block], list[Block]]:
    """(blocks that belong in the page header, the rest)."""
    header: list[Block] = [b for b in document.blocks if isinstance(b, Logo | Masthead)]
    return header, [b for b in document.blocks if not isinstance(b, Logo | Masthead)]


def _footer_lines(document: Document) -> list[str]:
    furniture = document.furniture
    return [line for line in (furniture.last_reviewed, furniture.organization) if line]


def render(document: Document, options: ExportOptions) -> bytes:
    """One language's handout as a complete HTML page (UTF-8 bytes)."""
    ids = _Ids()
    header_blocks, main_blocks = _front(document)
    header = []
    if document.draft_notice:
        header.append(f'<div class="draft" role="note"><p>{text(document.draft_notice)}</p></div>')
    header += [_block(b, ids) for b in header_blocks]
    main = "\n".join(_block(b, ids) for b in main_blocks)
    footer = "".join(f"<p>{text(line)}</p>" for line in _footer_lines(document))
    body = (
        f"<header>{''.join(header)}</header>\n<main>\n{main}\n</main>\n"
        f"<footer>{footer}</footer>"
    )
    head = _head(document, document.metadata.title, options, (document,))
    return _page(document.lang, document.direction, head, body, None)


def _cell(document: Document, role: str, html: str) -> str:
    return f'<div{attrs(class_=role, lang=document.lang, dir=document.direction)}>{html}</div>'


def _row(pair: BilingualDocument, source_html: str, target_html: str, kind: str = "") -> str:
    cells = {
        "source": _cell(pair.source, "source", source_html),
        "target": _cell(pair.target, "target", target_html),
    }
    first = pair.first
    second = "target" if first == "source" else "source"
    return f'<div class="pair{kind}">{cells[first]}{cells[second]}</div>'


def _bilingual_rows(pair: BilingualDocument, s_ids: _Ids, t_ids: _Ids) -> list[str]:
    rows: list[str] = []
    _, source_blocks = _front(pair.source)
    _, target_blocks = _front(pair.target)
    for source, target in zip(source_blocks, target_blocks, strict=True):
        if isinstance(source, Section) and isinstance(target, Section):
            if source.heading is not None and target.heading is not None:
                rows.append(_row(pair, *(
                    f"<h{h.level}{attrs(id=ids(h.key))}>{inline(h.content)}</h{h.level}>"
                    for h, ids in ((source.heading, s_ids), (target.heading, t_ids))
                )))
            for s_child, t_child in zip(source.blocks, target.blocks, strict=True):
                if isinstance(s_child, Figure) and isinstance(t_child, Figure):
                    # One picture for both languages, captions side by side.
                    rows.append(_figure_row(pair, s_child, t_child))
                    continue
                rows.append(_row(pair, _section_block(s_child, s_ids),
                                 _section_block(t_child, t_ids)))
        else:
            rows.append(_row(pair, _block(source, s_ids), _block(target, t_ids)))
    return rows


def _figure_row(pair: BilingualDocument, source: Figure, target: Figure) -> str:
    """The picture once (its alt text in the target language), then both captions."""
    src = _data_uri(target.path, target.key)
    image = (
        f'<figure{attrs(lang=pair.target.lang, dir=pair.target.direction)}>'
        f"<img{attrs(src=src, alt=target.alt)}></figure>"
    )

    def caption(figure: Figure) -> str:
        out = f"<p>{inline(figure.caption)}</p>" if figure.caption is not None else ""
        if figure.credit is not None:
            out += f'<p class="credit">{text(figure.credit)}</p>'
        return f'<div class="figure-caption">{out}</div>' if out else ""

    captions = caption(source), caption(target)
    if not any(captions):
        return image
    return image + _row(pair, *captions)


def render_bilingual(pair: BilingualDocument, options: ExportOptions) -> bytes:
    """Source and translation side by side (stacked on phones), as one HTML page."""
    source, target = pair.source, pair.target
    s_ids, t_ids = _Ids(source.lang + "-"), _Ids(target.lang + "-")
    header = []
    if target.draft_notice:
        # Told in both languages: the source column is not a draft, but its
        # reader (often the clinician) must know the translation is one.
        notices = [
            (d, d.draft_notice or d.labels.get("draft_notice")) for d in pair.reading_order()
        ]
        header.append(
            '<div class="draft" role="note">'
            + "".join(
                f"<p{attrs(lang=d.lang, dir=d.direction)}>{text(notice)}</p>"
                for d, notice in notices
                if notice
            )
            + "</div>"
        )
    header_blocks, _ = _front(source)
    header += [_block(b, s_ids) for b in header_blocks]
    languages = _row(
        pair,
        f"<p>{text(_capitalized(source.language_name))}</p>",
        f"<p>{text(_capitalized(target.language_name))}</p>",
        " languages",
    )
    rows = "\n".join([languages, *_bilingual_rows(pair, s_ids, t_ids)])
    footer = _row(
        pair,
        "".join(f"<p>{text(line)}</p>" for line in _footer_lines(source)),
        "".join(f"<p>{text(line)}</p>" for line in _footer_lines(target)),
    )
    body = (
        f"<header>{''.join(header)}</header>\n<main>\n{rows}\n</main>\n"
        f"<footer>{footer}</footer>"
    )
    title = pair.paired(source.metadata.title, target.metadata.title)
    counters = (target, source) if target.direction == "rtl" else (source, target)
    head = _head(target, title, options, counters)
    return _page(target.lang, "ltr", head, body, "bilingual")


def _capitalized(name: str) -> str:
    """A language's own name as a column heading ("español" → "Español")."""
    return name[:1].upper() + name[1:]
