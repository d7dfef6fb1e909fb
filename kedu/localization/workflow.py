"""The translators' commands as functions: extract, init, update, compile.

Each works on a :class:`~kedu.localization.catalogs.CatalogStore` and returns the
paths it wrote, so the command line and scripts report the same thing.
"""

from __future__ import annotations

import copy
import io
from datetime import date
from pathlib import Path

from babel.messages.catalog import Message
from babel.messages.mofile import write_mo

from kedu.errors import CatalogError, LocaleError, UsageError
from kedu.localization import locales as loc
from kedu.localization.catalogs import (
    BUILTIN_STORE,
    KEDU_DOMAIN,
    CatalogStore,
    KeduCatalog,
    read_catalog,
    write_catalog,
)
from kedu.localization.extract import article_template, labels_template
from kedu.localization.review import is_reviewed_text, mark_reviewed
from kedu.models.article import Article
from kedu.write import write_atomic

__all__ = [
    "DRAFT_TEAM",
    "compile_catalogs",
    "extract_labels",
    "extract_templates",
    "init_catalog",
    "record_review",
    "update_catalogs",
]

DRAFT_TEAM = "kedu example translations (draft; needs review by a qualified medical translator)"


def extract_templates(
    articles: list[tuple[Article, Path]], store: CatalogStore, project_root: Path | None = None
) -> list[Path]:
    """Write ``templates/<article id>.pot`` for each (article, file); return changed paths."""
    written = []
    for article, source in articles:
        path = store.template_path(article.id)
        if write_catalog(path, article_template(article, source, project_root=project_root)):
            written.append(path)
    return written


def extract_labels(store: CatalogStore = BUILTIN_STORE) -> list[Path]:
    """Regenerate the template of kedu's own labels (a developer task)."""
    path = store.template_path(KEDU_DOMAIN)
    return [path] if write_catalog(path, labels_template()) else []


def init_catalog(
    store: CatalogStore,
    domain: str,
    locale: str,
    *,
    translator: str | None = None,
    team: str | None = None,
    force: bool = False,
    templates: CatalogStore | None = None,
) -> Path:
    """Create ``<locale>/LC_MESSAGES/<domain>.po`` from the domain's template.

    ``templates`` is where the template lives when not in ``store`` (kedu's own
    labels: their template ships in the package, the new catalog goes to the project).
    """
    name = loc.normalize(locale)
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        raise LocaleError(f"{locale!r} is not a locale Babel knows (CLDR)") from None
    template_path = (templates or store).template_path(domain)
    if not template_path.is_file():
        raise CatalogError(
            "template not found; run `kedu i18n extract ARTICLE` first", path=template_path
        )
    target = store.po_path(name, domain)
    if target.exists() and not force:
        raise CatalogError("catalog already exists (use update, or --force)", path=target)
    template = read_catalog(template_path)
    catalog = KeduCatalog(
        locale=name,
        domain=domain,
        project=template.project,
        version=template.version,
        copyright_holder=template.copyright_holder,
        charset="utf-8",
        creation_date=template.creation_date,
        revision_date=template.creation_date,
        last_translator=translator or "FULL NAME <EMAIL@ADDRESS>",
        # A clinic's new catalog is its own: never the example translations' team;
        # unset, it carries gettext's placeholder, which translators' tools recognize.
        language_team=team or "LANGUAGE <LL@li.org>",
        fuzzy=False,
    )
    catalog.header_comment = template.header_comment
    for message in template:
        if message.id:
            catalog.add(
                message.id,
                "",
                context=message.context,
                auto_comments=message.auto_comments,
                locations=message.locations,
            )
    write_catalog(target, catalog)
    return target


def update_catalogs(store: CatalogStore, domains: list[str] | None = None) -> list[Path]:
    """Merge each template into every .po of its domain; return the changed .po files.

    Babel's merge does the work: a changed source text becomes fuzzy with the old
    msgid kept as ``#|``, translator comments stay, removed messages go obsolete.
    One adjustment: Babel's fuzzy matching compares msgids only, so an edited
    sentence could pick up the translation of a *different* message that happens
    to look alike.  kedu's msgctxt is a stable id path, so when the old catalog
    had a translation under the same msgctxt, that one is used instead.
    """
    changed = []
    for domain in domains or _template_domains(store):
        template = read_catalog(store.template_path(domain))
        for locale in store.locales(domain):
            path = store.po_path(locale, domain)
            catalog = copy.deepcopy(read_catalog(path, locale))
            before = {m.context: m for m in catalog if m.id}
            catalog.update(
                template,
                no_fuzzy_matching=False,
                update_header_comment=False,
                keep_user_comments=True,
                update_creation_date=True,
            )
            _prefer_same_context(catalog, before)
            if write_catalog(path, catalog):
                changed.append(path)
    return changed


def _prefer_same_context(catalog: KeduCatalog, before: dict[str | None, Message]) -> None:
    for message in catalog:
        old = before.get(message.context)
        if not message.id or old is None or not old.string or old.id == message.id:
            continue
        if not isinstance(old.id, str):
            continue
        if message.fuzzy or not message.string:
            message.string = old.string
            message.previous_id = [old.id]
            message.flags.add("fuzzy")
            catalog.obsolete.pop((old.id, old.context) if old.context else old.id, None)


def _complete(string: object) -> bool:
    forms = [string] if isinstance(string, str) else list(string or ())  # type: ignore[call-overload]
    return bool(forms) and all(forms)


def _template_domains(store: CatalogStore) -> list[str]:
    return sorted(p.stem for p in (store.root / "templates").glob("*.pot"))


def compile_catalogs(store: CatalogStore, domains: list[str] | None = None) -> list[Path]:
    """Write a .mo next to every .po (fuzzy messages left out); return the written files."""
    written = []
    for domain in domains or store.domains():
        for locale in store.locales(domain):
            catalog = read_catalog(store.po_path(locale, domain), locale)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            written.append(write_atomic(store.mo_path(locale, domain), buffer.getvalue()))
    return written


def record_review(store: CatalogStore, domain: str, locale: str, reviewer: str, when: date) -> Path:
    """Record in the .po header that ``reviewer`` reviewed the catalog on ``when``."""
    name = loc.negotiate(locale, store.locales(domain))
    if name is None:
        raise LocaleError(
            f"no catalog for {domain!r} in {locale!r}; available locales: "
            f"{', '.join(store.locales(domain)) or '(none)'}"
        )
    reviewer = " ".join(reviewer.split())
    if not reviewer:
        raise UsageError("--by needs the reviewer's name")
    path = store.po_path(name, domain)
    catalog = copy.deepcopy(read_catalog(path, name))
    unfinished = [
        m.context or str(m.id)
        for m in catalog
        if is_reviewed_text(m) and (m.fuzzy or not _complete(m.string))
    ]
    if unfinished:
        raise CatalogError(
            f"cannot record a review: {len(unfinished)} messages are untranslated or fuzzy "
            f"({', '.join(unfinished[:3])}{', ...' if len(unfinished) > 3 else ''}); "
            "finish the translation first (`kedu i18n stats`)",
            path=path,
        )
    mark_reviewed(catalog, reviewer, when)
    write_catalog(path, catalog)
    return path
