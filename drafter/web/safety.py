"""Request guards: body size, access token, CSRF, and messages scrubbed of keys and server paths."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "drafter_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
TOKEN_COOKIE = "drafter_token"

TOO_LARGE = "上传内容过大，超过服务器允许的上限"


class _TooLarge(Exception):
    """An upload went past a limit while it was being copied."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes, declared or streamed, before any parsing.

    A Content-Length over the limit is refused at once; a chunked body is counted as it arrives,
    so a client cannot make the multipart parser spool more than the limit to disk.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.limit:
                    await _too_large(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except _TooLarge:
            if not started:
                await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(scope, TOO_LARGE, 413)
    await response(scope, receive, send)


def error_response(scope: Scope, message: str, status: int) -> Response:
    """JSON for /api/…, an htmx-swappable fragment otherwise; always the one Chinese line."""
    if scope.get("path", "").startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    from html import escape
    return PlainTextResponse(f'<div class="error" role="alert">{escape(message)}</div>', status_code=status,
                             media_type="text/html; charset=utf-8")


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def token_guard(token: str | None) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """With DRAFTER_WEB_TOKEN set, every client but this machine itself must present it.

    Accepted as ``Authorization: Bearer …``, a cookie, or once as ``?token=…`` (which sets the
    cookie, so a link with the token opens the workbench in a browser).
    """

    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if token is None or request.url.path == "/healthz" or is_loopback(
                request.client.host if request.client else None):
            return await call_next(request)
        given = request.headers.get("authorization", "")
        given = given[7:] if given.lower().startswith("bearer ") else ""
        given = given or request.cookies.get(TOKEN_COOKIE, "") or request.query_params.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return error_response(request.scope, "需要访问令牌（DRAFTER_WEB_TOKEN），请向管理员索取", 401)
        response = await call_next(request)
        if request.query_params.get("token"):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    return guard


def csrf_token(request: Request) -> str:
    """This browser's token: kept in a cookie, echoed in every form and htmx request."""
    existing = request.cookies.get(CSRF_COOKIE, "")
    if len(existing) >= 32:
        return existing
    token = getattr(request.state, "new_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def remember_csrf(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf", None)
    if token is not None:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")


async def check_csrf(request: Request, form: Any | None = None) -> str | None:
    """None when the POST is genuine, else the reason to refuse it.

    Page POSTs must echo the cookie's token (header from htmx, or the form field). /api/… is for
    scripts, which send no cookies: a browser posting there from another site is told apart by its
    Origin header, which browsers always send on cross-site POSTs.
    """
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        return "请求来自其他网站，已拒绝"
    if origin == "null":
        return "请求来自其他网站，已拒绝"
    if request.url.path.startswith("/api/"):
        return None
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = request.headers.get(CSRF_HEADER, "")
    if not given and form is not None:
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else ""
    if len(cookie) < 32 or not hmac.compare_digest(cookie.encode(), given.encode()):
        return "页面已过期或缺少校验码（CSRF），请刷新页面后重试"
    return None


def clean_message(message: str, hidden: list[str]) -> str:
    """A message for the page: keys masked, server paths (home, job folders) cut out."""
    from drafter.llm.scrub import register_env_secrets, scrub
    register_env_secrets()
    text = scrub(message) or ""
    # Only specific folders: a server started in / or /srv must not turn every "/" into "…".
    from pathlib import PurePath
    for path in sorted((h for h in hidden if h and len(PurePath(h).parts) >= 3), key=len, reverse=True):
        text = text.replace(path, "…")
    return text
