"""Translation statistics (kedu.localization.stats)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

from kedu.localization.catalogs import BUILTIN_STORE, CatalogStore
from kedu.localization.stats import CatalogStats, catalog_stats, collect_stats

SHIPPED_LOCALES = ["ar", "es", "ht", "ru", "vi", "zh_Hans"]


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def write(path: Path, catalog: Catalog) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def small_catalog() -> Catalog:
    catalog = Catalog(locale="es", domain="demo", fuzzy=False)
    catalog.add("One", "Uno", context="a")
    catalog.add("Two", "Dos", context="b")
    catalog.add("Three", "Tres", context="c", flags=["fuzzy"])  # fuzzy with a translation
    catalog.add("Four", "", context="d", flags=["fuzzy"])  # fuzzy without one
    catalog.add("Five", "", context="e")
    catalog.add(("{n} pill", "{n} pills"), ("{n} pastilla", ""), context="f")  # half done
    # CLDR gives Spanish 3 plural forms (one, many, other).
    catalog.add(("{n} day", "{n} days"), ("{n} día", "{n} días", "{n} días"), context="g")
    catalog.obsolete[("Old", "old")] = Message("Old", "Viejo", context="old")
    return catalog


def test_counts_of_a_small_catalog(tmp_path: Path) -> None:
    path = write(tmp_path / "es" / "LC_MESSAGES" / "demo.po", small_catalog())
    stats = catalog_stats(path, "es", "demo")
    assert stats == CatalogStats(
        locale="es",
        domain="demo",
        path=path,
        total=7,
        translated=3,
        fuzzy=2,
        untranslated=2,
        obsolete=1,
    )
    assert stats.percent == pytest.approx(3 / 7 * 100)


def test_empty_catalog_is_complete(tmp_path: Path) -> None:
    path = write(tmp_path / "demo.po", Catalog(locale="es", domain="demo"))
    stats = catalog_stats(path, "es", "demo")
    assert (stats.total, stats.translated, stats.percent) == (0, 0, 100.0)


def test_collect_stats_sorts_filters_and_shadows(tmp_path: Path) -> None:
    first, second = CatalogStore(tmp_path / "first"), CatalogStore(tmp_path / "second")
    write(first.po_path("es", "demo"), small_catalog())
    done = Catalog(locale="es", domain="demo", fuzzy=False)
    done.add("One", "Uno", context="a")
    write(second.po_path("es", "demo"), done)
    write(second.po_path("ar", "demo"), done)
    write(second.po_path("es", "other"), done)

    stats = collect_stats([first, second])
    assert [(s.locale, s.domain, s.path) for s in stats] == [
        ("ar", "demo", second.po_path("ar", "demo")),
        ("es", "demo", first.po_path("es", "demo")),  # the first store wins
        ("es", "other", second.po_path("es", "other")),
    ]
    assert [s.locale for s in collect_stats([first, second], locales=["es"])] == ["es", "es"]
    assert [s.domain for s in collect_stats([first, second], domains=["other"])] == ["other"]


def test_shipped_catalogs_are_complete(repo_root: Path) -> None:
    stats = collect_stats([CatalogStore(repo_root / "locales"), BUILTIN_STORE])
    found = {(s.locale, s.domain): s for s in stats}
    for locale in SHIPPED_LOCALES:
        for domain in ("ketamine-therapy", "kedu"):
            entry = found[locale, domain]
            assert entry.total > 0
            assert (entry.percent, entry.fuzzy, entry.untranslated) == (100.0, 0, 0), entry
    assert [(s.locale, s.domain) for s in stats] == sorted(found)
