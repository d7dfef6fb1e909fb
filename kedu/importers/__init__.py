"""Import existing blog posts (Markdown, HTML, plain text) as kedu articles.

::

    result = import_article("post.md")
    result.article      # the validated Article
    result.yaml         # article source, with a header saying what was inferred
    result.warnings     # what was guessed or could not be mapped

Each format has a front end that reads the post with a real parser
(:mod:`~kedu.importers.markdown`: markdown-it-py; :mod:`~kedu.importers.html`:
selectolax/Lexbor; :mod:`~kedu.importers.text`: line shapes) into the same
neutral blocks, and :mod:`~kedu.importers.structure` maps blocks to sections
once for all formats.  The parsers are imported only when a post of their
format is imported, so ``import kedu`` stays light.

Import is deterministic: the same file gives byte-identical YAML (the header
names the file, not its directory).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from kedu.errors import ImportArticleError, UsageError
from kedu.limits import check_file_size, limits, too_big
from kedu.models.article import SLUG_PATTERN, Article

__all__ = ["FORMATS", "ImportResult", "detect_format", "import_article", "import_text"]

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
}
_FORMAT_NAMES = {"markdown": "Markdown", "html": "HTML", "text": "plain text"}


@dataclass(frozen=True)
class ImportResult:
    """An imported post: the article, its YAML source and the import report."""

    article: Article
    yaml: str
    format: str
    inferred: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def detect_format(path: str | Path) -> str:
    """``markdown``, ``html`` or ``text`` from the file suffix."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportArticleError(
            f"unsupported file type {path.suffix or '(none)'!r}; use .md, .html or .txt",
            path=path,
        )
    return fmt


def _read(path: Path) -> str:
    check_file_size(path, error=ImportArticleError)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportArticleError("file not found", path=path) from None
    except IsADirectoryError:
        raise ImportArticleError("is a directory, not a blog post file", path=path) from None
    except OSError as exc:
        raise ImportArticleError(f"cannot be read: {exc.strerror}", path=path) from None
    if b"\x00" in data:
        raise ImportArticleError("is a binary file (it contains NUL bytes), not text", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportArticleError(
            f"is not UTF-8 text (byte {exc.start + 1} cannot be decoded); save it as UTF-8",
            path=path,
        ) from None
    if not text.strip():
        raise ImportArticleError("is empty", path=path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_id(article_id: str | None) -> None:
    if article_id is not None and not re.fullmatch(SLUG_PATTERN, article_id):
        raise UsageError(
            f"--id {article_id!r} is not a valid id: use lowercase letters, digits and single "
            "hyphens (e.g. iron-infusion)"
        )


# Elements an HTML page may leave open (the parser closes them) or that never
# hold content: they do not count towards the nesting depth.
_UNCOUNTED = frozenset(
    (
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
        *("source", "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr"),
        *("td", "th", "thead", "tbody", "tfoot", "rt", "rp", "colgroup", "caption"),
    )
)
_HTML_TAG = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>",
    re.DOTALL | re.IGNORECASE,
)
_MARKDOWN_NESTING = re.compile(r"^([ \t]*)((?:>[ \t]?)*)")


def _check_nesting(text: str, fmt: str) -> None:
    """Refuse a post nested deeper than ``4 x max_depth`` before parsing it.

    The parsers are not linear in depth: Lexbor takes 5 s for 20,000 nested
    ``<div>``s and minutes for 100,000, markdown-it seconds for a thousand-level
    list, and kedu's own walk over the tree is recursive.  Real pages stay far
    below the limit (it is four times ``max_depth`` because pages leave tags open).
    """
    limit = 4 * limits().max_depth
    if fmt == "html":
        depth = 0
        for match in _HTML_TAG.finditer(text):
            name = match.group(3)
            if name is None or match.group(4) or name.lower() in _UNCOUNTED:
                continue
            depth = max(0, depth - 1) if match.group(2) else depth + 1
            if depth > limit:
                raise ImportArticleError(
                    too_big("the nesting of HTML elements", depth, "max_depth", limit)
                    + " (four times max_depth)",
                    line=text.count("\n", 0, match.start()) + 1,
                )
    elif fmt == "markdown":
        for number, line in enumerate(text.split("\n"), start=1):
            found = _MARKDOWN_NESTING.match(line)
            assert found is not None
            indent = len(found.group(1).expandtabs(4)) // 2  # a nested list adds 2+ spaces
            depth = indent + found.group(2).count(">")
            if depth > limit:
                raise ImportArticleError(
                    too_big("the nesting of lists and quotes", depth, "max_depth", limit)
                    + " (four times max_depth)",
                    line=number,
                )


def import_text(
    text: str, fmt: str, *, source: str = "<text>", article_id: str | None = None
) -> ImportResult:
    """Import post ``text`` of format ``fmt`` (``markdown``, ``html`` or ``text``).

    ``source`` names the post in messages and in the YAML header.
    """
    from kedu.importers.output import render_yaml
    from kedu.importers.structure import PostMeta, structure

    _check_id(article_id)
    _check_nesting(text, fmt)
    front: list[str]
    if fmt == "markdown":
        from kedu.importers.markdown import parse_markdown

        blocks, meta, front = parse_markdown(text)
    elif fmt == "html":
        from kedu.importers.html import parse_html

        blocks, meta, front = parse_html(text)
    elif fmt == "text":
        from kedu.importers.text import parse_text

        blocks, front = parse_text(text)
        meta = PostMeta()
    else:
        raise UsageError(f"unknown import format {fmt!r}; use markdown, html or text")
    result = structure(blocks, meta, fmt=fmt, source=source, article_id=article_id)
    warnings = [*front, *result.warnings]
    try:
        article = Article.model_validate(result.data)
    except ValidationError as exc:
        from kedu.load import format_validation_error

        where, _line, message = format_validation_error(exc)
        raise ImportArticleError(
            f"the imported article is not valid ({where}: {message})", path=source
        ) from None
    from kedu.models.completeness import handout_gaps

    # A post carries no clinic details or review date: say what the handout lacks.
    warnings += [str(gap) for gap in handout_gaps(article)]
    name = _FORMAT_NAMES[fmt]
    yaml_text = render_yaml(
        result.data, source=source, fmt=name, inferred=result.inferred, warnings=warnings
    )
    return ImportResult(article, yaml_text, fmt, list(result.inferred), warnings)


def import_article(
    path: str | os.PathLike[str], *, article_id: str | None = None
) -> ImportResult:
    """Import the blog post at ``path`` (``.md``, ``.html`` or ``.txt``).

    Raises :class:`~kedu.errors.ImportArticleError` naming the file when it is
    missing, unreadable, binary, not UTF-8, empty, or has no headings.
    """
    path = Path(path)
    fmt = detect_format(path)
    text = _read(path)
    try:
        return import_text(text, fmt, source=path.name, article_id=article_id)
    except ImportArticleError as exc:
        raise ImportArticleError(exc.message, path=path, line=exc.line) from None
