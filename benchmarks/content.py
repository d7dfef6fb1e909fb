"""The same handout content, built without kedu, for the baselines.

:func:`content_of` walks a localized article's segments (the texts kedu prints,
inline markup parsed by :func:`kedu.models.inline.parse_runs`) into a flat list
of :class:`Block` values, plus the labels and contact lines kedu adds around
them.  The builders below render that list with the bare libraries:

* :func:`bare_reportlab_pdf` — plain platypus ``Paragraph`` objects in a
  ``SimpleDocTemplate``, with kedu's own TTF files (:func:`kedu_font_files`);
* :func:`html_document` + :func:`weasyprint_pdf` — HTML/CSS with ``@font-face``
  rules pointing at the same TTF files;
* :func:`markdown_document` — Markdown for pandoc;
* :func:`bare_python_docx` — python-docx's default template and built-in styles.

The baselines are deliberately plain (no shaping, no bidi, no font fallback, no
"page N of M" second pass, no reproducible packaging): they are the floor kedu
adds its overhead to, not a second implementation of kedu.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from kedu.models.article import (
    CalloutSection,
    CallToActionSection,
    FaqSection,
    ImageSection,
    ListSection,
    ProseSection,
)
from kedu.models.inline import Run, parse_runs
from kedu.models.localized import LocalizedArticle

__all__ = [
    "Block",
    "Content",
    "FontFiles",
    "bare_python_docx",
    "bare_reportlab_pdf",
    "bare_reportlab_script",
    "content_of",
    "html_document",
    "html_document_default_font",
    "kedu_font_files",
    "markdown_document",
    "static_font_files",
    "typst_document",
    "weasyprint_pdf",
]

BlockKind = Literal[
    "title",
    "subtitle",
    "summary",
    "heading",
    "subheading",
    "paragraph",
    "item",
    "box_heading",
    "box",
    "caption",
    "contact",
    "small",
]


@dataclass(frozen=True)
class Block:
    """One printed paragraph.  List items carry their bold term separately."""

    kind: BlockKind
    runs: tuple[Run, ...]
    term: tuple[Run, ...] = ()


@dataclass(frozen=True)
class Content:
    """Everything a baseline prints, in reading order."""

    language_tag: str
    direction: str
    title: str
    footer: str
    blocks: tuple[Block, ...]

    @property
    def characters(self) -> int:
        """Printed characters, for a sanity check that baselines get the same text."""
        return sum(len(r.text) for b in self.blocks for r in (*b.term, *b.runs))


_FIELD = re.compile(r"sections\[(\d+)\]\.(?:.*\.)?(\w+)(?:\[\d+\])?$")


def _plain(text: str) -> tuple[Run, ...]:
    return (Run(text),)


def content_of(doc: LocalizedArticle) -> Content:
    """The blocks a handout of ``doc`` prints, from ``doc.article.segments()``."""
    article, labels = doc.article, doc.labels
    blocks: list[Block] = []
    term: tuple[Run, ...] = ()
    boxes_started: set[int] = set()

    def box_label(index: int, section: CalloutSection, heading: tuple[Run, ...]) -> None:
        label = getattr(labels, section.kind)
        runs = (Run(f"{label}: " if heading else label, bold=True), *heading)
        blocks.append(Block("box_heading", runs))
        boxes_started.add(index)

    for seg in article.segments():
        runs = parse_runs(seg.text)
        if seg.field in ("title", "subtitle", "summary"):
            blocks.append(Block(seg.field, runs))  # type: ignore[arg-type]
            if seg.field == "summary" and labels.last_reviewed:
                blocks.append(Block("small", _plain(labels.last_reviewed)))
            continue
        if seg.field == "disclaimer":
            continue  # printed below, with kedu's default when the article has none
        match = _FIELD.match(seg.field)
        if match is None:
            raise ValueError(f"unexpected segment field {seg.field!r}")
        index, name = int(match.group(1)), match.group(2)
        section = article.sections[index]
        if isinstance(section, ProseSection | ListSection):
            if name == "heading":
                blocks.append(Block("heading", runs))
            elif name == "term":
                term = runs
            elif name == "description":
                blocks.append(Block("item", runs, term=term))
            else:  # paragraphs, intro, outro
                blocks.append(Block("paragraph", runs))
        elif isinstance(section, FaqSection):
            kind: BlockKind = {"heading": "heading", "question": "subheading"}.get(
                name, "paragraph"
            )  # type: ignore[assignment]
            blocks.append(Block(kind, runs))
        elif isinstance(section, CalloutSection):
            if name == "heading":
                box_label(index, section, runs)
            else:
                if index not in boxes_started:
                    box_label(index, section, ())
                blocks.append(Block("box", runs))
        elif isinstance(section, ImageSection):
            if name == "caption":
                blocks.append(Block("caption", runs))
            if name == "alt" and section.credit:
                blocks.append(
                    Block("small", _plain(labels.photo_credit.format(credit=section.credit)))
                )
        elif isinstance(section, CallToActionSection):
            if name == "heading":
                blocks.append(Block("heading", runs))
                continue
            blocks.append(Block("paragraph", runs))
            org = article.organization
            values = {
                "phone": (labels.call_us, org.phone),
                "website": (labels.website, org.website),
                "email": (labels.email, org.email),
                "address": (labels.address, org.address),
            }
            for kind_name in section.show:
                label, value = values[str(kind_name)]
                if value:
                    blocks.append(Block("contact", (Run(f"{label}: ", bold=True), Run(str(value)))))
    blocks.append(Block("subheading", _plain(labels.disclaimer_heading)))
    blocks.append(Block("small", parse_runs(doc.disclaimer)))
    title = "".join(r.text for r in parse_runs(article.title))
    return Content(
        language_tag=doc.language_tag,
        direction=doc.direction,
        title=title,
        footer=article.organization.name or title,
        blocks=tuple(blocks),
    )


# --- fonts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontFiles:
    """The four TTF files of one family."""

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    def faces(self) -> dict[str, Path]:
        return {
            "regular": self.regular,
            "bold": self.bold,
            "italic": self.italic,
            "bold_italic": self.bold_italic,
        }


def kedu_font_files(key: str = "noto-sans") -> FontFiles:
    """The static TTF files kedu's PDF exporter draws Latin text with.

    Reuses :func:`kedu.exporters.pdf.fonts.family`, which finds the font
    packages and cuts (once, cached) static instances out of the variable fonts.
    """
    from kedu.exporters.pdf.fonts import family

    fam = family(key)
    return FontFiles(
        family="Noto Sans" if key == "noto-sans" else key,
        regular=fam.regular.path,
        bold=fam.bold.path,
        italic=fam.italic.path,
        bold_italic=fam.bold_italic.path,
    )


# --- bare reportlab ------------------------------------------------------------------------

_RL_FAMILY = "BenchSans"


@cache
def _register_reportlab(fonts: FontFiles) -> str:
    """Register the four faces and their family with reportlab once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {}
    for key, path in fonts.faces().items():
        name = f"{_RL_FAMILY}-{key}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names[key] = name
    for bold, italic, key in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic")):
        addMapping(_RL_FAMILY, bold, italic, names[key])
    addMapping(_RL_FAMILY, 1, 1, names["bold_italic"])
    return _RL_FAMILY


def _rl_markup(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        text = html.escape(run.text, quote=False)
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        if run.href:
            text = f'<a href="{html.escape(run.href)}" color="#1f4e9c">{text}</a>'
        parts.append(text)
    return "".join(parts)


def bare_reportlab_pdf(content: Content, fonts: FontFiles) -> bytes:
    """A plain platypus build of ``content``: one Paragraph per block, Letter paper."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    fam = _register_reportlab(fonts)
    bold = f"{fam}-bold"
    body = ParagraphStyle("body", fontName=f"{fam}-regular", fontSize=11, leading=15, spaceAfter=6)
    styles: dict[str, ParagraphStyle] = {
        "title": ParagraphStyle("title", body, fontName=bold, fontSize=22, leading=27),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=14, leading=18),
        "summary": ParagraphStyle("summary", body, fontSize=12, leading=17),
        "heading": ParagraphStyle(
            "heading", body, fontName=bold, fontSize=15, leading=19, spaceBefore=10
        ),
        "subheading": ParagraphStyle("subheading", body, fontName=bold, fontSize=12, leading=16),
        "paragraph": body,
        "item": ParagraphStyle("item", body, leftIndent=18, bulletIndent=6),
        "box_heading": ParagraphStyle(
            "box_heading", body, backColor=colors.HexColor("#fff4d6"), borderPadding=6
        ),
        "box": ParagraphStyle("box", body, backColor=colors.HexColor("#fff4d6"), borderPadding=6),
        "caption": ParagraphStyle("caption", body, fontSize=9.5, leading=12),
        "contact": body,
        "small": ParagraphStyle("small", body, fontSize=9.5, leading=12),
    }
    story: list[Paragraph | Spacer] = []
    for block in content.blocks:
        style = styles[block.kind]
        if block.kind == "item":
            text = f"<b>{_rl_markup(block.term)}</b>: {_rl_markup(block.runs)}"
            story.append(Paragraph(text, style, bulletText="•"))
        else:
            story.append(Paragraph(_rl_markup(block.runs), style))

    def footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont(f"{fam}-regular", 9)
        canvas.drawString(document.leftMargin, 0.5 * inch, content.footer)
        canvas.drawRightString(
            letter[0] - document.rightMargin, 0.5 * inch, f"Page {canvas.getPageNumber()}"
        )

    buffer = BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=inch,
        bottomMargin=inch,
        title=content.title,
        lang=content.language_tag,
    )
    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# --- HTML for WeasyPrint -------------------------------------------------------------------


def _html_inline(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        text = html.escape(run.text, quote=False)
        if run.italic:
            text = f"<em>{text}</em>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.href:
            text = f'<a href="{html.escape(run.href)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


_HTML_TAGS: dict[str, tuple[str, str]] = {
    "title": ("h1", ""),
    "subtitle": ("p", "subtitle"),
    "summary": ("p", "summary"),
    "heading": ("h2", ""),
    "subheading": ("h3", ""),
    "paragraph": ("p", ""),
    "box_heading": ("p", ""),
    "box": ("p", ""),
    "caption": ("p", "caption"),
    "contact": ("p", "contact"),
    "small": ("p", "small"),
}


def html_css(content: Content, fonts: FontFiles) -> str:
    """Print CSS close to the reportlab baseline, fonts from the same TTF files."""
    faces = []
    for key, path in fonts.faces().items():
        weight = 700 if key.startswith("bold") else 400
        style = "italic" if key.endswith("italic") else "normal"
        faces.append(
            "@font-face { font-family: 'Bench Sans'; "
            f"src: url('{path.resolve().as_uri()}') format('truetype'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    footer = content.footer.replace("\\", "\\\\").replace('"', '\\"')
    return "\n".join(
        [
            *faces,
            "@page { size: letter; margin: 1in;",
            f'  @bottom-left {{ content: "{footer}"; font: 9pt "Bench Sans"; }}',
            '  @bottom-right { content: "Page " counter(page) " of " counter(pages);',
            '    font: 9pt "Bench Sans"; } }',
            'body { font: 11pt/15pt "Bench Sans"; }',
            "p { margin: 0 0 6pt; }",
            "h1 { font-size: 22pt; line-height: 27pt; margin: 0 0 6pt; }",
            "h2 { font-size: 15pt; line-height: 19pt; margin: 10pt 0 6pt; }",
            "h3 { font-size: 12pt; line-height: 16pt; margin: 0 0 6pt; }",
            ".subtitle { font-size: 14pt; line-height: 18pt; }",
            ".summary { font-size: 12pt; line-height: 17pt; }",
            ".small, .caption { font-size: 9.5pt; line-height: 12pt; }",
            "ul { margin: 0 0 6pt; padding-left: 18pt; } li { margin: 0 0 6pt; }",
            ".box { background: #fff4d6; padding: 6pt; margin: 0 0 6pt; }",
            "a { color: #1f4e9c; }",
        ]
    )


def html_document(content: Content, fonts: FontFiles) -> str:
    """``content`` as one HTML page, CSS inline, lists and boxes grouped."""
    out: list[str] = []
    open_tag: str | None = None
    for block in content.blocks:
        want = "ul" if block.kind == "item" else "box" if block.kind.startswith("box") else None
        if want != open_tag:
            if open_tag:
                out.append("</ul>" if open_tag == "ul" else "</div>")
            if want:
                out.append("<ul>" if want == "ul" else '<div class="box">')
            open_tag = want
        if block.kind == "item":
            out.append(
                f"<li><strong>{_html_inline(block.term)}</strong>: {_html_inline(block.runs)}</li>"
            )
            continue
        tag, cls = _HTML_TAGS[block.kind]
        attr = f' class="{cls}"' if cls else ""
        out.append(f"<{tag}{attr}>{_html_inline(block.runs)}</{tag}>")
    if open_tag:
        out.append("</ul>" if open_tag == "ul" else "</div>")
    return (
        f'<!DOCTYPE html>\n<html lang="{content.language_tag}" dir="{content.direction}">\n'
        f'<head><meta charset="utf-8"><title>{html.escape(content.title)}</title>\n'
        f"<style>\n{html_css(content, fonts)}\n</style></head>\n<body>\n"
        + "\n".join(out)
        + "\n</body>\n</html>\n"
    )


def weasyprint_pdf(document: str) -> bytes:
    """Render HTML with WeasyPrint the documented way (fresh font configuration)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    pdf = HTML(string=document).write_pdf(font_config=font_config)
    assert pdf is not None
    return bytes(pdf)


# --- Markdown for pandoc -------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$])")


def _md_inline(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        text = _MD_SPECIAL.sub(r"\\\1", run.text)
        core = text.strip()
        if core and (run.bold or run.italic):
            # Emphasis must not start or end with a space: keep spaces outside.
            mark = ("**" if run.bold else "") + ("*" if run.italic else "")
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            text = f"{lead}{mark}{core}{mark[::-1]}{trail}"
        if run.href:
            text = f"[{text}](<{run.href}>)"
        parts.append(text)
    return "".join(parts)


def _md_block(block: Block) -> str:
    text = _md_inline(block.runs)
    match block.kind:
        case "title":
            return f"# {text}"
        case "heading":
            return f"## {text}"
        case "subheading":
            return f"### {text}"
        case "item":
            return f"- **{_md_inline(block.term).strip()}**: {text}"
        case "box_heading" | "box":
            return f"> {text}"
        case _:
            return text


# Consecutive blocks of these kinds form one Markdown block, joined like this.
_MD_JOIN = {"item": "\n", "box_heading": "\n>\n", "box": "\n>\n", "contact": "\\\n"}


def markdown_document(content: Content) -> str:
    """``content`` as pandoc Markdown (language and direction in the YAML metadata)."""
    groups: list[list[Block]] = []
    for block in content.blocks:
        last = groups[-1][-1].kind if groups else None
        joined = block.kind in _MD_JOIN and last in _MD_JOIN
        if joined and _MD_JOIN[str(last)] == _MD_JOIN[block.kind]:
            groups[-1].append(block)
        else:
            groups.append([block])
    body = [_MD_JOIN.get(g[0].kind, "").join(_md_block(b) for b in g) for g in groups]
    header = f'---\nlang: "{content.language_tag}"\ndir: "{content.direction}"\n---'
    return "\n\n".join([header, *body]) + "\n"


# --- bare python-docx ----------------------------------------------------------------------

_DOCX_STYLES: dict[str, str] = {
    "title": "Title",
    "subtitle": "Subtitle",
    "summary": "Normal",
    "heading": "Heading 1",
    "subheading": "Heading 2",
    "paragraph": "Normal",
    "item": "List Bullet",
    "box_heading": "Intense Quote",
    "box": "Intense Quote",
    "caption": "Caption",
    "contact": "Normal",
    "small": "Normal",
}


def bare_python_docx(content: Content, font: str = "Noto Sans") -> bytes:
    """``content`` with python-docx's default template and its built-in styles."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = font  # type: ignore[attr-defined]
    normal.font.size = Pt(11)  # type: ignore[attr-defined]
    document.core_properties.title = content.title
    document.core_properties.language = content.language_tag
    # Style objects looked up once: python-docx resolves a style *name* with an
    # XPath search on every add_paragraph, which would make this floor slower.
    styles = {kind: document.styles[name] for kind, name in _DOCX_STYLES.items()}
    for block in content.blocks:
        paragraph = document.add_paragraph(style=styles[block.kind])
        if block.kind == "item":
            for run in block.term:
                paragraph.add_run(run.text).bold = True
            paragraph.add_run(": ")
        for run in block.runs:
            added = paragraph.add_run(run.text)
            # Only where the text has them: setting None on every run rewrites its
            # properties for nothing (a fifth of this baseline's time).
            if run.bold:
                added.bold = True
            if run.italic:
                added.italic = True
            if run.href:
                added.underline = True
        if block.kind == "small":
            for added in paragraph.runs:
                added.font.size = Pt(9.5)
    document.sections[0].footer.paragraphs[0].text = content.footer
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- static fonts for the peers --------------------------------------------------------------


def static_font_files(folder: Path, key: str = "noto-sans") -> FontFiles:
    """Static instances of all four faces, cut by HarfBuzz as kedu cuts its bold.

    kedu draws regular text with the variable font's default instance (the
    2 MB variable file) and its bold with a static instance; a peer given the
    variable file must parse every variation table, which makes WeasyPrint
    several times slower.  The peers get static files of the same design.
    """
    from kedu.exporters.pdf.fonts import _instantiate, family

    fam = family(key)
    folder.mkdir(parents=True, exist_ok=True)
    stem = "NotoSans" if key == "noto-sans" else "NotoSansArabic"
    paths: dict[str, Path] = {}
    for face_key, weight, style in (
        ("regular", 400, "Regular"),
        ("bold", 700, "Bold"),
        ("italic", 400, "Italic"),
        ("bold_italic", 700, "BoldItalic"),
    ):
        source = getattr(fam, face_key).source
        target = folder / f"{stem}-{style}.ttf"
        if not target.exists():
            target.write_bytes(_instantiate(source, f"{stem}-{style}", weight))
        paths[face_key] = target
    return FontFiles(family="Noto Sans" if key == "noto-sans" else "Noto Sans Arabic", **paths)


def html_document_default_font(content: Content) -> str:
    """The page without ``@font-face``: WeasyPrint picks its own default sans font."""
    page = html_document(content, FontFiles("", Path(), Path(), Path(), Path()))
    page = re.sub(r"@font-face \{[^}]*\}\n", "", page)
    return page.replace('"Bench Sans"', "sans-serif")


# --- Typst ---------------------------------------------------------------------------------


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _typst_inline(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        piece = _typst_string(run.text)
        if run.italic:
            piece = f"emph({piece})"
        if run.bold:
            piece = f"strong({piece})"
        if run.href:
            piece = f"link({_typst_string(run.href)}, {piece})"
        parts.append(f"#{piece}")
    return "".join(parts)


_TYPST_LANG = {"zh-Hans": ('"zh"', '"CN"'), "zh-Hant": ('"zh"', '"TW"')}


def typst_document(content: Content, font: str = "Noto Sans") -> str:
    """``content`` as Typst markup: every text a string literal (no markup
    injection), the same sizes as the reportlab baseline, a tagged document with
    a title and language (Typst then writes PDF/UA-1)."""
    lang, region = _TYPST_LANG.get(
        content.language_tag, (_typst_string(content.language_tag.split("-")[0]), "none")
    )
    direction = "rtl" if content.direction == "rtl" else "ltr"
    out = [
        f"#set document(title: {_typst_string(content.title)})",
        f'#set text(font: "{font}", size: 11pt, lang: {lang}, region: {region}, dir: {direction})',
        "#set par(leading: 4pt, spacing: 6pt)",
        '#set page(paper: "us-letter", margin: 1in, footer: context text(9pt)['
        f"#{_typst_string(content.footer)} #h(1fr) "
        "Page #counter(page).display() of #counter(page).final().first()])",
        "#show heading.where(level: 1): set text(22pt)",
        "#show heading.where(level: 2): set text(15pt)",
        "#show heading.where(level: 3): set text(12pt)",
    ]
    in_list = False
    for block in content.blocks:
        text = _typst_inline(block.runs)
        if block.kind == "item":
            out.append(f"- #strong[{_typst_inline(block.term)}]: {text}")
            in_list = True
            continue
        if in_list:
            out.append("")
            in_list = False
        if block.kind == "title":
            out.append(f"= {text}")
        elif block.kind == "heading":
            out.append(f"== {text}")
        elif block.kind == "subheading":
            out.append(f"=== {text}")
        elif block.kind in ("box", "box_heading"):
            out.append(f'#block(fill: rgb("#fff4d6"), inset: 6pt, width: 100%)[{text}]')
        elif block.kind in ("small", "caption"):
            out.append(f"#text(9.5pt)[{text}]")
        elif block.kind == "subtitle":
            out.append(f"#text(14pt)[{text}]")
        elif block.kind == "summary":
            out.append(f"#text(12pt)[{text}]")
        else:
            out.append(text)
        out.append("")
    return "\n".join(out) + "\n"


# --- a standalone bare reportlab script, for whole-process comparisons -------------------------


def bare_reportlab_script(content: Content, fonts: FontFiles, out: Path) -> str:
    """Python source that builds the bare reportlab handout of ``content`` with
    nothing but reportlab imported: the floor a one-document process can reach."""
    import inspect
    import json

    blocks = [
        {
            "kind": b.kind,
            "runs": [[r.text, r.bold, r.italic, r.href] for r in b.runs],
            "term": [[r.text, r.bold, r.italic, r.href] for r in b.term],
        }
        for b in content.blocks
    ]
    data = {
        "language_tag": content.language_tag,
        "direction": content.direction,
        "title": content.title,
        "footer": content.footer,
        "blocks": blocks,
        "fonts": {k: str(v) for k, v in fonts.faces().items()},
        "out": str(out),
    }
    functions = "\n\n".join(
        inspect.getsource(f) for f in (_register_reportlab, _rl_markup, bare_reportlab_pdf)
    )
    functions = functions.replace("@cache\n", "")
    return f'''"""Bare reportlab handout, generated by kedu's benchmarks (no kedu imported)."""
import html, json
from collections import namedtuple
from io import BytesIO

_RL_FAMILY = "BenchSans"
Run = namedtuple("Run", "text bold italic href")
Block = namedtuple("Block", "kind runs term")
Content = namedtuple("Content", "language_tag direction title footer blocks")
DATA = json.loads({json.dumps(json.dumps(data, ensure_ascii=False))})


class FontFiles:
    def __init__(self, faces):
        self._faces = faces

    def faces(self):
        return self._faces


{functions}


if __name__ == "__main__":
    blocks = tuple(
        Block(b["kind"], tuple(Run(*r) for r in b["runs"]), tuple(Run(*r) for r in b["term"]))
        for b in DATA["blocks"]
    )
    content = Content(
        DATA["language_tag"], DATA["direction"], DATA["title"], DATA["footer"], blocks
    )
    pdf = bare_reportlab_pdf(content, FontFiles(DATA["fonts"]))
    with open(DATA["out"], "wb") as handle:
        handle.write(pdf)
'''
