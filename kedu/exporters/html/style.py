"""The page's one inline stylesheet: screen, phone and print.

Fonts are system font stacks (nothing is embedded or fetched): every phone and
desktop has a sans-serif face for Latin, Cyrillic, Vietnamese, Arabic and
Chinese, and a web page that downloads no fonts opens instantly.

Colours are chosen for contrast on their own backgrounds (WCAG 2.1 AA needs
4.5:1; every pair here is 7:1 or more): body text #1b1b1b on white (17:1),
headings #1f3864 (12:1), links #0b4f9c (8:1), the box labels on their tints
(> 7:1), the draft band white on #8f0000 (10:1).

The print stylesheet makes "Print" in a browser give a clean handout: the
paper size from :class:`~kedu.exporters.base.ExportOptions`, the organization
at the top of every page after the first, the localized "Page X of Y" at the
bottom (CSS page-margin boxes), boxes and FAQ entries never split, headings
kept with what follows, link targets printed after inline links.
"""

from __future__ import annotations

import re

from babel.numbers import format_decimal

from kedu.document import PAIR_SEPARATOR, Document
from kedu.exporters.base import Paper

__all__ = ["stylesheet"]

_PAPER: dict[Paper, str] = {"letter": "letter", "a4": "A4"}

# Counter styles for locales whose page numbers are not written in ASCII digits.
_PLACEHOLDER = re.compile(r"(\{page\}|\{pages\})")
_COUNTER_STYLES = {
    "\u0660": "arabic-indic",
    "\u06f0": "persian",
    "\u0966": "devanagari",
    "\u09e6": "bengali",
}

_SANS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", '
    "Arial, sans-serif"
)
_ARABIC = '"Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", ' + _SANS
_CHINESE = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei", ' + _SANS
)

_BASE = """
:root{color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:#1b1b1b;font-family:__SANS__;font-size:__BODY__;
line-height:1.55;overflow-wrap:break-word}
:lang(ar){font-family:__ARABIC__;line-height:1.75}
:lang(zh){font-family:__CHINESE__;line-height:1.7}
em:lang(ar),em:lang(zh),em:lang(ja),em:lang(ko){font-style:normal;font-weight:600}
.page{max-width:44rem;margin:0 auto;padding:1rem 1rem 2rem}
.bilingual .page{max-width:78rem}
a{color:#0b4f9c;text-decoration:underline;text-underline-offset:.15em}
a:focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}
header{margin-bottom:1rem}
.draft{margin:0 0 1rem;padding:.6rem .9rem;background:#8f0000;color:#fff;font-weight:700;
border-radius:4px}
.draft p{margin:0}
.draft p+p{margin-top:.3rem}
.logo{display:block;max-height:4rem;width:auto;max-width:100%;margin-bottom:.5rem}
.organization{margin:0;font-weight:700;color:#1f3864}
h1,h2,h3{color:#1f3864;line-height:1.25}
h1{font-size:1.9em;margin:.2em 0 .3em}
h2{font-size:1.35em;margin:1.6em 0 .45em}
h3{font-size:1.1em;margin:1.2em 0 .3em}
p{margin:0 0 .75em}
.subtitle{font-size:1.2em;color:#3d3d3d;margin-bottom:1em}
.summary{font-size:1.1em}
.terms{margin:0 0 1em;padding:0}
.terms>div{margin:0 0 .7em;padding-inline-start:1em;border-inline-start:3px solid #c7d3e6}
.terms dt{font-weight:700}
.terms dd{margin:0}
.faq{margin:0}
.faq>p{margin-bottom:.9em}
.box{margin:1.3em 0;padding:.8rem 1rem;border:2px solid;border-inline-start-width:7px;
border-radius:4px}
.box p:last-child{margin-bottom:0}
.box-label{font-weight:700;margin-bottom:.25em}
.box-heading{font-weight:700;font-size:1.05em;margin-bottom:.3em}
.box-note{border-color:#2e74b5;background:#deeaf6}
.box-note .box-label{color:#1f3864}
.box-warning{border-color:#c00000;background:#fbe4d5}
.box-warning .box-label{color:#8f0000}
.box-tip{border-color:#538135;background:#e2efda}
.box-tip .box-label{color:#2b4a1d}
.contact{margin:1.6em 0;padding:.9rem 1.1rem;border:2px solid #1f3864;border-radius:6px}
.contact h2{margin-top:0}
.details{margin:.6em 0 0}
.details>div{display:flex;flex-wrap:wrap;column-gap:.6em;margin:.2em 0}
.details dt{font-weight:700}
.details dd{margin:0;overflow-wrap:anywhere}
figure{margin:1.3em 0;text-align:center}
figure img{max-width:100%;height:auto}
figcaption{font-size:.92em;color:#3d3d3d;margin-top:.35em}
.credit{display:block;font-size:.9em}
.disclaimer{margin-top:2em;padding-top:.6em;border-top:1px solid #9aa5b8;font-size:.95em;
color:#333}
.disclaimer-heading{font-weight:700;color:#1f3864;margin-bottom:.3em}
footer{margin-top:1.5em;padding-top:.6em;border-top:1px solid #9aa5b8;font-size:.9em;
color:#3d3d3d}
footer p{margin:0 0 .3em}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:2.5rem}
.pair>.source{grid-column:1;grid-row:1}
.pair>.target{grid-column:2;grid-row:1}
.languages{border-bottom:2px solid #1f3864;margin-bottom:.6rem}
.languages p{font-weight:700;font-size:1.15em;color:#1f3864;margin:0 0 .3em}
@media (max-width:48rem){
.pair{display:block}
.pair>:nth-child(2){margin-top:.3rem;padding-inline-start:.75rem;
border-inline-start:3px solid #c7d3e6}
.languages{display:none}
h1{font-size:1.6em}
}
@media print{
body{font-size:__PRINT__;line-height:1.4}
.page,.bilingual .page{max-width:none;padding:0}
main a[href^="http"]::after{content:" (" attr(href) ")";font-size:.9em}
a{color:#0b4f9c}
h1,h2,h3,.box-heading,.languages{break-after:avoid}
.box,.contact,figure,.faq,.terms>div,.pair,.disclaimer{break-inside:avoid}
.box,.draft,.contact{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.pair{display:grid}
.pair>:nth-child(2){margin-top:0;padding-inline-start:0;border-inline-start:0}
.languages{display:block}
}
"""


def _css_string(value: str) -> str:
    """A CSS string literal; everything but letters, digits and spaces is a hex
    escape, so translated text can never close the string or the ``<style>``."""
    out = []
    for ch in value:
        out.append(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def _page_counter(document: Document) -> str:
    """The localized "Page X of Y" as CSS ``content`` with page counters."""
    furniture = document.furniture
    zero = format_decimal(0, locale=furniture.number_locale)
    style = _COUNTER_STYLES.get(zero, "decimal")
    parts: list[str] = []
    for piece in _PLACEHOLDER.split(furniture.page_of):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]}, {style})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts) or '""'


def stylesheet(documents: tuple[Document, ...], paper: Paper, *, large_print: bool) -> str:
    """The complete CSS of a page showing ``documents`` (two for a bilingual page:
    their page counters print side by side in the order given)."""
    body, printed = ("1.35rem", "16pt") if large_print else ("1.0625rem", "11pt")
    css = (
        _BASE.replace("__SANS__", _SANS)
        .replace("__ARABIC__", _ARABIC)
        .replace("__CHINESE__", _CHINESE)
        .replace("__BODY__", body)
        .replace("__PRINT__", printed)
    )
    margin_font = f"font-family:{_SANS};font-size:9pt;color:#3d3d3d"
    organization = documents[0].furniture.organization
    counter = f" {_css_string(PAIR_SEPARATOR)} ".join(_page_counter(d) for d in documents)
    top = (
        f"@top-center{{content:{_css_string(organization)};{margin_font}}}" if organization else ""
    )
    page = (
        f"@page{{size:{_PAPER[paper]};margin:18mm 16mm;{top}"
        f"@bottom-center{{content:{counter};{margin_font}}}}}"
        "@page:first{@top-center{content:none}}"
    )
    return css.strip().replace("\n", "") + page
