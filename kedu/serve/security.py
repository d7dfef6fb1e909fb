"""What keeps ``kedu serve`` safe to leave running on a clinic's network.

* Every response carries a Content-Security-Policy that allows only kedu's own
  style sheet and script (no inline scripts, nothing from other sites), plus
  ``X-Content-Type-Options``, ``Referrer-Policy`` and friends.
* Requests are bounded before any route sees them: long paths or query strings
  are refused, and only GET and HEAD exist.
* With a token, every request must carry it: as ``Authorization: Bearer``, as the
  cookie set the first time, or once in the address (``?token=``), which is then
  moved into the cookie so it does not stay in the address bar or browser history.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PAGE_CSP", "SecurityMiddleware", "handout_csp"]

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

MAX_PATH = 512
MAX_QUERY = 2048
TOKEN_COOKIE = "kedu_token"

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def handout_csp() -> str:
    """The policy of a handout shown as a web page: its own inline styles and embedded
    images only, and no script at all (the HTML export needs none)."""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
    )


TokenPage = Callable[[Scope], Awaitable[Response]]


class SecurityMiddleware:
    """Headers, request limits and the optional shared token, around the whole app."""

    def __init__(self, app: ASGIApp, *, token: str | None, token_page: TokenPage) -> None:
        self.app = app
        self.token = token
        self.token_page = token_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", PAGE_CSP)
            await send(message)

        refusal = self._refuse(scope)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        if self.token is not None:
            response = await self._check_token(scope)
            if response is not None:
                await response(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)

    def _refuse(self, scope: Scope) -> Response | None:
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse(
                "kedu serve only reads: use GET\n", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
        if len(raw_path) > MAX_PATH:
            return PlainTextResponse("address too long\n", status_code=414)
        if len(scope.get("query_string", b"")) > MAX_QUERY:
            return PlainTextResponse("query too long\n", status_code=400)
        if "\x00" in scope["path"]:
            return PlainTextResponse("bad address\n", status_code=400)
        return None

    async def _check_token(self, scope: Scope) -> Response | None:
        assert self.token is not None
        headers = Headers(scope=scope)
        expected = self.token.encode("utf-8")

        def ok(value: str | None) -> bool:
            return value is not None and hmac.compare_digest(value.encode("utf-8"), expected)

        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and ok(auth[7:].strip()):
            return None
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is simply no token
            cookie = SimpleCookie()
        morsel = cookie.get(TOKEN_COOKIE)
        if morsel is not None and ok(morsel.value):
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [value for name, value in query if name == "token"]
        if given and ok(given[0]):
            rest = urlencode([(name, value) for name, value in query if name != "token"])
            target = scope["path"] + (f"?{rest}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/"
            )
            return response
        return await self.token_page(scope)
