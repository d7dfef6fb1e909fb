"""Turn an article (or kedu's own labels) into a gettext template.

One message per translatable text, in reading order.  ``msgctxt`` is the
stable id path (``risks/tolerance/description``), so a translation follows its
text when sections move or other text changes; ``#.`` says what the text is and
where it sits; ``#:`` points at the line of the article file.  Dates in the
header come from the article's review date, so extracting twice gives the same
bytes.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_file

from kedu.load import yaml_field_lines
from kedu.localization.catalogs import KEDU_DOMAIN, KeduCatalog
from kedu.models.article import Article

__all__ = ["LABELS_FILE", "LABEL_FILES", "article_template", "fixed_datetime", "labels_template"]

LABELS_FILE = Path(__file__).resolve().parent / "labels.py"
# kedu's own words: the printed labels, then the pages of `kedu serve`.
LABEL_FILES = (LABELS_FILE, LABELS_FILE.parents[1] / "serve" / "interface.py")
LABEL_KEYWORDS = {"pgettext_noop": ((1, "c"), 2)}
_EPOCH = date(2000, 1, 1)


def fixed_datetime(day: date | None) -> datetime:
    """Midnight UTC of ``day`` (or 2000-01-01): header dates that never change by themselves."""
    day = day or _EPOCH
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _relative(path: Path, root: Path | None) -> str:
    base = root or Path.cwd()
    try:
        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def article_template(
    article: Article, source: Path | None = None, *, project_root: Path | None = None
) -> KeduCatalog:
    """The template (.pot) of ``article``; ``source`` is its file, for ``#:`` references."""
    stamp = fixed_datetime(article.review_date)
    catalog = KeduCatalog(
        domain=article.id,
        project=article.id,
        version=article.review_date.isoformat() if article.review_date else "1",
        copyright_holder=article.organization.name or "the article's authors",
        charset="utf-8",
        creation_date=stamp,
        revision_date=stamp,
        fuzzy=False,
    )
    catalog.header_comment = (
        f"# Translations of the patient-education article {article.id!r}.\n"
        "# msgctxt is the id path of each text: keep it; translate only msgstr.\n"
        "# Keep inline markup (**bold**, *italic*, [text](link)), numbers, units,\n"
        "# phone numbers and {placeholders} exactly as in msgid."
    )
    lines: dict[str, int] = {}
    if source is not None and source.suffix.lower() in (".yaml", ".yml"):
        lines = yaml_field_lines(source.read_text(encoding="utf-8"))
    reference = _relative(source, project_root) if source is not None else f"{article.id}.yaml"
    for segment in article.segments():
        where = f'section "{segment.section_heading}"' if segment.section_heading else ""
        comment = f"{segment.role} — {where}" if where else segment.role
        catalog.add(
            segment.text,
            context=segment.path,
            auto_comments=[comment],
            locations=[(reference, lines.get(segment.field, 0))] if lines else [(reference, 0)],
        )
    return catalog


def labels_template(*, project_root: Path | None = None) -> KeduCatalog:
    """The template of kedu's own labels, extracted from the source by Babel's extractor."""
    from kedu._version import __version__

    stamp = fixed_datetime(None)
    catalog = KeduCatalog(
        domain=KEDU_DOMAIN,
        project="kedu",
        version=__version__,
        copyright_holder="kedu developers",
        charset="utf-8",
        creation_date=stamp,
        revision_date=stamp,
        fuzzy=False,
    )
    catalog.header_comment = (
        "# kedu's printed labels (the 'kedu' domain).\n# Keep {placeholders} exactly as in msgid."
    )
    for source in LABEL_FILES:
        reference = _relative(source, project_root or LABELS_FILE.parents[2])
        for lineno, message, comments, context in extract_from_file(
            "python",
            str(source),
            keywords=LABEL_KEYWORDS,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            catalog.add(
                message, context=context, auto_comments=comments, locations=[(reference, lineno)]
            )
    return catalog
