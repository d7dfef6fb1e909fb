"""The web application: routes, request checks and page rendering.

Nothing a request says is used as a file path: articles are looked up by id among
the articles the project holds, languages among the catalogs each article has,
and every other query value is checked against a fixed set of choices or a
length limit (400 otherwise; 404 for ids the project does not have).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Scope

from kedu._version import __version__
from kedu.errors import KeduError
from kedu.exporters import ExportOptions, available_formats
from kedu.jobs import ExportJob
from kedu.localization import locales as loc
from kedu.models.inline import parse_runs, plain_text
from kedu.serve.documents import DocumentCache, Made, options_key
from kedu.serve.interface import Interface, interface, interface_locales
from kedu.serve.preview import translator_locales, translator_view
from kedu.serve.project import ArticleEntry, LanguageState, Project, combine
from kedu.serve.security import SecurityMiddleware, handout_csp

__all__ = ["create_app"]

HERE = Path(__file__).resolve().parent
STATIC = {  # the only files served as they are: name → media type
    "kedu.css": "text/css; charset=utf-8",
    "live.js": "text/javascript; charset=utf-8",
}
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}")
MAX_ID = 100
MAX_QUERY_TEXT = 200
FORMATS = ("html", "pdf", "docx", "print")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class BadRequest(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(400, detail)


def _one(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"{name} is given {len(values)} times")
    return values[0] if values else None


def _choice(request: Request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = _one(request, name)
    if value is None or value == "":
        return default
    if value not in choices:
        raise BadRequest(f"{name} must be one of {', '.join(choices)}")
    return value


def _flag(request: Request, name: str) -> bool:
    return _choice(request, name, ("0", "1", "on", "off"), "0") in ("1", "on")


def _locale_value(value: str, name: str) -> str:
    if len(value) > 35 or not _LOCALE.fullmatch(value):
        raise BadRequest(f"{name} is not a locale name")
    try:
        return loc.normalize(value)
    except KeduError:
        raise BadRequest(f"{name} is not a locale name") from None


def _article_id(value: str) -> str:
    if len(value) > MAX_ID or not _ID.fullmatch(value):
        raise HTTPException(404, "no such article")
    return value


def _inline(text: str | None) -> Markup:
    """Article inline markup as safe HTML (bold, italic, http/https/mailto/tel links)."""
    if not text:
        return Markup("")
    try:
        runs = parse_runs(text)
    except ValueError:
        return Markup(escape(text))
    parts: list[str] = []
    for run in runs:
        piece = str(escape(run.text))
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.href:
            piece = f'<a href="{escape(run.href)}">{piece}</a>'
        parts.append(piece)
    return Markup("".join(parts))


def _plain(text: str | None) -> str:
    if not text:
        return ""
    try:
        return plain_text(text)
    except ValueError:
        return text


class App:
    """State shared by the routes: the project, the document cache, the templates."""

    def __init__(self, project: Project, *, token: str | None, jobs: int = 1) -> None:
        self.project = project
        self.token = token
        self.documents = DocumentCache(workers=jobs)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(("html",)),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["inline"] = _inline
        self.templates.filters["plain"] = _plain
        self.changed = asyncio.Event()
        self._static = {name: (HERE / "static" / name).read_bytes() for name in STATIC}

    # ---- shared pieces --------------------------------------------------------

    def ui(self, request: Request) -> Interface:
        store = self.project.store()
        available = interface_locales(store)
        value = _one(request, "ui")
        if value:
            chosen = loc.negotiate(_locale_value(value, "ui"), available)
            if chosen is not None:
                return interface(chosen, store)
        for tag in _accept_language(request.headers.get("accept-language", "")):
            try:
                chosen = loc.negotiate(tag, available)
            except KeduError:
                continue
            if chosen is not None:
                return interface(chosen, store)
        return interface("en", store)

    def render(
        self, request: Request, template: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        t = context.pop("t", None) or self.ui(request)
        store = self.project.store()

        def link(path: str, **params: object) -> str:
            query = {k: str(v) for k, v in params.items() if v not in (None, "", False)}
            query["ui"] = t.locale
            return f"{quote(path)}?{urlencode(query)}"

        def tm(key: str, **values: object) -> Markup:
            """The text of ``key`` with HTML values (escaped text, markup kept)."""
            return Markup(escape(t(key))).format(**values)

        keep = {k: v for k, v in request.query_params.items() if k != "ui"}
        html = self.templates.get_template(template).render(
            t=t,
            tm=tm,
            link=link,
            version=__version__,
            ui_choices=[(name, loc.display_name(name)) for name in interface_locales(store)],
            here=request.url.path,
            keep=keep,
            organization=self.project.config.organization,
            **context,
        )
        headers = {"Cache-Control": "no-store"}
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def entry(self, article_id: str) -> ArticleEntry:
        entry = self.project.article(_article_id(article_id))
        if entry is None:
            raise HTTPException(404, "no such article")
        return entry

    # ---- staff ----------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        t = self.ui(request)
        query = (_one(request, "q") or "").strip()
        if len(query) > MAX_QUERY_TEXT:
            raise BadRequest(f"the search text is longer than {MAX_QUERY_TEXT} characters")
        project = self.project
        if query:
            found = await _thread(project.search, query)
            results = [(entry, matched) for entry, matched in found]
        else:
            entries = await _thread(lambda: list(project.articles().values()))
            results = [(entry, []) for entry in entries]
        cards = [await _thread(self._card, entry, matched, t) for entry, matched in results]
        return self.render(
            request,
            "home.html",
            t=t,
            query=query,
            cards=cards,
            problems=project.problems(),
        )

    def _card(
        self, entry: ArticleEntry, matched: list[LanguageState], t: Interface
    ) -> dict[str, Any]:
        states = self.project.languages(entry)
        shown = _in_language(states, t.locale) or states[0]
        doc = shown.doc
        article = doc.article if doc is not None else entry.article
        review_date = None
        if entry.article.review_date is not None:
            from babel.dates import format_date

            review_date = format_date(entry.article.review_date, "long", locale=_babel(t.locale))
        return {
            "entry": entry,
            "lang": (doc.language_tag if doc else loc.language_tag(entry.article.language)),
            "dir": (doc.direction if doc else "ltr"),
            "title": article.title,
            "summary": article.summary,
            "review_date": review_date,
            "languages": [s for s in states if s.available],
            "matched": matched,
        }

    async def article(self, request: Request) -> Response:
        t = self.ui(request)
        entry = self.entry(request.path_params["article_id"])
        states = await _thread(self.project.languages, entry)
        available = [s for s in states if s.available]
        wanted = _one(request, "lang")
        selected = None
        if wanted:
            selected = _in_language(available, _locale_value(wanted, "lang"))
        selected = (
            selected or _in_language(available, t.locale) or (available[0] if available else None)
        )
        shown = selected or states[0]
        article = shown.doc.article if shown.doc is not None else entry.article
        return self.render(
            request,
            "article.html",
            t=t,
            entry=entry,
            article=article,
            shown=shown,
            states=[s for s in states if s.visible],
            hidden_drafts=any(not s.visible for s in states),
            available=available,
            selected=selected,
            source=states[0],
            paper=self.project.config.paper,
            web_format="html" in available_formats(),
        )

    async def handout(self, request: Request) -> Response:
        t = self.ui(request)
        entry = self.entry(request.path_params["article_id"])
        fmt = _choice(request, "format", FORMATS, "pdf")
        paper = _choice(request, "paper", ("letter", "a4"), self.project.config.paper)
        large = _flag(request, "large")
        bilingual = _flag(request, "bilingual")
        lang = _one(request, "lang")
        states = await _thread(self.project.languages, entry)
        state = states[0] if not lang else _in_language(states, _locale_value(lang, "lang"))
        if state is None or not state.visible:
            raise HTTPException(404, "this handout has no such language")
        if state.status == "incomplete":
            return self.render(
                request,
                "failed.html",
                status_code=409,
                t=t,
                entry=entry,
                error=state.reason,
            )
        return await self._document(
            request, t, entry, state.locale, fmt, paper, large, bilingual, partial=False
        )

    async def _document(
        self,
        request: Request,
        t: Interface,
        entry: ArticleEntry,
        locale: str,
        fmt: str,
        paper: str,
        large: bool,
        bilingual: bool,
        *,
        partial: bool,
    ) -> Response:
        exporter_name = "pdf" if fmt == "print" else fmt
        if exporter_name not in available_formats():
            return self.render(
                request, "failed.html", status_code=501, t=t, entry=entry, error=t("no_web_format")
            )
        config = self.project.config
        options = ExportOptions(
            paper="a4" if paper == "a4" else "letter", large_print=large, logo=config.logo
        )
        source = entry.article.language
        key = combine(
            entry.digest,
            locale,
            self.project.catalog_digest(entry, locale),
            self.project.catalog_digest(entry, source) if bilingual else "",
            options_key(options, exporter_name, bilingual, partial),
        )
        etag = f'"{key[:40]}"'
        cached = self.documents.cached(key)
        if cached is not None and cached.data is not None and _etag_matches(request, etag):
            return Response(status_code=304, headers=_cache_headers(etag))
        job = ExportJob(
            article=entry.article,
            locale=locale,
            format=exporter_name,
            options=options,
            catalogs=entry.catalogs.root if entry.catalogs else None,
            base_dir=entry.base_dir,
            allow_partial=partial,
            bilingual=bilingual,
        )
        made = await self.documents.get(key, job)
        if made.data is None or made.filename is None:
            status = 500 if (made.error or "").startswith("internal error") else 422
            return self.render(
                request, "failed.html", status_code=status, t=t, entry=entry, error=made.error
            )
        if _etag_matches(request, etag):
            return Response(status_code=304, headers=_cache_headers(etag))
        return _document_response(made, fmt, etag)

    # ---- translators ----------------------------------------------------------

    async def translators(self, request: Request) -> Response:
        t = self.ui(request)
        locales = await _thread(translator_locales, self.project)
        return self.render(
            request,
            "translators.html",
            t=t,
            locales=[(name, loc.display_name(name)) for name in locales],
        )

    async def translator(self, request: Request) -> Response:
        t = self.ui(request)
        locale = _locale_value(request.path_params["locale"], "locale")
        known = await _thread(translator_locales, self.project)
        chosen = next((name for name in known if name.lower() == locale.lower()), None)
        if chosen is None:
            raise HTTPException(404, "no catalog for this language")
        article_id = _one(request, "article")
        if article_id is not None:
            article_id = _article_id(article_id)
            if self.project.article(article_id) is None:
                raise HTTPException(404, "no such article")
        view = await _thread(translator_view, self.project, chosen, article_id)
        return self.render(
            request,
            "translator.html",
            t=t,
            view=view,
            articles=[
                e for e in self.project.articles().values() if chosen in self.project.locales(e)
            ],
            generation=self.project.generation,
            display=self.project.display_path,
            live=self.project.watching,
            target_lang=loc.language_tag(chosen),
            source_name=loc.display_name(view.article.article.language) if view.article else "",
            target_dir=loc.direction(chosen),
        )

    async def translator_handout(self, request: Request) -> Response:
        """The handout as the catalog is now, untranslated text in the original (draft)."""
        t = self.ui(request)
        locale = _locale_value(request.path_params["locale"], "locale")
        entry = self.entry(request.path_params["article_id"])
        chosen = next(
            (n for n in self.project.locales(entry)[1:] if n.lower() == locale.lower()), None
        )
        if chosen is None:
            raise HTTPException(404, "no catalog for this language")
        fmt = "html" if "html" in available_formats() else "pdf"
        fmt = _choice(request, "format", ("html", "pdf"), fmt)
        return await self._document(
            request, t, entry, chosen, fmt, self.project.config.paper, False, False, partial=True
        )

    async def events(self, request: Request) -> Response:
        """Server-sent events: a line each time the project changes on disk (live preview)."""
        since = _one(request, "since") or ""
        if not since.isdigit() or len(since) > 12:
            raise BadRequest("since must be a number")

        async def stream() -> AsyncIterator[bytes]:
            last = int(since)
            yield b"retry: 2000\n\n"
            for _ in range(120):  # about ten minutes, then the browser reconnects
                if self.project.generation != last:
                    last = self.project.generation
                    yield f"data: {last}\n\n".encode()
                try:
                    await asyncio.wait_for(self.changed.wait(), timeout=5)
                except TimeoutError:
                    yield b": still here\n\n"
                if await request.is_disconnected():
                    return

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    # ---- the rest -------------------------------------------------------------

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404, "not found")
        data = self._static[name]
        etag = f'"{combine(name, data.hex())[:32]}"'
        if _etag_matches(request, etag):
            return Response(status_code=304, headers=_cache_headers(etag))
        return Response(data, media_type=STATIC[name], headers=_cache_headers(etag))

    async def error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
        try:
            t = self.ui(request)
        except HTTPException:
            t = interface("en", None)
        heading = {404: t("not_found"), 500: t("problem")}.get(status, t("bad_request"))
        return self.render(
            request, "error.html", status_code=status, t=t, heading=heading, detail=detail
        )

    async def token_page(self, scope: Scope) -> Response:
        request = Request(scope)
        try:
            t = self.ui(request)
        except HTTPException:
            t = interface("en", None)
        return self.render(
            request,
            "error.html",
            status_code=401,
            t=t,
            heading=t("token_needed"),
            detail=t("token_hint"),
        )


def _document_response(made: Made, fmt: str, etag: str) -> Response:
    assert made.data is not None and made.filename is not None
    headers = _cache_headers(etag)
    if fmt == "html":
        headers["Content-Security-Policy"] = handout_csp()
        headers["Content-Disposition"] = f'inline; filename="{made.filename}"'
    elif fmt == "print":
        headers["Content-Disposition"] = f'inline; filename="{made.filename}"'
    else:
        headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return Response(made.data, media_type=made.media_type, headers=headers)


def _cache_headers(etag: str) -> dict[str, str]:
    # The same address gives a new document when a file changes: browsers may keep
    # a copy, but must ask (If-None-Match) before using it.
    return {"ETag": etag, "Cache-Control": "private, no-cache"}


def _etag_matches(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match", "")
    return any(part.strip().removeprefix("W/") == etag for part in given.split(","))


def _in_language(states: list[LanguageState], locale: str) -> LanguageState | None:
    chosen = loc.negotiate(locale, [s.locale for s in states])
    return next((s for s in states if s.locale == chosen), None)


def _accept_language(header: str) -> list[str]:
    tags: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and len(tag) <= 35:
            tags.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(tags)]


def _babel(locale: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
        return locale
    except (UnknownLocaleError, ValueError):
        return "en"


async def _thread(func: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func, *args)


def create_app(
    project_dir: str | Path = ".",
    *,
    token: str | None = None,
    host: str = "127.0.0.1",
    watch: bool = True,
    jobs: int = 1,
) -> Starlette:
    """The ``kedu serve`` application for the project in ``project_dir``.

    ``token`` (default: ``[serve] token`` of the project's config) makes every
    request carry that shared secret.  When ``host`` is a loopback address, requests
    naming any other host are refused (a web page elsewhere cannot reach the
    library through DNS rebinding).  ``watch`` follows file changes with watchfiles.
    ``jobs`` > 1 makes documents in that many worker processes.
    """
    project = Project(Path(project_dir))
    state = App(project, token=token or project.config.serve.token, jobs=jobs)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None
        if watch:
            from kedu.serve.watch import follow

            task = asyncio.create_task(follow(project, state.changed))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            state.documents.close()

    middleware = [
        Middleware(SecurityMiddleware, token=state.token, token_page=state.token_page),
    ]
    if host in LOCAL_HOSTS:
        middleware.append(
            Middleware(
                TrustedHostMiddleware,
                allowed_hosts=["127.0.0.1", "localhost", "[::1]"],
            )
        )
    routes = [
        Route("/", state.home, name="home"),
        Route("/articles/{article_id}", state.article, name="article"),
        Route("/articles/{article_id}/handout", state.handout, name="handout"),
        Route("/translate", state.translators, name="translators"),
        Route("/translate/{locale}", state.translator, name="translator"),
        Route(
            "/translate/{locale}/{article_id}/handout",
            state.translator_handout,
            name="translator_handout",
        ),
        Route("/events", state.events, name="events"),
        Route("/static/{name}", state.static, name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: state.error, Exception: state.error},
    )
    app.state.kedu = state
    return app
