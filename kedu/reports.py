"""Figures about articles that several commands print (reading level per language)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kedu.localization import available_locales, localize
from kedu.localization.locales import negotiate
from kedu.localization.readability import ReadabilityReport, readability
from kedu.models.article import Article


def readability_reports(
    article: Article, base_dir: Path, catalogs: Path | None, locales: list[str] | None
) -> Iterator[ReadabilityReport]:
    """Reading-level figures of ``article`` in each locale (default: all available)."""
    from kedu.errors import LocaleError

    available = available_locales(article, catalogs, base_dir)
    for wanted in locales or available:
        chosen = negotiate(wanted, available)
        if chosen is None:
            raise LocaleError(
                f"no translation of {article.id!r} into {wanted!r}; "
                f"available locales: {', '.join(available)}"
            )
        doc = localize(article, chosen, catalogs=catalogs, base_dir=base_dir, allow_partial=True)
        yield readability(doc.article, chosen)
