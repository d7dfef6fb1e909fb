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
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kedu.errors import ArticleError, ArticleSchemaError, ArticleSyntaxError
from kedu.limits import check_file_size, limits, too_big
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
    handout.  Files beyond the limits of :mod:`kedu.limits` are refused before
    they are read.
    """
    path = Path(path)
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ArticleError(
            f"unsupported file type {path.suffix or '(none)'!r}; use .yaml, .yml or .json",
            path=path,
        )
    check_file_size(path, error=ArticleError)
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
    limit = limits().max_file_bytes
    if len(text) > limit:  # characters, not bytes: a cheap bound for text given directly
        raise ArticleError(
            too_big("the text", len(text), "max_file_bytes", limit, "characters"), path=path
        )
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
    loader = _StrictLoader(text)
    try:
        # Compose the node graph first (cheap: an alias is one shared node), check
        # its size with aliases expanded, and only then build Python values.
        node = loader.get_single_node()
        if node is None:
            return None
        _check_yaml_tree(node, path)
        return loader.construct_document(node)
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
        raise ArticleSyntaxError(f"YAML error: {' '.join(str(exc).split())}", path=path) from None
    finally:
        loader.dispose()


# The only value types an article has; an explicit tag such as !!binary, !!set or
# !!python/name would turn text into something else behind the author's back.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
}
_NODE_KIND = {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


def _check_yaml_tree(root: yaml.Node, path: str | Path) -> None:
    """Refuse a node graph that is too big or deep once aliases are expanded, a
    text or integer beyond the limits, a non-text mapping key or a special tag.

    Each distinct node is visited once and its expanded size remembered, so a
    "billion laughs" document costs as much to check as it has nodes, not as
    much as it would expand to.
    """
    lim = limits()
    sizes: dict[int, tuple[int, int, int]] = {}  # id(node) -> (nodes, chars, height)
    active: set[int] = set()

    def fail(node: yaml.Node, problem: str) -> ArticleSyntaxError:
        mark = node.start_mark
        return ArticleSyntaxError(
            f"YAML error: {problem}", path=path, line=mark.line + 1, column=mark.column + 1
        )

    def visit(node: yaml.Node, depth: int) -> tuple[int, int, int]:
        key = id(node)
        known = sizes.get(key)
        if known is None:
            if key in active:
                raise fail(node, "an alias refers to a value that contains it")
            if depth > lim.max_depth:
                raise fail(
                    node, too_big("the nesting depth", depth, "max_depth", lim.max_depth)
                )
            active.add(key)
            known = measure(node, depth)
            active.discard(key)
            sizes[key] = known
        height = known[2]
        if depth + height > lim.max_depth:
            raise fail(
                node, too_big("the nesting depth", depth + height, "max_depth", lim.max_depth)
            )
        return known

    def measure(node: yaml.Node, depth: int) -> tuple[int, int, int]:
        if node.tag not in _PLAIN_TAGS:
            raise fail(node, f"the tag {_show_tag(node.tag)} is not allowed; use plain values")
        if isinstance(node, yaml.ScalarNode):
            value = node.value
            if len(value) > lim.max_field_chars:
                raise fail(
                    node,
                    too_big("a text", len(value), "max_field_chars", lim.max_field_chars,
                            "characters"),
                )
            if node.tag.endswith(":int") and sum(c.isdigit() for c in value) > lim.max_int_digits:
                raise fail(
                    node,
                    too_big("an integer", sum(c.isdigit() for c in value), "max_int_digits",
                            lim.max_int_digits, "digits"),
                )
            return 1, len(value), 0
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise fail(
                        key_node,
                        f"a key must be a name, not {_NODE_KIND.get(type(key_node), 'a value')}",
                    )
                children += (key_node, value_node)
        else:
            children = list(node.value)
        nodes, chars, height = 1, 0, 0
        for child in children:
            n, c, h = visit(child, depth + 1)
            nodes, chars, height = nodes + n, chars + c, max(height, h + 1)
            if nodes > lim.max_nodes:
                raise fail(
                    child,
                    too_big("the article, with aliases expanded,", nodes, "max_nodes",
                            lim.max_nodes, "values"),
                )
            if chars > lim.max_total_chars:
                raise fail(
                    child,
                    too_big("the article's text, with aliases expanded,", chars,
                            "max_total_chars", lim.max_total_chars, "characters"),
                )
        return nodes, chars, height

    visit(root, 0)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise ValueError(f"duplicate key {key!r}")
    return dict(pairs)


def _json_int(digits: str) -> int:
    limit = limits().max_int_digits
    if len(digits.lstrip("-")) > limit:
        raise ValueError(too_big("an integer", len(digits.lstrip("-")), "max_int_digits",
                                 limit, "digits"))
    return int(digits)


def _parse_json(text: str, path: str | Path) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise ArticleSyntaxError(
            f"JSON syntax error: {exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        # json nests by recursion: thousands of "[" exhaust the stack before any limit.
        raise ArticleSyntaxError(
            f"JSON error: nested more than {sys.getrecursionlimit():,} levels deep; "
            f"the limit is {limits().max_depth}",
            path=path,
        ) from None
    except ValueError as exc:  # a duplicate key: the later one would silently win
        raise ArticleSyntaxError(f"JSON error: {exc}", path=path) from None
    _check_json_tree(data, path)
    return data


def _check_json_tree(data: Any, path: str | Path) -> None:
    """The JSON counterpart of :func:`_check_yaml_tree` (JSON has no aliases)."""
    lim = limits()
    nodes = 0
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        nodes += 1
        field = where or None
        if depth > lim.max_depth:
            raise ArticleSyntaxError(
                too_big("the nesting depth", depth, "max_depth", lim.max_depth),
                path=path, field=field,
            )
        if nodes > lim.max_nodes:
            raise ArticleSyntaxError(
                too_big("the article", nodes, "max_nodes", lim.max_nodes, "values"), path=path
            )
        if isinstance(value, str) and len(value) > lim.max_field_chars:
            raise ArticleSyntaxError(
                too_big("the text", len(value), "max_field_chars", lim.max_field_chars,
                        "characters"),
                path=path, field=field,
            )
        if isinstance(value, dict):
            stack.extend(
                (v, f"{where}.{k}" if where else str(k), depth + 1) for k, v in value.items()
            )
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value))


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


def check_references(article: Article, path: str | Path) -> None:
    """Check the files an article points at (images), relative to its own file:
    each must be inside the article's folder and decode completely as a PNG, JPEG
    or GIF within the pixel limit (see :mod:`kedu.images`).

    Kept apart from :func:`load_article` because an article exported as JSON may
    be loaded from elsewhere; ``kedu validate`` and ``kedu export`` call both.
    """
    from kedu.images import ImageProblem, check_image
    from kedu.models.article import ImageSection

    path = Path(path)
    base = path.parent.resolve()
    for index, section in enumerate(article.sections):
        if not isinstance(section, ImageSection):
            continue
        field = f"sections[{index}].src"

        def fail(problem: str, field: str = field) -> ArticleError:
            # The YAML is parsed again for line numbers only when a reference is
            # wrong: on the way to a good export that would cost a tenth of a second.
            lines: dict[str, int] = {}
            if path.suffix.lower() in (".yaml", ".yml"):
                lines = yaml_field_lines(path.read_text(encoding="utf-8"))
            return ArticleError(problem, path=path, line=lines.get(field), field=field)

        image = (base / section.src).resolve()
        if not image.is_relative_to(base):
            raise fail(f"{section.src!r} is outside the article's folder")
        if not image.exists():
            raise fail(f"image file not found: {section.src}")
        try:
            check_image(image)
        except ImageProblem as exc:
            raise fail(f"{section.src}: {exc}") from None
