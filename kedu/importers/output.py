"""Write imported article data as YAML in the style of the hand-written examples.

Keys keep the source format's order, every text is double-quoted (so a colon,
a leading ``*`` or a "yes" can never change meaning), ids and enum values stay
plain, short lists (``keywords``, ``show``) and image credits are written in
flow style, and lines are never folded.  A comment header says what was
inferred and what could not be mapped, so the editor sees it where they work.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["render_yaml"]

_TEXT_KEYS = {
    "title", "subtitle", "summary", "heading", "paragraphs", "intro", "outro", "term",
    "description", "question", "answer", "text", "keywords", "author", "source", "disclaimer",
    "alt", "caption", "credit",
}
_FLOW_LISTS = {"keywords", "show"}


class _Text(str):
    """A string written double-quoted."""


class _FlowList(list[Any]):
    """A list written on one line."""


class _FlowMap(dict[str, Any]):
    """A mapping written on one line."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents lists under their key, as the examples do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: _Text) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


_Dumper.add_representer(_Text, _text)
_Dumper.add_representer(_FlowList, _flow_list)
_Dumper.add_representer(_FlowMap, _flow_map)


def _styled(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        styled = {k: _styled(v, k) for k, v in value.items()}
        return _FlowMap(styled) if key == "image_credits" else styled
    if isinstance(value, list):
        items = [_styled(v, key) for v in value]
        return _FlowList(items) if key in _FLOW_LISTS else items
    if isinstance(value, str) and key in _TEXT_KEYS:
        return _Text(value)
    return value


def _comment(lines: list[str]) -> str:
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def render_yaml(
    data: dict[str, Any], *, source: str, fmt: str, inferred: list[str], warnings: list[str]
) -> str:
    """The article file: header comment, then the data."""
    header = [f"Imported by `kedu import` from {source} ({fmt}). Review it before printing."]
    header.append("")
    header.append("Inferred from the post:")
    header += [f"  - {' '.join(note.split())}" for note in inferred]
    header.append("Not known, left out (add them by hand):")
    header.append("  - review_date: add it when a clinician has reviewed the text")
    header.append("  - organization: set it in kedu.toml, or add it here")
    if warnings:
        header.append("Guessed or not mapped (also printed as warnings):")
        header += [f"  - {' '.join(note.split())}" for note in warnings]
    body = yaml.dump(
        _styled(data),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
    )
    return _comment(header) + "\n" + body
