"""Pieces shared by the subcommands: state, config, article loading, options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kedu.config import Config
    from kedu.models.article import Article


@dataclass
class State:
    """Per-invocation state, loaded on first use."""

    debug: bool = False
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            from kedu.config import load_config  # pydantic models: only when a command runs

            self._config = load_config()
        return self._config


def state() -> State:
    ctx = click.get_current_context()
    obj = ctx.find_object(State)
    return obj if obj is not None else State()


def load_articles(paths: tuple[Path, ...] | list[Path]) -> list[tuple[Article, Path]]:
    """Load each article and apply the organization config; errors propagate as KeduError."""
    from kedu.load import check_references, load_article

    config = state().config
    loaded = []
    for path in paths:
        article = load_article(path)
        check_references(article, path)
        loaded.append((config.apply(article), path))
    return loaded


def warn_gaps(loaded: list[tuple[Article, Path]]) -> int:
    """Print one warning line per thing a handout will lack; return how many."""
    from kedu.load import yaml_field_lines
    from kedu.models.completeness import handout_gaps

    count = 0
    for article, path in loaded:
        gaps = handout_gaps(article)
        if not gaps:
            continue
        try:
            lines = yaml_field_lines(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            lines = {}
        for gap in gaps:
            line = next((n for f, n in lines.items() if f.startswith(gap.field)), None)
            where = f"{path}:{line}" if line else str(path)
            click.echo(f"kedu: warning: {where}: {gap}", err=True)
            count += 1
    return count


def locales_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--locales",
        "locales_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Locales directory (default: config, then the nearest locales/ folder).",
    )(func)


def article_arg(func: click.decorators.FC) -> click.decorators.FC:
    return click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))(
        func
    )
