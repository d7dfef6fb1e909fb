"""``localize()``: an article plus catalogs → a :class:`~kedu.models.LocalizedArticle`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from pydantic import ValidationError

from kedu.errors import CatalogError, LocaleError, MissingTranslationError
from kedu.localization import locales as loc
from kedu.localization.catalogs import (
    BUILTIN_STORE,
    KEDU_DOMAIN,
    LOCALES_DIRNAME,
    CatalogStore,
    environ_locales_dir,
    find_locales_dir,
    read_catalog,
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
    catalogs: str | os.PathLike[str] | CatalogStore | None,
    base_dir: str | os.PathLike[str] | None = None,
) -> CatalogStore | None:
    """The catalog store to use: the one given, ``$KEDU_LOCALES_DIR``, or the nearest
    ``locales/`` folder at or above the article's folder (else the working directory)."""
    if isinstance(catalogs, CatalogStore):
        return catalogs
    if catalogs is not None:
        return CatalogStore(Path(catalogs))
    base = Path(base_dir) if base_dir is not None else None
    found = environ_locales_dir() or find_locales_dir(base) or find_locales_dir(Path.cwd())
    return CatalogStore(found) if found else None


def available_locales(
    article: Article,
    catalogs: str | os.PathLike[str] | CatalogStore | None = None,
    base_dir: str | os.PathLike[str] | None = None,
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
    catalogs: str | os.PathLike[str] | CatalogStore | None = None,
    allow_partial: bool = False,
    base_dir: str | os.PathLike[str] | None = None,
) -> LocalizedArticle:
    """Return ``article`` with every text in ``locale``.

    ``catalogs`` is a locales directory (default: ``$KEDU_LOCALES_DIR`` or the
    nearest ``locales/`` at or above ``base_dir``, else in the working directory).

    Only translations that can be trusted on a patient handout are used: never a
    fuzzy one, and never one that fails kedu's error-level checks (broken markup,
    a changed number, phone number, link or placeholder).  Anything else is an
    error naming the catalog, unless ``allow_partial``: then the source text is
    printed instead, the report lists it, and the handout counts as a draft.
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
    fallbacks: list[str] = []
    if chosen == source_locale:
        localized = article
        review = ReviewStatus(state="source")
    else:
        assert store is not None
        po_path = store.po_path(chosen, article.id)
        catalog = read_catalog(po_path, chosen)
        wanted = {segment.path: segment.text for segment in article.segments()}
        texts, fallbacks = _translate(wanted, po_path, chosen, allow_partial)
        localized = _with_texts(article, texts, po_path)
        review = review_status(catalog)
    labels, label_fallbacks = _labels(chosen, source_locale, store, article, allow_partial)
    if fallbacks or label_fallbacks:
        review = ReviewStatus(
            state="draft",
            reviewed_by=review.reviewed_by,
            review_date=review.review_date,
            reason=_fallback_reason(len(fallbacks), len(label_fallbacks)),
        )
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
            fallbacks=fallbacks,
            label_fallbacks=label_fallbacks,
        ),
        source_checksum=checksum,
        base_dir=Path(base_dir) if base_dir is not None else None,
    )


@dataclass(frozen=True)
class _Entry:
    """A translated message as kedu may use it."""

    text: str
    line: int | None
    problem: str | None  # the first error-level finding, if any


def _entries(path: Path, locale: str) -> dict[str | None, dict[str, _Entry]]:
    stat = path.stat()
    return _entries_cached(str(path), stat.st_mtime_ns, stat.st_size, locale)


@lru_cache(maxsize=64)
def _entries_cached(
    path: str, _mtime: int, _size: int, locale: str
) -> dict[str | None, dict[str, _Entry]]:
    from kedu.localization.checks import check_message

    catalog = read_catalog(Path(path), locale)
    table: dict[str | None, dict[str, _Entry]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.id, str):
            continue
        if not isinstance(message.string, str) or not message.string:
            continue
        errors = [
            text
            for severity, _code, text in check_message(message, catalog.num_plurals)
            if severity == "error"
        ]
        table.setdefault(message.context, {})[message.id] = _Entry(
            message.string, message.lineno, errors[0] if errors else None
        )
    return table


def _translate(
    wanted: dict[str, str], po_path: Path, locale: str, allow_partial: bool
) -> tuple[dict[str, str], list[str]]:
    """({context: translation}, [contexts left in the source language]) for ``wanted``."""
    table = _entries(po_path, locale)
    texts: dict[str, str] = {}
    missing: list[str] = []
    broken: list[tuple[str, _Entry]] = []
    for context, source in wanted.items():
        entry = table.get(context, {}).get(source)
        if entry is None:
            missing.append(context)
        elif entry.problem is not None:
            broken.append((context, entry))
        else:
            texts[context] = entry.text
    if broken and not allow_partial:
        raise _broken_error(broken, po_path)
    if missing and not allow_partial:
        raise _missing_error(missing, len(wanted), po_path)
    fallbacks = [c for c in wanted if c in set(missing) | {c for c, _ in broken}]
    return texts, fallbacks


def _broken_error(broken: list[tuple[str, _Entry]], po_path: Path) -> CatalogError:
    context, entry = broken[0]
    more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
    return CatalogError(
        f"[{context}] the translation cannot be printed: {entry.problem}{more}; "
        "fix it (see `kedu i18n check`) or use --allow-partial to print the source text",
        path=po_path,
        line=entry.line,
    )


def _with_texts(article: Article, texts: dict[str, str], po_path: Path) -> Article:
    try:
        return article.with_texts(texts)
    except ValidationError as exc:  # checks run first; this guards what they may miss
        from kedu.load import format_validation_error

        field, _line, message = format_validation_error(exc)
        raise CatalogError(f"translation of {field}: {message}", path=po_path) from None


def _fallback_reason(messages: int, labels: int) -> str:
    parts = []
    if messages:
        parts.append(f"{messages} message{'s' if messages != 1 else ''}")
    if labels:
        parts.append(f"{labels} label{'s' if labels != 1 else ''}")
    return f"{' and '.join(parts)} printed in the source language (--allow-partial)"


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
    locale: str,
    source_locale: str,
    store: CatalogStore | None,
    article: Article,
    allow_partial: bool,
) -> tuple[Labels, list[str]]:
    texts = dict(LABEL_SOURCES)
    fallbacks: list[str] = []
    if loc.normalize(locale).split("_")[0] != "en":
        paths = list(_label_catalog_paths(locale, store))
        if not paths and not allow_partial:
            project = store.root if store else Path(LOCALES_DIRNAME)
            raise MissingTranslationError(
                f"kedu's printed labels (\"Page X of Y\", ...) have no {locale} translation; "
                f"create {CatalogStore(project).po_path(locale, KEDU_DOMAIN)} with "
                f"`kedu i18n init --labels --lang {locale}` and translate it, "
                "or use --allow-partial to print them in English",
                missing=list(LABEL_SOURCES),
            )
        if paths and not allow_partial:
            # A project's own kedu.po wins: a broken label there is an error, never
            # silently replaced by kedu's built-in translation.
            table = _entries(paths[0], locale)
            broken = [
                (key, entry)
                for key, source in LABEL_SOURCES.items()
                if (entry := table.get(key, {}).get(source)) is not None and entry.problem
            ]
            if broken:
                raise _broken_error(broken, paths[0])
        remaining = dict(LABEL_SOURCES)
        for path in paths:
            wanted = {key: source for key, source in remaining.items()}
            found, _left = _translate(wanted, path, locale, allow_partial=True)
            for key, text in found.items():
                texts[key] = text
                remaining.pop(key)
        fallbacks = list(remaining)
        if fallbacks and not allow_partial:
            # Name the problem in the catalog that should have had the labels.
            _translate(dict(remaining), paths[0], locale, allow_partial=False)
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
