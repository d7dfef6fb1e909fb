"""Safe HTML pieces: escaped text, allowed links, inline spans.

Every character of article or catalog text reaches the page through
:func:`text` (``html.escape``), every link target through :func:`safe_href`,
so neither markup, script nor a ``javascript:`` URL can get through, whatever
a translator writes.  The article model already refuses other schemes; this
module checks again because it is the last place before a browser.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from kedu.document import Direction, Inline, Span

__all__ = ["ALLOWED_SCHEMES", "attrs", "inline", "safe_href", "text"]

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def text(value: str) -> str:
    """``value`` as HTML text or attribute content (quotes escaped too)."""
    return escape(value, quote=True)


def safe_href(href: str | None) -> str | None:
    """``href`` if its scheme is http, https, mailto or tel, else None.

    Control characters and spaces are refused outright: browsers strip them
    before reading the scheme (``java\\tscript:``).
    """
    if not href or any(ord(ch) < 0x21 or ch == "\x7f" for ch in href):
        return None
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in ALLOWED_SCHEMES else None


def attrs(**values: str | None) -> str:
    """`` name="value"`` pairs for the values that are set (``class_`` → ``class``)."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{text(value)}"'
        for name, value in values.items()
        if value is not None
    )


def _span(span: Span) -> str:
    out = text(span.text)
    if span.emphasis:
        out = f"<em>{out}</em>"
    if span.strong:
        out = f"<strong>{out}</strong>"
    if span.lang is not None or span.direction is not None:
        # An element with dir is a bidi isolate in HTML (unicode-bidi: isolate).
        out = f"<span{attrs(lang=span.lang, dir=span.direction)}>{out}</span>"
    return out


def inline(content: Inline) -> str:
    """Inline spans as HTML; consecutive spans with one link target share one ``<a>``."""
    parts: list[str] = []
    index = 0
    while index < len(content):
        href = safe_href(content[index].href)
        if href is None:
            parts.append(_span(content[index]))
            index += 1
            continue
        end = index
        while end < len(content) and content[end].href == content[index].href:
            end += 1
        inner = "".join(_span(span) for span in content[index:end])
        parts.append(f"<a{attrs(href=href)}>{inner}</a>")
        index = end
    return "".join(parts)


def isolated(value: str, direction: Direction | None) -> str:
    """Literal text, isolated in its own direction when the tree says so."""
    if direction is None:
        return text(value)
    return f"<bdi{attrs(dir=direction)}>{text(value)}</bdi>"
