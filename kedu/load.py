"""Load an article from a YAML or JSON file into the typed model.

Errors are turned into one-line :class:`~kedu.errors.KeduError` messages that
name the file, the line and column (syntax errors) or the field path and, for
YAML, the line where that field is (schema errors).
"""

from __future__ import annotations

import difflib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kedu.errors import ArticleError, ArticleSchemaError, ArticleSyntaxError
from kedu.models import article as article_models
from kedu.models.article import Article, FieldValueError

__all__ = ["ARTICLE_SUFFIXES", "format_validation_error", "load_article", "parse_article"]

ARTICLE_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
_SECTION_TYPES = ("prose", "list", "faq", "callout", "image", "call_to_action")


# libyaml's C loader when PyYAML was built with it (the wheels are): same safe
# constructors, about five times faster on an article.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """Safe loader that refuses duplicate keys (the later one would silently win)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError for 2026-13-01; give it the node's position.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"{node.value!r} is not a valid date ({exc}); write it as YYYY-MM-DD",
            node.start_mark,
        ) from None


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_article(path: str | os.PathLike[str]) -> Article:
    """Read and validate the article at ``path`` (``.yaml``, ``.yml`` or ``.json``).

    Raises :class:`~kedu.errors.ArticleError` (or a subclass) with a one-line message.
    A file written by kedu's JSON exporter is refused (:func:`refuse_export`):
    a translated export loaded as a source would print as a fake English
    handout.
    """
    path = Path(path)
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ArticleError(
            f"unsupported file type {path.suffix or '(none)'!r}; use .yaml, .yml or .json",
            path=path,
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArticleError("file not found", path=path) from None
    except IsADirectoryError:
        raise ArticleError("is a directory, not an article file", path=path) from None
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"is not UTF-8 text (byte {exc.start + 1} cannot be decoded)", path=path
        ) from None
    except OSError as exc:
        raise ArticleError(f"cannot be read: {exc.strerror}", path=path) from None
    return parse_article(text, kind=kind, path=path)


def parse_article(text: str, *, kind: str = "yaml", path: str | Path = "<string>") -> Article:
    """Validate article source ``text`` given as YAML or JSON."""
    data = _parse_json(text, path) if kind == "json" else _parse_yaml(text, path)
    refuse_export(data, path)
    if not isinstance(data, dict):
        raise ArticleSchemaError(
            "the file must contain a mapping of article fields (id, title, sections, ...)",
            path=path,
        )
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        field, line, message = format_validation_error(exc, source=text if kind == "yaml" else None)
        raise ArticleSchemaError(message, path=path, line=line, field=field) from None


def refuse_export(data: Any, path: str | Path) -> None:
    """Raise :class:`ArticleError` if ``data`` is a kedu JSON export (any envelope
    version), not an article: an export is output, and its text may be a
    translation that would otherwise become a fake source."""
    if not (isinstance(data, dict) and "kedu" in data and ("article" in data or "locale" in data)):
        return
    article = data.get("article")
    article_id = article.get("id") if isinstance(article, dict) else None
    what = f"article {article_id!r}" if isinstance(article_id, str) else "an article"
    locale = data.get("locale")
    language = f" in {locale!r}" if isinstance(locale, str) else ""
    raise ArticleError(
        f"this is a kedu JSON export (envelope version {data.get('kedu')}) of {what}{language}, "
        "not an article source; load the article's YAML file it was exported from instead",
        path=path,
    )


def _parse_yaml(text: str, path: str | Path) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        # Constructor errors (duplicate key, impossible date) are about values, not syntax.
        kind = (
            "YAML error"
            if isinstance(exc, yaml.constructor.ConstructorError)
            else ("YAML syntax error")
        )
        if mark is None:
            raise ArticleSyntaxError(f"{kind}: {problem}", path=path) from None
        raise ArticleSyntaxError(
            f"{kind}: {problem}", path=path, line=mark.line + 1, column=mark.column + 1
        ) from None
    except yaml.YAMLError as exc:
        raise ArticleSyntaxError(f"YAML error: {exc}", path=path) from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise ValueError(f"duplicate key {key!r}")
    return dict(pairs)


def _parse_json(text: str, path: str | Path) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ArticleSyntaxError(
            f"JSON syntax error: {exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from None
    except ValueError as exc:  # a duplicate key: the later one would silently win
        raise ArticleSyntaxError(f"JSON error: {exc}", path=path) from None


def format_validation_error(
    exc: ValidationError, *, source: str | None = None, known_fields: tuple[str, ...] = ()
) -> tuple[str, int | None, str]:
    """(field path, YAML line or None, readable message) for the first error of ``exc``."""
    # An unknown key explains the "missing field" errors that come with a typo: show it first.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = _clean_loc(first["loc"], first["type"])
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, FieldValueError):
        loc = [*loc, *_parse_field(cause.field)]
    field = _loc_to_path(loc)
    message = _describe(first, loc, known_fields or _all_field_names())
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    line = _yaml_line(source, loc) if source is not None else None
    return field, line, message


def _clean_loc(loc: tuple[int | str, ...], kind: str) -> list[int | str]:
    out: list[int | str] = []
    for i, part in enumerate(loc):
        # A discriminated union adds the tag ('list', 'faq', ...) after the index.
        if (
            isinstance(part, str)
            and part in _SECTION_TYPES
            and i >= 2
            and isinstance(loc[i - 1], int)
            and loc[i - 2] == "sections"
        ):
            continue
        # Annotated validators and URL types add internal steps: keep only real names.
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        out.append(part)
    return out


def _parse_field(field: str) -> list[int | str]:
    parts: list[int | str] = []
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", field):
        parts.append(name if name else int(index))
    return parts


def _loc_to_path(loc: list[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "(article)"


@cache
def _all_field_names() -> tuple[str, ...]:
    names: set[str] = set()
    for obj in vars(article_models).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return tuple(sorted(names))


def _describe(error: Any, loc: list[int | str], known_fields: tuple[str, ...]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        close = difflib.get_close_matches(key, known_fields, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field {key!r}{hint}"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        tag = error.get("input", {}).get("type") if isinstance(error.get("input"), dict) else None
        return f"unknown section type {tag!r}; expected one of: {', '.join(_SECTION_TYPES)}"
    if kind == "union_tag_not_found":
        return f"section has no 'type'; expected one of: {', '.join(_SECTION_TYPES)}"
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        return (
            f"{error.get('input')!r} is not a valid id: use lowercase letters, digits "
            "and single hyphens (e.g. 'side-effects')"
        )
    if kind.startswith(("date_", "datetime_")):
        return f"{error.get('input')!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-10-15)"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return message


def _yaml_line(source: str, loc: list[int | str]) -> int | None:
    """1-based line of the deepest node of ``loc`` that exists in the YAML source."""
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    child = value_node
                    line = key_node.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            child = node.value[part]
        node = child
    if node is not None:
        line = node.start_mark.line + 1 if not isinstance(node, yaml.MappingNode) else line
    return line


def yaml_field_lines(source: str) -> dict[str, int]:
    """{field path: 1-based line} for every scalar in a YAML document.

    Paths look like the ones in error messages: ``sections[3].items[2].term``.
    """
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node: yaml.Node | None, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                child = f"{path}.{key_node.value}" if path else str(key_node.value)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, f"{path}[{index}]")
        elif node is not None:
            lines[path] = node.start_mark.line + 1

    walk(root, "")
    return lines


_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def check_references(article: Article, path: str | Path) -> None:
    """Check the files an article points at (images), relative to its own file.

    Kept apart from :func:`load_article` because an article exported as JSON may
    be loaded from elsewhere; ``kedu validate`` and ``kedu export`` call both.
    """
    from kedu.models.article import ImageSection

    path = Path(path)
    base = path.parent.resolve()
    for index, section in enumerate(article.sections):
        if not isinstance(section, ImageSection):
            continue
        field = f"sections[{index}].src"
        image = (base / section.src).resolve()

        def fail(problem: str, field: str = field) -> ArticleError:
            # The YAML is parsed again for line numbers only when a reference is
            # wrong: on the way to a good export that would cost a tenth of a second.
            lines: dict[str, int] = {}
            if path.suffix.lower() in (".yaml", ".yml"):
                lines = yaml_field_lines(path.read_text(encoding="utf-8"))
            return ArticleError(problem, path=path, line=lines.get(field), field=field)

        if not image.is_relative_to(base):
            raise fail(f"{section.src!r} is outside the article's folder")
        if not image.is_file():
            raise fail(f"image file not found: {section.src}")
        with image.open("rb") as handle:
            head = handle.read(8)
        if not head.startswith(_IMAGE_SIGNATURES):
            raise fail(f"{section.src} is not a PNG, JPEG or GIF image")
