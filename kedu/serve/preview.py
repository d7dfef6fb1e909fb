"""The translators' page: progress, check findings and the text-by-text preview.

Everything comes from the same functions as ``kedu i18n stats`` and ``kedu i18n
check``, read fresh from the ``.po`` files (catalog reads are cached on each
file's modification time, so a saved edit shows on the next request).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kedu.errors import KeduError
from kedu.localization import locales as loc
from kedu.localization.catalogs import BUILTIN_STORE, KEDU_DOMAIN, CatalogStore, read_catalog
from kedu.localization.checks import Finding, check_message, check_store
from kedu.localization.review import review_status
from kedu.localization.stats import CatalogStats, catalog_stats
from kedu.models.localized import ReviewStatus
from kedu.serve.project import ArticleEntry, Project

__all__ = ["CatalogRow", "Segment", "TranslatorView", "translator_locales", "translator_view"]

SegmentState = Literal["translated", "fuzzy", "untranslated", "problem"]


@dataclass(frozen=True)
class CatalogRow:
    """One catalog of the language: its counts, and for articles its review."""

    stats: CatalogStats | None
    path: str
    domain: str
    review: ReviewStatus | None
    error: str | None = None


@dataclass(frozen=True)
class Segment:
    """One text of the article beside its translation."""

    context: str
    role: str
    source: str
    translation: str | None
    state: SegmentState
    line: int | None
    note: str | None


@dataclass(frozen=True)
class TranslatorView:
    locale: str
    name: str
    rows: list[CatalogRow]
    findings: list[Finding]
    article: ArticleEntry | None
    segments: list[Segment]
    catalog_path: str | None


def translator_locales(project: Project) -> list[str]:
    """Every locale with a catalog of one of the project's articles, sorted."""
    found: set[str] = set()
    for entry in project.articles().values():
        found.update(project.locales(entry)[1:])
    return sorted(found)


def _stores(project: Project) -> list[CatalogStore]:
    stores: list[CatalogStore] = []
    for entry in project.articles().values():
        if entry.catalogs is not None and entry.catalogs not in stores:
            stores.append(entry.catalogs)
    own = project.store()
    if own is not None and own not in stores:
        stores.append(own)
    if BUILTIN_STORE.root.resolve() not in {s.root.resolve() for s in stores}:
        stores.append(BUILTIN_STORE)
    return stores


def translator_view(project: Project, locale: str, article_id: str | None) -> TranslatorView:
    """Progress, findings and the preview of ``article_id`` (default: the first) in ``locale``."""
    entries = [e for e in project.articles().values() if locale in project.locales(e)[1:]]
    rows: list[CatalogRow] = []
    for entry in entries:
        assert entry.catalogs is not None
        rows.append(_row(project, entry.catalogs.po_path(locale, entry.id), locale, entry.id))
    for store in _stores(project):
        name = loc.negotiate(locale, store.locales(KEDU_DOMAIN))
        if name is not None:
            rows.append(_row(project, store.po_path(name, KEDU_DOMAIN), name, KEDU_DOMAIN))
            break
    domains = [e.id for e in entries] + [KEDU_DOMAIN]
    findings = check_store(_stores(project), domains=domains, locales=[locale])
    chosen = next((e for e in entries if e.id == article_id), entries[0] if entries else None)
    segments: list[Segment] = []
    catalog_path = None
    if chosen is not None:
        assert chosen.catalogs is not None
        path = chosen.catalogs.po_path(locale, chosen.id)
        catalog_path = project.display_path(path)
        segments = _segments(chosen, path, locale)
    return TranslatorView(
        locale=locale,
        name=loc.display_name(locale),
        rows=rows,
        findings=findings,
        article=chosen,
        segments=segments,
        catalog_path=catalog_path,
    )


def _row(project: Project, path: Path, locale: str, domain: str) -> CatalogRow:
    shown = project.display_path(path)
    try:
        stats = catalog_stats(path, locale, domain)
        review = review_status(read_catalog(path, locale)) if domain != KEDU_DOMAIN else None
    except KeduError as exc:
        return CatalogRow(None, shown, domain, None, error=str(exc))
    return CatalogRow(stats, shown, domain, review)


def _segments(entry: ArticleEntry, path: Path, locale: str) -> list[Segment]:
    try:
        catalog = read_catalog(path, locale)
    except KeduError as exc:
        return [
            Segment("", "", "", None, "problem", None, str(exc)),
        ]
    by_context = {m.context: m for m in catalog if m.id}
    segments = []
    for segment in entry.article.segments():
        message = by_context.get(segment.path)
        translation = message.string if message is not None else None
        text = translation if isinstance(translation, str) and translation else None
        state: SegmentState
        note = None
        if message is None or text is None:
            state = "untranslated"
        elif message.fuzzy or message.id != segment.text:
            state = "fuzzy"
            if message.id != segment.text:
                note = "the original changed since this was translated (run `kedu i18n update`)"
        else:
            errors = [
                problem
                for severity, _code, problem in check_message(message, catalog.num_plurals)
                if severity == "error"
            ]
            state = "problem" if errors else "translated"
            note = errors[0] if errors else None
        segments.append(
            Segment(
                context=segment.path,
                role=segment.role,
                source=segment.text,
                translation=text,
                state=state,
                line=message.lineno if message is not None else None,
                note=note,
            )
        )
    return segments
