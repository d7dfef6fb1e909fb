"""``kedu validate`` and ``kedu schema``."""

from __future__ import annotations

from pathlib import Path

import click

from kedu.cli.common import article_arg, load_articles, warn_gaps


@click.command("validate")
@article_arg
def validate_command(articles: tuple[Path, ...]) -> int:
    """Check that each ARTICLE file is a valid kedu article, and warn about what its
    handouts would lack (no review date, no clinic name, an empty contact box)."""
    loaded = load_articles(articles)
    for article, path in loaded:
        count = sum(1 for _ in article.segments())
        click.echo(f"{path}: ok ({article.id}: {len(article.sections)} sections, {count} texts)")
    warn_gaps(loaded)
    return 0


@click.command("schema")
@click.option(
    "--export", "export_", is_flag=True,
    help="The schema of kedu's JSON export (what --format json writes) instead.",
)
def schema_command(export_: bool) -> int:
    """Print the JSON Schema of the article source format (or, with --export, of
    the JSON export)."""
    if export_:
        from kedu.schema.export import export_schema_text

        click.echo(export_schema_text(), nl=False)
        return 0
    from kedu.schema import schema_text

    click.echo(schema_text(), nl=False)
    return 0
