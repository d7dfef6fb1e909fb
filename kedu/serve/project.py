"""What ``kedu serve`` knows about a project: its articles, catalogs and settings.

Read-only, and always current: every answer is keyed on the files it came from
(their modification time and size, and for documents a SHA-256 of their bytes),
so a translator's saved ``.po`` shows on the next request.  The file watcher
(:mod:`kedu.serve.watch`) only bumps :attr:`Project.generation`, which makes the
list of article files rescan at once (new or removed articles) and lets open pages
reload themselves; without it that list is rescanned every few seconds.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from kedu._version import __version__
from kedu.config import CONFIG_FILE, Config, load_config
from kedu.errors import KeduError
from kedu.localization import locales as loc
from kedu.localization.catalogs import BUILTIN_STORE, KEDU_DOMAIN, CatalogStore
from kedu.localization.runtime import available_locales, localize, resolve_store
from kedu.models.article import Article, ImageSection
from kedu.models.inline import plain_text
from kedu.models.localized import LocalizedArticle

__all__ = ["ArticleEntry", "LanguageState", "Project", "fold"]

Status = Literal["source", "reviewed", "draft", "incomplete"]

ARTICLE_SUFFIXES = (".yaml", ".yml", ".json")
# Folders never searched for articles when the config names no patterns.
_SKIP_DIRS = {"locales", "node_modules", "__pycache__", "site-packages", "build", "dist", "out"}
_MAX_DEPTH = 6
_MAX_FILES = 2000
_MAX_ARTICLE_BYTES = 4 * 1024 * 1024
RESCAN_SECONDS = 5.0


@dataclass(frozen=True)
class ArticleEntry:
    """One article of the project, with the organization settings applied."""

    article: Article
    path: Path
    catalogs: CatalogStore | None
    digest: str  # SHA-256 of the article file, the config and the images it shows

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def base_dir(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class LanguageState:
    """One language of an article as staff see it."""

    locale: str
    name: str
    status: Status
    visible: bool
    reason: str | None = None  # why it is incomplete (one line), or why it is a draft
    doc: LocalizedArticle | None = field(default=None, repr=False, compare=False)
    haystack: str = field(default="", repr=False, compare=False)  # folded searchable text

    @property
    def available(self) -> bool:
        """Staff may make handouts in this language."""
        return self.visible and self.status != "incomplete"


def fold(text: str) -> str:
    """Text for matching: case, accents and compatibility forms folded away."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1024)
def _hash_file(path: str, _mtime_ns: int, _size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes (memoized on its mtime and size), or 'absent'."""
    try:
        stat = path.stat()
    except OSError:
        return "absent"
    return _hash_file(str(path), stat.st_mtime_ns, stat.st_size)


def combine(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


class Project:
    """A kedu project folder: articles, ``locales/`` and ``kedu.toml``."""

    def __init__(self, root: Path, *, config: Config | None = None) -> None:
        self.root = root.resolve()
        self._fixed_config = config
        self._lock = threading.RLock()
        self.generation = 0
        self.watching = False
        self._scanned_at = -1.0
        self._scanned_generation = -1
        self._config_key: tuple[int, int] | None = None
        self._config: Config | None = None
        self._files: list[Path] = []
        self._config_used: Config | None = None
        self._articles: dict[str, ArticleEntry] = {}
        self._problems: list[str] = []
        self._loaded: dict[Path, tuple[tuple[int, int, str], ArticleEntry | str]] = {}
        self._states: dict[str, list[LanguageState]] = {}

    # ---- settings -------------------------------------------------------------

    @property
    def config(self) -> Config:
        if self._fixed_config is not None:
            return self._fixed_config
        path = self.root / CONFIG_FILE
        try:
            stat = path.stat()
            key = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = (0, 0)
        with self._lock:
            if self._config is None or key != self._config_key:
                self._config = load_config(self.root)
                self._config_key = key
            return self._config

    @property
    def show_drafts(self) -> bool:
        return self.config.serve.show_drafts

    def store(self) -> CatalogStore | None:
        """The project's own locales folder (config, else the nearest ``locales/``)."""
        return resolve_store(self.config.locales_dir, self.root)

    def changed(self) -> None:
        """Called by the file watcher: something in the project changed on disk."""
        with self._lock:
            self.generation += 1

    # ---- articles -------------------------------------------------------------

    def articles(self) -> dict[str, ArticleEntry]:
        """Every article that loads, by id, in title order."""
        self._refresh()
        return self._articles

    def problems(self) -> list[str]:
        """One line per article file that could not be used."""
        self._refresh()
        return self._problems

    def article(self, article_id: str) -> ArticleEntry | None:
        return self.articles().get(article_id)

    def _refresh(self) -> None:
        """Bring the article list up to date.

        The list of candidate files is rescanned when the watcher reports a change
        (or every few seconds); each candidate is checked on every call, which costs
        a ``stat``: an edited article is reloaded on the very next request.
        """
        with self._lock:
            config = self.config
            if (
                self._scanned_generation != self.generation
                or time.monotonic() - self._scanned_at > RESCAN_SECONDS
                or self._config_used is not config
            ):
                self._files = self._candidate_files(config)
                self._scanned_at = time.monotonic()
                self._scanned_generation = self.generation
                self._config_used = config
            config_digest = combine(
                file_digest(config.source) if config.source else "",
                file_digest(config.logo) if config.logo else "",
            )
            found: dict[str, ArticleEntry] = {}
            problems: list[str] = []
            for path in self._files:
                if not path.exists():
                    continue  # removed since the last scan
                entry = self._load(path, config, config_digest)
                if isinstance(entry, str):
                    problems.append(entry)
                elif entry.id in found:
                    problems.append(
                        f"{self.display_path(path)}: the id {entry.id!r} is already used by "
                        f"{self.display_path(found[entry.id].path)}"
                    )
                else:
                    found[entry.id] = entry
            self._articles = dict(
                sorted(found.items(), key=lambda item: fold(plain_text(item[1].article.title)))
            )
            self._problems = problems

    def display_path(self, path: Path) -> str:
        """The path relative to the project, or to kedu's package for its own catalogs
        (the absolute location of the installation is nobody's business)."""
        for base in (self.root, BUILTIN_STORE.root.parent.parent):
            try:
                return path.resolve().relative_to(base).as_posix()
            except ValueError:
                continue
        return path.name

    def _candidate_files(self, config: Config) -> list[Path]:
        patterns = config.serve.articles
        if patterns:
            base = config.source.parent if config.source else self.root
            matches = {
                p.resolve()
                for pattern in patterns
                for p in base.glob(pattern)
                if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            }
            return sorted(matches)[:_MAX_FILES]
        skip = {p.resolve() for p in (config.locales_dir, config.output_dir) if p is not None}
        found: list[Path] = []
        for folder, dirs, files in os.walk(self.root):
            here = Path(folder)
            depth = len(here.relative_to(self.root).parts)
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".")
                and d not in _SKIP_DIRS
                and depth < _MAX_DEPTH
                and (here / d).resolve() not in skip
                and not (here / d / "pyvenv.cfg").exists()
            )
            for name in sorted(files):
                if Path(name).suffix.lower() in ARTICLE_SUFFIXES:
                    found.append(here / name)
                    if len(found) >= _MAX_FILES:
                        return found
        return [p for p in found if _looks_like_article(p)]

    def _load(self, path: Path, config: Config, config_digest: str) -> ArticleEntry | str:
        from kedu.load import check_references, load_article

        try:
            stat = path.stat()
        except OSError as exc:
            return f"{self.display_path(path)}: cannot be read: {exc.strerror}"
        key = (stat.st_mtime_ns, stat.st_size, config_digest)
        cached = self._loaded.get(path)
        if cached is not None and cached[0] == key:
            return _with_current_images(cached[1], config_digest)
        result: ArticleEntry | str
        if stat.st_size > _MAX_ARTICLE_BYTES:
            result = f"{self.display_path(path)}: larger than {_MAX_ARTICLE_BYTES // 2**20} MB"
        else:
            try:
                article = load_article(path)
                check_references(article, path)
            except KeduError as exc:
                result = str(exc)
            else:
                result = ArticleEntry(
                    article=config.apply(article),
                    path=path,
                    catalogs=resolve_store(config.locales_dir, path.parent),
                    digest="",
                )
        self._loaded[path] = (key, result)
        return _with_current_images(result, config_digest)

    # ---- languages ------------------------------------------------------------

    def catalog_digest(self, entry: ArticleEntry, locale: str) -> str:
        """SHA-256 over every catalog a handout in ``locale`` is made from."""
        paths: list[Path] = []
        if entry.catalogs is not None:
            paths.append(entry.catalogs.po_path(locale, entry.id))
        for store in (entry.catalogs, BUILTIN_STORE):
            if store is None:
                continue
            name = loc.negotiate(locale, store.locales(KEDU_DOMAIN))
            if name is not None:
                paths.append(store.po_path(name, KEDU_DOMAIN))
        return combine(*(f"{p}={file_digest(p)}" for p in paths))

    def locales(self, entry: ArticleEntry) -> list[str]:
        return available_locales(entry.article, entry.catalogs, entry.base_dir)

    def languages(self, entry: ArticleEntry) -> list[LanguageState]:
        """The source language and each translation, with its status for staff."""
        locales = self.locales(entry)
        key = combine(
            entry.digest,
            str(self.show_drafts),
            *(f"{name}:{self.catalog_digest(entry, name)}" for name in locales),
        )
        with self._lock:
            cached = self._states.get(key)
        if cached is not None:
            return cached
        states = [self._state(entry, name, index == 0) for index, name in enumerate(locales)]
        with self._lock:
            if len(self._states) > 256:
                self._states.clear()
            self._states[key] = states
        return states

    def _state(self, entry: ArticleEntry, locale: str, is_source: bool) -> LanguageState:
        name = loc.display_name(locale)
        try:
            doc = localize(entry.article, locale, catalogs=entry.catalogs, base_dir=entry.base_dir)
        except KeduError as exc:
            return LanguageState(locale, name, "incomplete", visible=True, reason=str(exc))
        text = _haystack(doc)
        if is_source:
            return LanguageState(locale, name, "source", True, doc=doc, haystack=text)
        if doc.review.is_draft:
            return LanguageState(
                locale, name, "draft", self.show_drafts, doc.review.reason, doc, text
            )
        return LanguageState(locale, name, "reviewed", True, doc=doc, haystack=text)

    def language(self, entry: ArticleEntry, locale: str) -> LanguageState | None:
        for state in self.languages(entry):
            if state.locale == locale:
                return state
        return None

    # ---- search ---------------------------------------------------------------

    def search(self, query: str) -> list[tuple[ArticleEntry, list[LanguageState]]]:
        """Articles whose title, summary or keywords contain every word of ``query`` in one
        of their visible languages, with the languages it was found in."""
        words = fold(query).split()
        results = []
        for entry in self.articles().values():
            matched = [
                state
                for state in self.languages(entry)
                if state.available and all(word in state.haystack for word in words)
            ]
            if matched:
                results.append((entry, matched))
        return results

    def watch_paths(self) -> tuple[list[Path], list[Path]]:
        """(folders to watch with their subfolders, folders to watch alone)."""
        deep: set[Path] = set()
        shallow: set[Path] = {self.root}
        for entry in self.articles().values():
            if entry.catalogs is not None and entry.catalogs.root.is_dir():
                deep.add(entry.catalogs.root.resolve())
            folder = entry.base_dir.resolve()
            (shallow if folder == self.root else deep).add(folder)
        store = self.store()
        if store is not None and store.root.is_dir():
            deep.add(store.root.resolve())
        return sorted(deep), sorted(shallow - deep)


def _haystack(doc: LocalizedArticle) -> str:
    article = doc.article
    parts = [article.title, article.subtitle, article.summary, *article.keywords]
    return fold(" \n ".join(plain_text(p) for p in parts if p))


def _with_current_images(entry: ArticleEntry | str, config_digest: str) -> ArticleEntry | str:
    """The entry with a digest over the article file, the config and the current images."""
    if isinstance(entry, str):
        return entry
    images = [
        file_digest(entry.base_dir / s.src)
        for s in entry.article.sections
        if isinstance(s, ImageSection)
    ]
    digest = combine(__version__, file_digest(entry.path), config_digest, *images)
    return entry if digest == entry.digest else replace(entry, digest=digest)


def _looks_like_article(path: Path) -> bool:
    """A YAML/JSON file with top-level ``id`` and ``sections`` (other data files are skipped
    silently instead of being listed as broken articles)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256 * 1024)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace")
    if path.suffix.lower() == ".json":
        return '"sections"' in text and '"id"' in text
    lines = text.splitlines()
    return any(line.startswith("sections:") for line in lines) and any(
        line.startswith("id:") for line in lines
    )


def iter_visible(states: list[LanguageState]) -> Iterator[LanguageState]:
    return (s for s in states if s.visible)
