"""Pieces shared by the subcommands: state, config, article loading, options."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kedu.config import Config
    from kedu.models.article import Article


# --- the garbage collector during start-up -------------------------------------------------
#
# Importing kedu's dependencies creates some 300,000 objects that live until the
# process ends.  With the collector on, each is traversed again and again while
# the rest are imported, and every full collection afterwards walks all of them
# (one, set off by Babel reading its locale data, took 40 ms of a 0.8 s export).
# So the command line keeps the collector off while it imports, then moves what
# exists to the permanent generation (``gc.freeze``, as the gc docs advise
# before forking workers) and turns it back on for the real work.  Only the
# command line does this: ``import kedu`` leaves a program's collector alone.

_collector = {"paused": False, "frozen": False}


def pause_collector() -> None:
    """Collector off until :func:`resume_collector` (only if it was on)."""
    if gc.isenabled():
        gc.disable()
        _collector["paused"] = True


def resume_collector(*, freeze: bool) -> None:
    """Collector back on; with ``freeze``, everything made so far (the imports)
    is left out of every later collection."""
    if not _collector["paused"]:
        return
    if freeze:
        gc.freeze()
        _collector["frozen"] = True
    gc.enable()
    _collector["paused"] = False


def restore_collector(*, unfreeze: bool) -> None:
    """The collector on again if the command did not get that far; with
    ``unfreeze``, as it was before :func:`pause_collector` (a program that calls
    ``kedu.cli.main`` in-process and goes on, such as the tests).  A process
    about to exit keeps what it froze: the interpreter's last collection then
    skips it, and the process ends sooner."""
    resume_collector(freeze=False)
    if unfreeze and _collector["frozen"]:
        gc.unfreeze()
        _collector["frozen"] = False


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
