"""The workbench's guards, as one ASGI middleware in front of every route, and the CSRF check of forms.

- Host: bound to localhost, only the localhost names are accepted as Host (no DNS rebinding from a web page).
- Token: when the server has one (always off localhost), every request carries it: the `auditor_token` cookie
  (set when the page is opened with `?token=...`, which then redirects to the address without it) or an
  `Authorization: Bearer` header. Compared in constant time.
- CSRF: a random `auditor_csrf` cookie (SameSite=Strict) is set on the first response; every POST must send the
  same value in the `X-CSRF-Token` header (htmx) or a `csrf` form field, and a POST whose Origin is another site
  is refused.
- Upload size: a request body larger than the upload limit is refused (413), by its Content-Length or while it
  streams in.
- Headers: a Content-Security-Policy allowing only this server's own scripts (no inline script, no eval), no
  framing, no referrer, no MIME sniffing.
"""
from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from .settings import ServeSettings

TOKEN_COOKIE = "auditor_token"
CSRF_COOKIE = "auditor_csrf"
CSRF_HEADER = "x-csrf-token"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin")]


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


def _cookies(headers: dict[bytes, bytes]) -> dict[str, str]:
    raw = headers.get(b"cookie", b"").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return {}
    return {k: m.value for k, m in jar.items()}


def _cookie_header(name: str, value: str, max_age: int | None = None) -> tuple[bytes, bytes]:
    age = f"; Max-Age={max_age}" if max_age else ""
    return b"set-cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}".encode()


async def _plain(send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            *SECURITY_HEADERS, *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Host, token, body size, the CSRF cookie and the security headers (see the module's docstring)."""

    def __init__(self, app, settings: ServeSettings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        s = self.settings
        headers = dict(scope.get("headers") or [])
        # ---- Host
        if s.allowed_hosts is not None:
            host = headers.get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.strip("[]") not in {h.strip("[]") for h in s.allowed_hosts}:
                return await _plain(send, 400, "auditor serve: this address is not served here (Host header "
                                               "refused)")
        cookies = _cookies(headers)
        extra: list[tuple[bytes, bytes]] = []
        # ---- token
        if s.token:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            auth = headers.get(b"authorization", b"").decode("latin-1")
            bearer = auth[7:] if auth.lower().startswith("bearer ") else None
            if same(query.get("token"), s.token) and scope["method"] in ("GET", "HEAD"):
                rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                                  if k != "token"])
                location = scope.get("path", "/") + (f"?{rest}" if rest else "")
                await send({"type": "http.response.start", "status": 303,
                            "headers": [(b"location", location.encode()), _cookie_header(TOKEN_COOKIE, s.token),
                                        (b"content-length", b"0"), *SECURITY_HEADERS]})
                await send({"type": "http.response.body", "body": b""})
                return
            if not (same(cookies.get(TOKEN_COOKIE), s.token) or same(bearer, s.token)):
                return await _plain(send, 401, "auditor serve: an access token is required: open the address "
                                               "`auditor serve` printed (it ends in ?token=...)")
        # ---- the CSRF cookie: the form token every page embeds
        csrf = cookies.get(CSRF_COOKIE)
        if not csrf or len(csrf) < 20:
            csrf = secrets.token_urlsafe(24)
            extra.append(_cookie_header(CSRF_COOKIE, csrf))
        scope.setdefault("state", {})["csrf"] = csrf
        scope["state"]["csrf_cookie"] = cookies.get(CSRF_COOKIE)
        # ---- body size
        limit = (s.max_upload_mb << 20) + (1 << 20)    # the files and the form's other fields
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                return await _plain(send, 400, "bad Content-Length")
            if too_big:
                return await _plain(send, 413, f"auditor serve: the upload is larger than {s.max_upload_mb} MB",
                                    extra)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:   # streamed past the limit: the route's exception handler answers 413
                    from starlette.exceptions import HTTPException

                    raise HTTPException(413, f"the upload is larger than {s.max_upload_mb} MB")
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS, *extra]
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


def csrf_ok(state_csrf_cookie: str | None, sent: str | None, origin: str | None, host: str | None) -> bool:
    """A POST is the page's own when it sends the token its CSRF cookie holds and, if it names an Origin, that
    Origin is this server."""
    if not same(state_csrf_cookie, sent):
        return False
    if origin and origin != "null":
        return urlsplit(origin).netloc == (host or "")
    return origin != "null"
