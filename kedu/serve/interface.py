"""The words of ``kedu serve``'s own pages, in kedu's label catalog (the ``kedu`` domain).

Each string is marked with :func:`pgettext_noop` so ``kedu i18n extract --labels``
puts it in ``kedu/locales/templates/kedu.pot`` beside the printed labels; its
context is ``serve/<key>``.  Comments starting with ``TRANSLATORS:`` reach the
translator.  This module imports nothing from the web stack, so the extractor
and the tests can use it without the ``serve`` extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kedu.localization import locales as loc
from kedu.localization.catalogs import BUILTIN_STORE, KEDU_DOMAIN, CatalogStore, read_catalog
from kedu.localization.labels import pgettext_noop

__all__ = ["CONTEXT_PREFIX", "INTERFACE_SOURCES", "Interface", "interface", "interface_locales"]

CONTEXT_PREFIX = "serve/"

INTERFACE_SOURCES: dict[str, str] = {
    # TRANSLATORS: kedu serve: name of the web page that lists every handout of the clinic.
    "library": pgettext_noop("serve/library", "Handout library"),
    # TRANSLATORS: kedu serve: link that jumps over the menu to the page content (screen readers).
    "skip": pgettext_noop("serve/skip", "Skip to content"),
    # TRANSLATORS: kedu serve: label of the search box on the library page.
    "search_label": pgettext_noop("serve/search_label", "Search handouts"),
    # TRANSLATORS: kedu serve: help under the search box.
    "search_hint": pgettext_noop(
        "serve/search_hint",
        "Search titles, summaries and keywords in every language.",
    ),
    # TRANSLATORS: kedu serve: button that starts the search.
    "search_button": pgettext_noop("serve/search_button", "Search"),
    # TRANSLATORS: kedu serve: link that clears the search and shows every handout.
    "show_all": pgettext_noop("serve/show_all", "Show all handouts"),
    # TRANSLATORS: kedu serve: above the search results; {query} is what the user typed.
    "results_for": pgettext_noop("serve/results_for", "Handouts matching “{query}”"),
    # TRANSLATORS: kedu serve: shown when no handout matches; {query} is what the user typed.
    "no_results": pgettext_noop(
        "serve/no_results", "No handout matches “{query}”. Try another word or language."
    ),
    # TRANSLATORS: kedu serve: heading of the list of every handout.
    "all_handouts": pgettext_noop("serve/all_handouts", "All handouts"),
    # TRANSLATORS: kedu serve: shown when the project has no article at all.
    "no_articles": pgettext_noop("serve/no_articles", "This library has no handouts yet."),
    # TRANSLATORS: kedu serve: under a handout title; {date} is already formatted.
    "reviewed_on": pgettext_noop("serve/reviewed_on", "Content reviewed: {date}"),
    # TRANSLATORS: kedu serve: under a search result; {languages} is a list of language names.
    "found_in": pgettext_noop("serve/found_in", "Found in: {languages}"),
    # TRANSLATORS: kedu serve: under a handout title; {languages} is a list of language names.
    "available_in": pgettext_noop("serve/available_in", "Languages: {languages}"),
    # TRANSLATORS: kedu serve: label of the menu that changes the language of these pages.
    "interface_language": pgettext_noop("serve/interface_language", "Page language"),
    # TRANSLATORS: kedu serve: button next to the page-language menu.
    "apply": pgettext_noop("serve/apply", "Change"),
    # TRANSLATORS: kedu serve: heading of the list of languages of one handout.
    "languages": pgettext_noop("serve/languages", "Languages"),
    # TRANSLATORS: kedu serve: status of the language the article was written in.
    "status_source": pgettext_noop("serve/status_source", "Original"),
    # TRANSLATORS: kedu serve: status of a translation checked by a medical translator.
    "status_reviewed": pgettext_noop("serve/status_reviewed", "Reviewed"),
    # TRANSLATORS: kedu serve: status of a translation nobody has checked yet.
    "status_draft": pgettext_noop(
        "serve/status_draft", "Draft — not reviewed by a qualified medical translator"
    ),
    # TRANSLATORS: kedu serve: status of a translation that is unfinished or has errors.
    "status_incomplete": pgettext_noop("serve/status_incomplete", "Incomplete — not available"),
    # TRANSLATORS: kedu serve: note under the language list when drafts are not shown.
    "drafts_hidden": pgettext_noop(
        "serve/drafts_hidden",
        "Translations that a qualified medical translator has not reviewed are not shown.",
    ),
    # TRANSLATORS: kedu serve: heading of the form that makes a handout.
    "make_handout": pgettext_noop("serve/make_handout", "Get the handout"),
    # TRANSLATORS: kedu serve: label of the menu of the patient's language.
    "patient_language": pgettext_noop("serve/patient_language", "Patient's language"),
    # TRANSLATORS: kedu serve: label of the paper size choice.
    "paper": pgettext_noop("serve/paper", "Paper size"),
    # TRANSLATORS: kedu serve: paper size used in the USA and Canada.
    "paper_letter": pgettext_noop("serve/paper_letter", "Letter"),
    # TRANSLATORS: kedu serve: international paper size.
    "paper_a4": pgettext_noop("serve/paper_a4", "A4"),
    # TRANSLATORS: kedu serve: check box for a handout with bigger letters.
    "large_print": pgettext_noop("serve/large_print", "Large print"),
    # TRANSLATORS: kedu serve: check box; {source} is the original language's name.
    "bilingual": pgettext_noop(
        "serve/bilingual", "Bilingual: {source} beside the patient's language"
    ),
    # TRANSLATORS: kedu serve: button that shows the handout as a web page.
    "open_web": pgettext_noop("serve/open_web", "Open as web page"),
    # TRANSLATORS: kedu serve: button that downloads the PDF file.
    "download_pdf": pgettext_noop("serve/download_pdf", "Download PDF"),
    # TRANSLATORS: kedu serve: button that downloads the Microsoft Word file.
    "download_docx": pgettext_noop("serve/download_docx", "Download Word"),
    # TRANSLATORS: kedu serve: button that opens the PDF so it can be printed.
    "print": pgettext_noop("serve/print", "Print"),
    # TRANSLATORS: kedu serve: help next to the buttons.
    "print_hint": pgettext_noop(
        "serve/print_hint",
        "Print opens the PDF in the browser; print it from there.",
    ),
    # TRANSLATORS: kedu serve: note when a language has no handout to offer.
    "no_language": pgettext_noop(
        "serve/no_language", "No language of this handout can be given to patients yet."
    ),
    # TRANSLATORS: kedu serve: link back to the list of handouts.
    "back": pgettext_noop("serve/back", "Back to the library"),
    # TRANSLATORS: kedu serve: link to the page for translators of one language.
    "for_translators": pgettext_noop("serve/for_translators", "For translators"),
    # TRANSLATORS: kedu serve: heading of the translators' page; {language} is its name.
    "translation_of": pgettext_noop("serve/translation_of", "Translation into {language}"),
    # TRANSLATORS: kedu serve: heading of the table of translation progress.
    "progress": pgettext_noop("serve/progress", "Progress"),
    # TRANSLATORS: kedu serve: table column: the catalog file.
    "catalog": pgettext_noop("serve/catalog", "Catalog"),
    # TRANSLATORS: kedu serve: table column: messages translated.
    "translated": pgettext_noop("serve/translated", "Translated"),
    # TRANSLATORS: kedu serve: table column and marker: translations that need checking.
    "fuzzy": pgettext_noop("serve/fuzzy", "Fuzzy"),
    # TRANSLATORS: kedu serve: table column and marker: messages with no translation.
    "untranslated": pgettext_noop("serve/untranslated", "Untranslated"),
    # TRANSLATORS: kedu serve: table column: whether a medical translator reviewed it.
    "review": pgettext_noop("serve/review", "Review"),
    # TRANSLATORS: kedu serve: review column; {name} and {date} come from the catalog.
    "reviewed_by": pgettext_noop("serve/reviewed_by", "Reviewed by {name} on {date}"),
    # TRANSLATORS: kedu serve: review column of a catalog nobody reviewed.
    "not_reviewed": pgettext_noop("serve/not_reviewed", "Not reviewed"),
    # TRANSLATORS: kedu serve: heading of the list of problems found in the catalogs.
    "checks": pgettext_noop("serve/checks", "Checks"),
    # TRANSLATORS: kedu serve: shown when the checks found nothing.
    "no_findings": pgettext_noop("serve/no_findings", "No problems found."),
    # TRANSLATORS: kedu serve: severity of a problem that stops printing.
    "error": pgettext_noop("serve/error", "Error"),
    # TRANSLATORS: kedu serve: severity of a problem worth a look.
    "warning": pgettext_noop("serve/warning", "Warning"),
    # TRANSLATORS: kedu serve: heading of the side-by-side preview.
    "preview": pgettext_noop("serve/preview", "Preview, text by text"),
    # TRANSLATORS: kedu serve: help above the preview.
    "preview_hint": pgettext_noop(
        "serve/preview_hint",
        "Save the .po file and reload this page to see your changes.",
    ),
    # TRANSLATORS: kedu serve: label of the menu that picks which handout to preview.
    "handout": pgettext_noop("serve/handout", "Handout"),
    # TRANSLATORS: kedu serve: table column: the original text; {language} is its name.
    "original": pgettext_noop("serve/original", "Original ({language})"),
    # TRANSLATORS: kedu serve: table column: the translation; {language} is its name.
    "translation": pgettext_noop("serve/translation", "Translation ({language})"),
    # TRANSLATORS: kedu serve: marker of a translation that fails a check.
    "problem": pgettext_noop("serve/problem", "Problem"),
    # TRANSLATORS: kedu serve: link to the handout made from the translation as it is now.
    "open_preview": pgettext_noop("serve/open_preview", "Open the whole handout as it is now"),
    # TRANSLATORS: kedu serve: heading of an error page: the page does not exist.
    "not_found": pgettext_noop("serve/not_found", "Page not found"),
    # TRANSLATORS: kedu serve: heading of an error page: the address is malformed.
    "bad_request": pgettext_noop("serve/bad_request", "This address is not valid"),
    # TRANSLATORS: kedu serve: heading of the page shown when a handout cannot be made.
    "export_failed": pgettext_noop("serve/export_failed", "The handout could not be made"),
    # TRANSLATORS: kedu serve: shown when this kedu cannot make web-page handouts.
    "no_web_format": pgettext_noop(
        "serve/no_web_format",
        "This version of kedu cannot make web-page handouts yet. "
        "Download the PDF or Word file instead.",
    ),
    # TRANSLATORS: kedu serve: heading of the page asking for the access key.
    "token_needed": pgettext_noop("serve/token_needed", "Access key needed"),
    # TRANSLATORS: kedu serve: explanation on the access-key page.
    "token_hint": pgettext_noop(
        "serve/token_hint",
        "Open the link with the access key that the person who runs this library gave you.",
    ),
    # TRANSLATORS: kedu serve: heading above articles that could not be read.
    "problems": pgettext_noop("serve/problems", "Files that could not be read"),
}


@dataclass(frozen=True)
class Interface:
    """The interface words in one locale, English where a translation is missing."""

    locale: str
    language_tag: str
    direction: str
    texts: dict[str, str]

    def __call__(self, key: str, /, **values: object) -> str:
        text = self.texts.get(key, INTERFACE_SOURCES[key])
        return text.format(**values) if values else text


def _catalog_paths(locale: str, store: CatalogStore | None) -> list[Path]:
    paths = []
    for candidate in (store, BUILTIN_STORE):
        if candidate is None:
            continue
        name = loc.negotiate(locale, candidate.locales(KEDU_DOMAIN))
        if name is not None:
            paths.append(candidate.po_path(name, KEDU_DOMAIN))
    return paths


def interface_locales(store: CatalogStore | None) -> list[str]:
    """'en' and every locale with a kedu label catalog (the project's or kedu's own)."""
    names = set(BUILTIN_STORE.locales(KEDU_DOMAIN))
    if store is not None:
        names.update(store.locales(KEDU_DOMAIN))
    return ["en", *sorted(names - {"en"})]


def interface(locale: str, store: CatalogStore | None) -> Interface:
    """The interface in ``locale``: the project's kedu.po first, then kedu's own."""
    paths = _catalog_paths(locale, store) if locale != "en" else []
    keys = tuple((str(p), p.stat().st_mtime_ns) for p in paths if p.is_file())
    return _interface(locale, keys)


@lru_cache(maxsize=64)
def _interface(locale: str, catalogs: tuple[tuple[str, int], ...]) -> Interface:
    texts: dict[str, str] = {}
    for path, _mtime in reversed(catalogs):  # the project's catalog wins
        for message in read_catalog(Path(path), locale):
            context = message.context or ""
            if not context.startswith(CONTEXT_PREFIX) or message.fuzzy:
                continue
            key = context.removeprefix(CONTEXT_PREFIX)
            source = INTERFACE_SOURCES.get(key)
            if source is None or message.id != source:
                continue  # a stale translation of older wording is never shown
            if (
                isinstance(message.string, str)
                and message.string
                and _same_fields(source, message.string)
            ):
                texts[key] = message.string
    return Interface(
        locale=locale,
        language_tag=loc.language_tag(locale),
        direction=loc.direction(locale),
        texts=texts,
    )


def _same_fields(source: str, translation: str) -> bool:
    """A translation must keep the {placeholders} of the source, or formatting would fail."""
    from string import Formatter

    def fields(text: str) -> set[str]:
        try:
            return {name for _, name, _, _ in Formatter().parse(text) if name}
        except ValueError:
            return {"<malformed>"}

    return fields(source) == fields(translation)
