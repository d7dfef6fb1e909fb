"""``localize()``: an article plus catalogs → a :class:`~kedu.models.LocalizedArticle`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from babel.dates import format_date

from kedu.errors import LocaleError, MissingTranslationError
from kedu.localization import locales as loc
from kedu.localization.catalogs import (
    BUILTIN_STORE,
    KEDU_DOMAIN,
    CatalogStore,
    environ_locales_dir,
    find_locales_dir,
    read_catalog,
    translations,
)
from kedu.localization.labels import LABEL_SOURCES
from kedu.localization.review import review_status
from kedu.models.article import Article
from kedu.models.localized import Labels, LocalizationReport, LocalizedArticle, ReviewStatus

__all__ = ["available_locales", "localize", "resolve_store", "source_checksum"]

_SHOWN_MISSING = 5


def source_checksum(article: Article) -> str:
    """'sha256:<hex>' of the article's canonical JSON."""
    return "sha256:" + hashlib.sha256(article.model_dump_json().encode("utf-8")).hexdigest()


def resolve_store(
    catalogs: str | Path | CatalogStore | None, base_dir: Path | None = None
) -> CatalogStore | None:
    """The catalog store to use: the one given, ``$KEDU_LOCALES_DIR``, or the nearest
    ``locales/`` folder at or above the article's folder (else the working directory)."""
    if isinstance(catalogs, CatalogStore):
        return catalogs
    if catalogs is not None:
        return CatalogStore(Path(catalogs))
    found = environ_locales_dir() or find_locales_dir(base_dir) or find_locales_dir(Path.cwd())
    return CatalogStore(found) if found else None


def available_locales(
    article: Article,
    catalogs: str | Path | CatalogStore | None = None,
    base_dir: Path | None = None,
) -> list[str]:
    """The source language followed by every locale with a catalog for ``article``."""
    store = resolve_store(catalogs, base_dir)
    found = store.locales(article.id) if store else []
    source = loc.normalize(article.language)
    return [source, *[name for name in found if name != source]]


def localize(
    article: Article,
    locale: str,
    *,
    catalogs: str | Path | CatalogStore | None = None,
    allow_partial: bool = False,
    base_dir: Path | None = None,
) -> LocalizedArticle:
    """Return ``article`` with every text in ``locale``.

    ``catalogs`` is a locales directory (default: ``$KEDU_LOCALES_DIR`` or the
    nearest ``locales/`` at or above ``base_dir``).  Fuzzy translations are never
    used.  A missing translation is an error unless ``allow_partial``, in which
    case the source text is kept and the report lists it.
    """
    requested = loc.normalize(locale)
    store = resolve_store(catalogs, base_dir)
    source_locale = loc.normalize(article.language)
    checksum = source_checksum(article)
    available = available_locales(article, store, base_dir)
    chosen = loc.negotiate(requested, available)
    if chosen is None:
        where = f" in {store.root}" if store else " (no locales/ folder found)"
        raise LocaleError(
            f"no translation of {article.id!r} into {requested!r}{where}; "
            f"available locales: {', '.join(available)}"
        )
    report_fallbacks: list[str] = []
    if chosen == source_locale:
        localized = article
        review = ReviewStatus(state="source")
    else:
        assert store is not None
        po_path = store.po_path(chosen, article.id)
        catalog = read_catalog(po_path, chosen)
        table = translations(catalog)
        texts: dict[str, str] = {}
        missing: list[str] = []
        for segment in article.segments():
            text = table.get(segment.path, {}).get(segment.text)
            if text is None:
                missing.append(segment.path)
            else:
                texts[segment.path] = text
        if missing and not allow_partial:
            raise _missing_error(missing, len(texts) + len(missing), po_path)
        report_fallbacks = missing
        localized = article.with_texts(texts)
        review = review_status(catalog)
    labels, label_fallbacks = _labels(chosen, store, article, allow_partial)
    return LocalizedArticle(
        article=localized,
        locale=chosen,
        language_tag=loc.language_tag(chosen),
        direction=loc.direction(chosen),
        labels=labels,
        review=review,
        report=LocalizationReport(
            locale=requested,
            catalog_locale=None if chosen == source_locale else chosen,
            fallbacks=report_fallbacks,
            label_fallbacks=label_fallbacks,
        ),
        source_checksum=checksum,
        base_dir=base_dir,
    )


def _missing_error(missing: list[str], total: int, path: Path) -> MissingTranslationError:
    shown = ", ".join(missing[:_SHOWN_MISSING])
    more = f" and {len(missing) - _SHOWN_MISSING} more" if len(missing) > _SHOWN_MISSING else ""
    return MissingTranslationError(
        f"{len(missing)} of {total} messages have no usable translation (missing or fuzzy): "
        f"{shown}{more}; use --allow-partial to print them in the source language, "
        "or run `kedu i18n stats`",
        missing=missing,
        path=path,
    )


def _label_catalog_paths(locale: str, store: CatalogStore | None) -> Iterable[Path]:
    for candidate_store in (store, BUILTIN_STORE):
        if candidate_store is None:
            continue
        name = loc.negotiate(locale, candidate_store.locales(KEDU_DOMAIN))
        if name is not None:
            yield candidate_store.po_path(name, KEDU_DOMAIN)


def _labels(
    locale: str, store: CatalogStore | None, article: Article, allow_partial: bool
) -> tuple[Labels, list[str]]:
    texts = dict(LABEL_SOURCES)
    fallbacks: list[str] = []
    if loc.normalize(locale).split("_")[0] != "en":
        paths = list(_label_catalog_paths(locale, store))
        tables = [translations(read_catalog(p, locale)) for p in paths]
        for key, source in LABEL_SOURCES.items():
            text = next((t[key][source] for t in tables if source in t.get(key, {})), None)
            if text is None:
                fallbacks.append(key)
            else:
                texts[key] = text
        if fallbacks and not allow_partial:
            where = paths[0] if paths else BUILTIN_STORE.po_path(locale, KEDU_DOMAIN)
            raise _missing_error(fallbacks, len(LABEL_SOURCES), where)
    reviewed = None
    if article.review_date is not None:
        day = format_date(article.review_date, format="long", locale=_babel_locale(locale))
        reviewed = texts["last_reviewed"].format(date=day)
    labels = Labels(
        page_of=texts["page_of"],
        last_reviewed=reviewed,
        photo_credit=texts["photo_credit"],
        call_us=texts["call_us"],
        website=texts["website"],
        email=texts["email"],
        address=texts["address"],
        note=texts["note"],
        warning=texts["warning"],
        tip=texts["tip"],
        disclaimer_heading=texts["disclaimer_heading"],
        default_disclaimer=texts["default_disclaimer"],
        draft_notice=texts["draft_notice"],
        language_name=loc.display_name(locale),
        page_number_locale=_babel_locale(locale),
    )
    return labels, fallbacks


def _babel_locale(locale: str) -> str:
    from babel import Locale, UnknownLocaleError

    for candidate in (locale, locale.split("_")[0]):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
