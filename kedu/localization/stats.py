"""How far along each translation is: counts of translated, fuzzy and untranslated messages.

Counting follows gettext (``msgfmt --statistics``): the header (empty msgid) and
obsolete (``#~``) messages are not messages to translate.  A message is

* *translated* when it has a translation (every plural form non-empty) and is not fuzzy;
* *fuzzy* when it carries the ``fuzzy`` flag, whether or not it has a translation
  (kedu never prints fuzzy translations);
* *untranslated* otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Message

from kedu.errors import LocaleError
from kedu.localization import locales as loc
from kedu.localization.catalogs import CatalogStore, read_catalog

__all__ = ["CatalogStats", "catalog_files", "catalog_stats", "collect_stats", "is_translated"]


@dataclass(frozen=True)
class CatalogStats:
    """Message counts of one ``<locale>/LC_MESSAGES/<domain>.po``."""

    locale: str
    domain: str
    path: Path
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def percent(self) -> float:
        """Share of translated messages, 0-100 (100.0 for a catalog with no messages)."""
        if self.total == 0:
            return 100.0
        return self.translated / self.total * 100


def is_translated(message: Message) -> bool:
    """Whether ``message`` has a translation in every form (fuzzy or not)."""
    string = message.string
    if isinstance(string, str):
        return bool(string)
    return bool(string) and all(string or ())


def catalog_stats(path: Path, locale: str, domain: str) -> CatalogStats:
    """Count the messages of the .po at ``path``; raises CatalogError if it is malformed."""
    catalog = read_catalog(path, locale)
    total = translated = fuzzy = 0
    for message in catalog:
        if not message.id:  # the header
            continue
        total += 1
        if message.fuzzy:
            fuzzy += 1
        elif is_translated(message):
            translated += 1
    return CatalogStats(
        locale=locale,
        domain=domain,
        path=path,
        total=total,
        translated=translated,
        fuzzy=fuzzy,
        untranslated=total - translated - fuzzy,
        obsolete=len(catalog.obsolete),
    )


def catalog_files(
    stores: Sequence[CatalogStore],
    *,
    domains: Sequence[str] | None = None,
    locales: Sequence[str] | None = None,
) -> list[tuple[str, str, Path]]:
    """(locale, domain, .po path) of every catalog in ``stores``, sorted by locale then domain.

    A catalog in an earlier store shadows the same (locale, domain) in a later one,
    the way a project's ``kedu.po`` takes precedence over the built-in one.
    ``domains`` and ``locales`` restrict the result (locales are normalized, so
    ``zh-hans`` finds ``zh_Hans``).
    """
    wanted_domains = set(domains) if domains is not None else None
    wanted_locales = {loc.normalize(name) for name in locales} if locales is not None else None
    found: dict[tuple[str, str], Path] = {}
    for store in stores:
        for domain in store.domains():
            if wanted_domains is not None and domain not in wanted_domains:
                continue
            for locale in store.locales(domain):
                if wanted_locales is not None and _normalized(locale) not in wanted_locales:
                    continue
                found.setdefault((locale, domain), store.po_path(locale, domain))
    return [(locale, domain, path) for (locale, domain), path in sorted(found.items())]


def _normalized(name: str) -> str:
    try:
        return loc.normalize(name)
    except LocaleError:  # a stray directory in locales/: compare it as it is
        return name


def collect_stats(
    stores: Sequence[CatalogStore],
    *,
    domains: Sequence[str] | None = None,
    locales: Sequence[str] | None = None,
) -> list[CatalogStats]:
    """Statistics of every (locale, domain) catalog in ``stores`` (see :func:`catalog_files`)."""
    return [
        catalog_stats(path, locale, domain)
        for locale, domain, path in catalog_files(stores, domains=domains, locales=locales)
    ]
