"""``localize()``: an article plus catalogs → a :class:`~kedu.models.LocalizedArticle`."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from pydantic import ValidationError

from kedu.errors import CatalogError, KeduError, LocaleError, MissingTranslationError
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
from kedu.localization.labels import DEFAULT_DATE_FORMAT, LABEL_SOURCES, OPTIONAL_LABELS
from kedu.localization.phones import normalize_tel_links
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
    gaps: list[_Gap] = []
    if chosen == source_locale:
        localized = article
        review = ReviewStatus(state="source")
    else:
        assert store is not None
        po_path = store.po_path(chosen, article.id)
        catalog = read_catalog(po_path, chosen)
        wanted = {segment.path: segment.text for segment in article.segments()}
        texts, gap = _translate(wanted, po_path, chosen)
        if gap.messages:
            gaps.append(gap)
            fallbacks = gap.messages
        localized = _with_texts(article, texts, po_path)
        if localized.keywords:
            # Keywords are not translated (catalogs hold printed text only): English
            # search words would be wrong metadata in a translated document.
            localized = localized.model_copy(update={"keywords": []})
        review = review_status(catalog)
    labels, label_gap, label_catalogs = _labels(chosen, store, localized)
    if label_gap is not None and label_gap.messages:
        gaps.append(label_gap)
    if gaps and not allow_partial:
        raise _missing_error(gaps, chosen)
    label_fallbacks = label_gap.messages if label_gap is not None else []
    localized = _fill_organization(localized)
    if fallbacks or label_fallbacks:
        review = ReviewStatus(
            state="draft",
            reviewed_by=review.reviewed_by,
            review_date=review.review_date,
            reason=_fallback_reason(len(fallbacks), len(label_fallbacks)),
        )
    elif review.state != "draft":
        review = _with_label_reviews(review, label_catalogs, chosen)
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


@dataclass
class _Gap:
    """Messages of one catalog that cannot be printed: missing, fuzzy or broken."""

    path: Path
    order: list[str]
    exists: bool = True
    labels: bool = False
    missing: list[str] = field(default_factory=list)
    fuzzy: list[tuple[str, int | None]] = field(default_factory=list)
    broken: list[tuple[str, _Entry]] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """Every context that cannot be printed, in reading order."""
        bad = {*self.missing, *(c for c, _ in self.fuzzy), *(c for c, _ in self.broken)}
        return [context for context in self.order if context in bad]

    def keep(self, contexts: set[str]) -> _Gap:
        """The same gap, limited to ``contexts`` (broken ones are always kept)."""
        return _Gap(
            self.path,
            [c for c in self.order if c in contexts or c in {b for b, _ in self.broken}],
            self.exists,
            self.labels,
            [c for c in self.missing if c in contexts],
            [f for f in self.fuzzy if f[0] in contexts],
            self.broken,
        )


def _translate(
    wanted: dict[str, str], po_path: Path, locale: str, *, labels: bool = False
) -> tuple[dict[str, str], _Gap]:
    """({context: translation}, what cannot be printed) for ``wanted``."""
    table = _entries(po_path, locale)
    fuzzy = _fuzzy_lines(po_path, locale)
    texts: dict[str, str] = {}
    gap = _Gap(po_path, order=list(wanted), labels=labels)
    for context, source in wanted.items():
        entry = table.get(context, {}).get(source)
        if entry is None:
            line = fuzzy.get((context, source))
            if line is not None:
                gap.fuzzy.append((context, line))
            else:
                gap.missing.append(context)
        elif entry.problem is not None:
            gap.broken.append((context, entry))
        else:
            texts[context] = entry.text
    return texts, gap


def _fuzzy_lines(path: Path, locale: str) -> dict[tuple[str | None, str], int | None]:
    stat = path.stat()
    return _fuzzy_cached(str(path), stat.st_mtime_ns, stat.st_size, locale)


@lru_cache(maxsize=64)
def _fuzzy_cached(
    path: str, _mtime: int, _size: int, locale: str
) -> dict[tuple[str | None, str], int | None]:
    """{(context, source): line} of every fuzzy message: stale translations kedu refuses."""
    catalog = read_catalog(Path(path), locale)
    return {
        (m.context, m.id): m.lineno
        for m in catalog
        if m.id and m.fuzzy and isinstance(m.id, str) and m.string
    }


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


def _missing_error(gaps: list[_Gap], locale: str) -> KeduError:
    """One error for everything that keeps a handout from printing, in every catalog:
    a translator learns all that is left at once, not one catalog after another."""
    for gap in gaps:
        if gap.broken:
            return _broken_error(gap.broken, gap.path)
    parts = []
    for gap in gaps:
        what = "kedu's printed labels" if gap.labels else "messages"
        if not gap.exists:
            parts.append(
                f"{what} have no {locale} catalog ({gap.path}): start it with "
                f"`kedu i18n init --labels --lang {locale}` and translate it"
            )
            continue
        bad = gap.messages
        shown = ", ".join(bad[:_SHOWN_MISSING])
        more = f" and {len(bad) - _SHOWN_MISSING} more" if len(bad) > _SHOWN_MISSING else ""
        detail = []
        if gap.missing:
            detail.append(f"{len(gap.missing)} untranslated")
        if gap.fuzzy:
            context, line = gap.fuzzy[0]
            at = f" at line {line}" if line else ""
            detail.append(
                f"{len(gap.fuzzy)} fuzzy: the source changed, so check the translation and "
                f"clear the fuzzy flag; first [{context}]{at}"
            )
        where = "" if gap is gaps[0] else f" in {gap.path}"
        parts.append(
            f"{len(bad)} of {len(gap.order)} {what}{where} cannot be printed "
            f"({', '.join(detail)}): {shown}{more}"
        )
    first = gaps[0]
    line = first.fuzzy[0][1] if first.fuzzy and not first.missing else None
    missing = [context for gap in gaps for context in gap.messages]
    if not first.exists:
        missing = missing or list(LABEL_SOURCES)
    return MissingTranslationError(
        "; ".join(parts) + "; use --allow-partial to print them in the source language, "
        "or run `kedu i18n stats`",
        missing=missing,
        path=first.path if first.exists else None,
        line=line,
    )


def _label_catalog_paths(locale: str, store: CatalogStore | None) -> Iterable[Path]:
    for candidate_store in (store, BUILTIN_STORE):
        if candidate_store is None:
            continue
        name = loc.negotiate(locale, candidate_store.locales(KEDU_DOMAIN))
        if name is not None:
            yield candidate_store.po_path(name, KEDU_DOMAIN)


def _labels(
    locale: str, store: CatalogStore | None, article: Article
) -> tuple[Labels, _Gap | None, list[Path]]:
    """kedu's labels in ``locale``, what is missing of them, and the catalogs used.

    A project's own kedu.po comes first: a broken label there is an error, never
    silently replaced by kedu's built-in translation; labels it lacks come from
    kedu's catalog.
    """
    texts = dict(LABEL_SOURCES)
    translated: set[str] = set()
    gap: _Gap | None = None
    used: list[Path] = []
    if loc.normalize(locale).split("_")[0] != "en":
        required = [key for key in LABEL_SOURCES if key not in OPTIONAL_LABELS]
        paths = list(_label_catalog_paths(locale, store))
        if not paths:
            project = CatalogStore(store.root if store else Path(LOCALES_DIRNAME))
            gap = _Gap(
                project.po_path(locale, KEDU_DOMAIN), required, exists=False, labels=True,
                missing=list(required),
            )
        remaining = dict(LABEL_SOURCES)
        for path in paths:
            found, found_gap = _translate(remaining, path, locale, labels=True)
            if gap is None:
                gap = found_gap  # problems are named in the catalog that should have them
            for key, text in found.items():
                texts[key] = text
                translated.add(key)
                remaining.pop(key)
            if found:
                used.append(path)
        if gap is not None and gap.exists:
            gap = gap.keep({key for key in remaining if key not in OPTIONAL_LABELS})
    org = article.organization
    default_disclaimer = texts["default_disclaimer"].replace("{emergency}", org.emergency_number)
    if org.crisis_line:
        crisis = texts["crisis_line"].replace("{crisis_line}", org.crisis_line)
        default_disclaimer = f"{default_disclaimer} {crisis}"
    reviewed = None
    if article.review_date is not None:
        day = _format_date(article.review_date, locale, texts, translated, used)
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
        default_disclaimer=default_disclaimer,
        draft_notice=texts["draft_notice"],
        language_name=loc.display_name(locale),
        page_number_locale=_babel_locale(locale),
    )
    return labels, gap, used


def _format_date(
    day: date, locale: str, texts: dict[str, str], translated: set[str], used: list[Path]
) -> str:
    """The review date as the label catalog says: CLDR's long date ("long"), or the
    translator's CLDR pattern and month names where CLDR lacks them (Haitian Creole)."""
    babel_locale = _babel_locale(locale)
    pattern = texts["date_format"].strip() if "date_format" in translated else ""
    where = used[0] if used else None
    if not pattern or pattern == DEFAULT_DATE_FORMAT:
        return format_date(day, format="long", locale=babel_locale)
    if "month_names" in translated:
        names = [name.strip() for name in re.split("[,،、]", texts["month_names"])]
        if len(names) != 12 or not all(names):
            raise CatalogError(
                f"[month_names] needs the 12 month names separated by commas, not "
                f"{len(names)}",
                path=where,
            )
        month = "'" + names[day.month - 1].replace("'", "''") + "'"
        pattern = re.sub(r"(?<!')M{3,4}(?!')", lambda _m: month, pattern)
    try:
        return format_date(day, format=pattern, locale=babel_locale)
    except (ValueError, KeyError, AttributeError) as exc:
        raise CatalogError(
            f"[date_format] {pattern!r} is not a CLDR date pattern ({exc})", path=where
        ) from None


def _with_label_reviews(
    review: ReviewStatus, label_catalogs: list[Path], locale: str
) -> ReviewStatus:
    """The review covers every catalog whose text is printed: an unreviewed label
    catalog (the disclaimer, the draft notice) makes the handout a draft too."""
    for path in label_catalogs:
        status = review_status(read_catalog(path, locale))
        if status.state != "reviewed":
            return ReviewStatus(
                state="draft",
                reviewed_by=review.reviewed_by,
                review_date=review.review_date,
                reason=f"kedu's labels in {path} are not reviewed ({status.reason})",
            )
    return review


_TEXT_PLACEHOLDERS = ("{emergency}", "{crisis_line}")


def _fill_organization(article: Article) -> Article:
    """The organization's numbers put into texts that name them ({emergency}), and
    every ``tel:`` link in E.164 form (read in the organization's country)."""
    org = article.organization
    values = {"{emergency}": org.emergency_number, "{crisis_line}": org.crisis_line}
    texts: dict[str, str] = {}
    for segment in article.segments():
        text = segment.text
        if "](tel:" in text:
            text = normalize_tel_links(text, org.country)
        if not any(token in text for token in _TEXT_PLACEHOLDERS):
            if text != segment.text:
                texts[segment.path] = text
            continue
        for token, value in values.items():
            if token in text and value is None:
                raise KeduError(
                    f"{segment.field} uses {token} but the organization has no "
                    f"{token.strip('{}')} (set organization.{token.strip('{}')} in the "
                    "article or kedu.toml)"
                )
            text = text.replace(token, value or "")
        texts[segment.path] = text
    return article.with_texts(texts) if texts else article


def _babel_locale(locale: str) -> str:
    from babel import Locale, UnknownLocaleError

    for candidate in (locale, locale.split("_")[0]):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
