"""Input limits: how big a file, a text, a tree or a picture kedu agrees to read.

Every file kedu reads comes from someone else (a clinic's article, a translator's
catalog, a blog post, a logo).  Without limits a 1 MB YAML paragraph referenced
3,000 times through aliases, a 50 MB title or a 30,000² PNG makes kedu run for
minutes and use gigabytes before it fails.  Each limit here is checked *before*
the expensive step (reading, building the model, decoding pixels), so a hostile
file is refused in well under a second with one line that names the limit and
how to raise it.

The values are far above any real handout (the example article is 30 KB, its
longest paragraph 600 characters).  Each can be raised with an environment
variable, read when the limit is checked (so it works in pool workers too)::

    KEDU_MAX_FILE_BYTES=20000000 kedu validate big-article.yaml
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from kedu.errors import KeduError

__all__ = ["LIMITS", "LimitError", "Limits", "check_file_size", "limits"]


class LimitError(KeduError):
    """An input is larger (or deeper) than one of kedu's documented limits."""


@dataclass(frozen=True)
class Limits:
    """The limits in force; :func:`limits` reads the environment overrides."""

    max_file_bytes: int = 5_000_000
    """Article, catalog, blog post or config file size (KEDU_MAX_FILE_BYTES)."""
    max_field_chars: int = 20_000
    """Characters in one text field or translation (KEDU_MAX_FIELD_CHARS)."""
    max_total_chars: int = 5_000_000
    """Characters of all texts of an article once YAML aliases are expanded
    (KEDU_MAX_TOTAL_CHARS)."""
    max_nodes: int = 100_000
    """Values (mappings, lists, texts) of an article once YAML aliases are expanded
    (KEDU_MAX_NODES)."""
    max_depth: int = 64
    """Nesting depth of YAML/JSON values and HTML/Markdown elements (KEDU_MAX_DEPTH)."""
    max_int_digits: int = 30
    """Digits of an integer in an article (KEDU_MAX_INT_DIGITS)."""
    max_image_pixels: int = 50_000_000
    """Width times height of an image or logo, e.g. 10,000 by 5,000 (KEDU_MAX_IMAGE_PIXELS)."""

    @staticmethod
    def env_name(name: str) -> str:
        return "KEDU_" + name.upper()


LIMITS = Limits()
"""The built-in values (documented in the README)."""


def limits() -> Limits:
    """The limits in force: built-in values, raised or lowered by ``KEDU_MAX_*``."""
    return _limits(tuple(os.environ.get(Limits.env_name(spec.name)) for spec in fields(Limits)))


@lru_cache(maxsize=8)
def _limits(raws: tuple[str | None, ...]) -> Limits:
    values: dict[str, int] = {}
    for spec, raw in zip(fields(Limits), raws, strict=True):
        if raw is None or not raw.strip():
            continue
        try:
            value = int(raw.replace("_", "").strip())
        except ValueError:
            value = -1
        if value <= 0:
            raise LimitError(
                f"{Limits.env_name(spec.name)}={raw!r} is not a positive whole number"
            )
        values[spec.name] = value
    return Limits(**values) if values else LIMITS


def too_big(what: str, size: int, name: str, limit: int, unit: str = "") -> str:
    """'... is 12,000,000 bytes; the limit is 5,000,000 (raise it with KEDU_MAX_FILE_BYTES)'."""
    unit = f" {unit}" if unit else ""
    return (
        f"{what} is {size:,}{unit}; the limit is {limit:,} "
        f"(raise it with {Limits.env_name(name)})"
    )


def check_file_size(path: str | Path, *, error: type[KeduError] = LimitError) -> None:
    """Refuse a file larger than ``max_file_bytes`` before reading it."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    limit = limits().max_file_bytes
    if size > limit:
        raise error(too_big("the file", size, "max_file_bytes", limit, "bytes"), path=path)


def check_text_length(text: str) -> None:
    """Raise ``ValueError`` (a field error for pydantic) when ``text`` is too long."""
    limit = limits().max_field_chars
    if len(text) > limit:
        raise ValueError(too_big("the text", len(text), "max_field_chars", limit, "characters"))
