"""HTML front end, on selectolax's Lexbor engine.

Why selectolax: it is a real HTML5 parser (Lexbor follows the WHATWG parsing
algorithm, so unclosed ``<p>``/``<li>`` and the tag soup that blog editors
save are repaired exactly as a browser would), it ships as a self-contained
binary wheel with no other dependency, and it is fast.  ``lxml.html`` wraps
libxml2's HTML 4 parser, which repairs broken markup differently from a
browser and pulls in a large C library; ``html5lib`` is spec-exact too but pure
Python and slow.  (selectolax's older Modest backend is deprecated; only
``selectolax.lexbor`` is used.)

The post body is the first ``<article>``, else ``<main>``, else ``<body>``;
navigation, page footers, scripts, forms and sidebars are
removed first.  ``<html lang>``, ``<link rel=canonical>`` and
``<meta name=keywords>`` fill metadata.  In a ``<header>`` only the headings
count; its other text (date, author, categories) is reported, not imported.
A ``<dl>`` becomes a list of bold-term items, since that is exactly what a
definition list is.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

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

__all__ = ["parse_html"]

_REMOVE = (
    "script, style, noscript, template, nav, aside, form, iframe, svg, button, "
    "body > footer, article > footer, main > footer"
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {
    "p", "ul", "ol", "dl", "table", "pre", "blockquote", "figure", "figcaption", "div",
    "section", "article", "main", "header", "footer", "hr", "address", "details", "summary",
    "li", "dd", "dt", *_HEADINGS,
}
_BOLD = {"strong", "b"}
_ITALIC = {"em", "i", "cite"}


def _text_of(node: LexborNode) -> str:
    return " ".join((node.text(deep=True) or "").split())


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.images: list[Image] = []
        self.nested_list = False

    def inline(self, node: LexborNode, builder: InlineBuilder) -> None:
        """Inline content of the children of ``node``."""
        child = node.child
        while child is not None:
            self.inline_node(child, builder)
            child = child.next

    def inline_node(self, node: LexborNode, builder: InlineBuilder) -> None:
        """Inline content of one node; block elements inside inline context add spaces."""
        tag = node.tag
        if node.is_text_node:
            # Source line breaks are plain whitespace in HTML; only <br> breaks a line.
            builder.text((node.text_content or "").replace("\n", " "))
        elif not node.is_element_node:
            return
        elif tag == "br":
            builder.text("\n")
        elif tag == "img":
            attrs = node.attributes
            alt = " ".join((attrs.get("alt") or "").split())
            self.images.append(Image(str(attrs.get("src") or ""), alt))
        elif tag in ("ul", "ol"):
            self.nested_list = True
            for item in node.iter():
                if item.tag == "li":
                    builder.text("; ")
                    self.inline(item, builder)
        elif tag in _BOLD:
            builder.bold += 1
            self.inline(node, builder)
            builder.bold -= 1
        elif tag in _ITALIC:
            builder.italic += 1
            self.inline(node, builder)
            builder.italic -= 1
        elif tag == "a":
            builder.open_link(node.attributes.get("href"))
            self.inline(node, builder)
            builder.close_link()
        else:
            spaced = tag in _BLOCKS
            builder.text(" " if spaced else "")
            self.inline(node, builder)
            builder.text(" " if spaced else "")

    def runs(self, node: LexborNode) -> Runs:
        builder = InlineBuilder()
        self.inline(node, builder)
        return builder.result()

    def emit_paragraph(self, runs: Runs) -> None:
        self.blocks += self.images
        self.images = []
        if runs:
            self.blocks.append(Paragraph(runs))

    def walk(self, node: LexborNode) -> None:
        """Blocks for the children of a container; loose inline content is a paragraph."""
        loose = InlineBuilder()
        child = node.child
        while child is not None:
            if child.is_element_node and child.tag in _BLOCKS:
                self.emit_paragraph(loose.result())
                loose = InlineBuilder()
                self.block(child)
            else:
                self.inline_node(child, loose)
            child = child.next
        self.emit_paragraph(loose.result())

    def block(self, node: LexborNode) -> None:
        tag = node.tag
        if tag in _HEADINGS:
            runs = self.runs(node)
            self.blocks.append(Heading(_HEADINGS[tag], runs))
            self.blocks += self.images
            self.images = []
        elif tag in ("p", "figcaption", "address", "summary", "dt", "dd"):
            self.emit_paragraph(self.runs(node))
        elif tag in ("ul", "ol"):
            items = tuple(
                runs for li in node.iter() if li.tag == "li" and (runs := self.runs(li))
            )
            self.blocks += self.images
            self.images = []
            if items:
                self.blocks.append(BulletList(items, ordered=tag == "ol"))
        elif tag == "dl":
            self._definition_list(node)
        elif tag == "table":
            self.blocks.append(Unmapped("table", _text_of(node)))
        elif tag == "pre":
            self.blocks.append(Unmapped("code block", _text_of(node)))
        elif tag == "hr":
            pass
        elif tag == "header":
            self._header(node)
        else:  # div, section, blockquote, figure, ...: a container
            self.walk(node)

    def _header(self, node: LexborNode) -> None:
        """An article's ``<header>``: its headings count, the rest (date, author) is reported."""
        headings = node.css("h1, h2, h3, h4, h5, h6")
        for heading in headings:
            self.block(heading)
        rest = _text_of(node)
        for heading in headings:
            rest = rest.replace(_text_of(heading), " ", 1)
        if rest.strip():
            self.blocks.append(Unmapped("text in the post's header (date, author, ...)", rest))

    def _definition_list(self, node: LexborNode) -> None:
        items: list[Runs] = []
        term: Runs = ()
        for child in node.iter():
            if child.tag == "dt":
                term = self.runs(child)
            elif child.tag == "dd" and term:
                body = self.runs(child)
                bold = [Run(r.text, True, r.italic, r.href) for r in term]
                items.append(clean_runs([*bold, Run(" — "), *body]))
                term = ()
        if items:
            self.blocks.append(BulletList(tuple(items)))


def _meta(tree: LexborHTMLParser) -> PostMeta:
    meta = PostMeta()
    html = tree.css_first("html")
    lang = html.attributes.get("lang") if html is not None else None
    if lang and lang.strip():
        meta.language = lang.strip()
    canonical = tree.css_first('link[rel="canonical"]')
    if canonical is not None and canonical.attributes.get("href"):
        meta.canonical_url = str(canonical.attributes.get("href")).strip()
    keywords = tree.css_first('meta[name="keywords"]')
    if keywords is not None and keywords.attributes.get("content"):
        content = str(keywords.attributes.get("content"))
        meta.keywords = [k.strip() for k in content.split(",") if k.strip()]
    return meta


def parse_html(text: str) -> tuple[list[Block], PostMeta, list[str]]:
    """Blocks, metadata and front-end warnings of an HTML post or page."""
    tree = LexborHTMLParser(text)
    meta = _meta(tree)
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    warnings: list[str] = []
    if root is None:
        return [], meta, warnings
    title_node = None
    if root.css_first("h1") is None:
        title_node = tree.css_first("h1")
    for node in root.css(_REMOVE):
        node.decompose()
    walker = _Walker()
    if title_node is not None:
        walker.block(title_node)
    walker.walk(root)
    walker.blocks += walker.images
    if walker.nested_list:
        warnings.append("a nested list was flattened into its parent item")
    return walker.blocks, meta, warnings
