"""``kedu import``: turn an existing blog post into an article file."""

from __future__ import annotations

from pathlib import Path

import click

from kedu.errors import OutputError


@click.command("import")
@click.argument("post", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the article here (default: print the YAML to stdout).")
@click.option("--id", "article_id", metavar="SLUG",
              help="Article id (default: made from the title).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def import_command(
    post: Path, output: Path | None, article_id: str | None, force: bool, quiet: bool
) -> int:
    """Import POST (.md, .html or .txt) as a kedu article.

    Headings, lists, FAQs, photo credits and keyword lines are mapped to the
    article format; the YAML header says what was inferred, and everything
    guessed or not mapped is printed as a warning.  Review the result, then
    run `kedu validate`.
    """
    from kedu.importers import import_article

    if output is not None and output.exists() and not force:
        # It may be an article someone has edited by hand since the last import.
        raise OutputError("already exists; use --force to replace it", path=output)
    result = import_article(post, article_id=article_id)
    if not quiet:
        for warning in result.warnings:
            click.echo(f"kedu: warning: {post}: {warning}", err=True)
    if output is None:
        click.echo(result.yaml, nl=False)
        return 0
    from kedu.write import write_atomic

    write_atomic(output, result.yaml.encode("utf-8"))  # OutputError names the file
    if not quiet:
        article = result.article
        click.echo(
            f"{post} → {output}: {article.id} ({len(article.sections)} sections, "
            f"{len(result.warnings)} warning{'' if len(result.warnings) == 1 else 's'})",
            err=True,
        )
    return 0
