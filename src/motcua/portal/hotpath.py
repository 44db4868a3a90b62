"""The two busiest public reads, answered at the WSGI level before Django's request and
middleware machinery (``motcua.wsgi`` wraps Django's application when
``MOTCUA_HOTPATH`` is on, the default in production).

1. ``POST /api/v1/public/lookup`` with a JSON body ``{"code", "secret"}``: the look-up's
   two counters (``accounts.ratelimit.lookup_hits``: per client address, per dossier
   code) are counted and the answer Django rendered for this code and language
   (``lookup_cache.remember_rendered``), the code's generation and whether Django's own
   entry is still cached are read, all in one round trip (``ratelimit.count_and_read``:
   one Lua script with Redis). A current answer to the same secret (HMACs compared in
   constant time) is sent as it is; a refusal gets the 429 Django gave.
2. ``GET /thu-tuc/<code>/`` by an anonymous visitor (no session cookie, no query
   string): the page the page cache holds for the visitor's language
   (``page_cache.page_key``, the catalogue's generation) is sent as it is.

Everything else, and anything unusual (a session cookie, a query string, a host Django
would refuse, plain HTTP when Django redirects to HTTPS, a body that is not exactly
``{"code": "...", "secret": "..."}`` in printable ASCII, a miss, a wrong secret, the
cache out of reach), goes to Django unchanged: the body read is put back in
``wsgi.input``, and a look-up counted here is not counted again
(``ratelimit.LOOKUP_COUNTED``). Django's answers fill what the hot path serves: a 200
look-up is kept with the generation read before Django looked the code up; the headers
of a look-up, of a refusal and of a page served from the page cache are learnt once per
process, language and scheme, and replayed with the request's own id
(``RequestIdMiddleware``'s rule, given by ``motcua.wsgi``), length and ``Retry-After``.
So a hot answer is byte for byte the one Django gives: status, body, content type, the
security headers (``X-Content-Type-Options``, ``Referrer-Policy``,
``Cross-Origin-Opener-Policy``, ``Content-Security-Policy``, ``X-Frame-Options``, HSTS
over HTTPS), ``Vary`` and ``Content-Language``. A response setting a cookie or carrying
a CSP nonce is never learnt.

The language is resolved as ``LocaleMiddleware`` does (language cookie,
``Accept-Language``, ``LANGUAGE_CODE``: Django's own function); with language prefixes
in the URLs the hot path steps aside. Hot answers are counted in
``motcua_hotpath_responses_total`` (by route and outcome) on ``/metrics``, not in
django-prometheus' ``django_http_*`` series (they never reach Django).
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.utils import translation
from prometheus_client import Counter

from motcua.accounts import ratelimit
from motcua.lib.net import client_ip

from . import lookup_cache, page_cache

log = logging.getLogger(__name__)

LOOKUP_PATH = "/api/v1/public/lookup"
PAGE_PATH = re.compile(r"/thu-tuc/([A-Za-z0-9._-]{1,64})/")
# The look-up's body is two short strings (the API's schema: code 1–64 characters,
# secret 1–16); anything longer goes to Django.
MAX_LOOKUP_BODY = 1024
_PRINTABLE = re.compile(r"[\x20-\x7e]+")
# A learnt answer larger than this is not kept in memory.
MAX_LEARNT_BODY = 2 * 2**20

RESPONSES = Counter(
    "motcua_hotpath_responses_total",
    "Requests of the WSGI hot path by route (lookup, page) and outcome: served (hot "
    "answer), throttled (hot 429), django (handed to Django).",
    ["route", "outcome"],
)
_COUNTERS = {
    (route, outcome): RESPONSES.labels(route=route, outcome=outcome)
    for route in ("lookup", "page")
    for outcome in ("served", "throttled", "django")
}

# Header values that differ per response, replaced when a learnt template is replayed.
_LENGTH, _REQUEST_ID, _WAIT = object(), object(), object()


@dataclass(frozen=True)
class Template:
    """The status line and headers of a response Django gave (``body``: for an answer
    that is the same for everyone, the 429), with the varying values marked."""

    status: str
    headers: tuple
    body: bytes | None = None


@dataclass(frozen=True)
class Visitor:
    request: WSGIRequest
    language: str
    secure: bool


class _Closing:
    """The body Django gave, read once, with Django's ``close()`` (``request_finished``)."""

    def __init__(self, body: bytes, result):
        self._body, self._result = body, result

    def __iter__(self):
        yield self._body

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if close is not None:
            close()


def _lookup_fields(environ) -> tuple[str, str] | None:
    """(code, secret) of a look-up body, or None when it is anything but exactly
    ``{"code": ..., "secret": ...}`` with printable ASCII strings of the schema's
    lengths. The body is always left readable again in ``wsgi.input``."""
    content_type = environ.get("CONTENT_TYPE", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_LOOKUP_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.keys() != {"code", "secret"}:
        return None
    code, secret = data["code"], data["secret"]
    if not (isinstance(code, str) and isinstance(secret, str)):
        return None
    if not (0 < len(code) <= 64 and 0 < len(secret) <= 16):
        return None
    if not (_PRINTABLE.fullmatch(code) and _PRINTABLE.fullmatch(secret)):
        return None
    if not code.strip():
        return None
    return code, secret


def learn(status: str, headers, request_id_header: str, body: bytes | None = None):
    """A :class:`Template` of a response Django gave, or None when it cannot be replayed
    to someone else (it sets a cookie or carries a CSP nonce)."""
    marked = []
    for name, value in headers:
        lower = name.lower()
        if lower == "set-cookie":
            return None
        if lower.startswith("content-security-policy") and "nonce-" in value:
            return None
        if lower == "content-length":
            value = _LENGTH
        elif lower == request_id_header:
            value = _REQUEST_ID
        elif lower == "retry-after":
            value = _WAIT
        marked.append((name, value))
    return Template(status=status, headers=tuple(marked), body=body)


class HotPath:
    """WSGI middleware around Django's ``app``; ``request_id(environ)`` gives the id
    ``RequestIdMiddleware`` would (the caller's when sane and trusted, else a new one)."""

    def __init__(self, app, request_id: Callable[[dict], str]):
        self.app = app
        self.request_id = request_id
        self.request_id_header = settings.MOTCUA_REQUEST_ID_HEADER.lower()
        # (kind, language, HTTPS, content type) → Template, learnt from Django's answers.
        self.templates: dict[tuple, Template] = {}

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method == "POST":
            if environ.get("PATH_INFO") == LOOKUP_PATH:
                return self._lookup(environ, start_response)
        elif method == "GET":
            match = PAGE_PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None:
                return self._page(environ, start_response, match.group(1))
        return self.app(environ, start_response)

    @cached_property
    def _language_prefixes(self) -> bool:
        return is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]

    def visitor(self, environ) -> Visitor | None:
        """The request as the middleware would see it, or None when some middleware
        could answer it otherwise than the learnt answer (Django then does)."""
        if environ.get("QUERY_STRING") or self._language_prefixes:
            return None
        if settings.DISALLOWED_USER_AGENTS or settings.PREPEND_WWW:
            return None
        request = WSGIRequest(environ)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        try:
            request.get_host()
        except DisallowedHost:
            return None
        secure = request.is_secure()
        if settings.SECURE_SSL_REDIRECT and not secure:
            return None
        return Visitor(request, translation.get_language_from_request(request), secure)

    # --- the look-up ---------------------------------------------------------------------

    def _lookup(self, environ, start_response):
        fields = _lookup_fields(environ)
        visitor = self.visitor(environ) if fields is not None else None
        if visitor is None:
            return self._django("lookup", environ, start_response)
        code, secret = fields
        language, secure = visitor.language, visitor.secure
        hits = ratelimit.lookup_hits(client_ip(visitor.request), code)
        try:
            found = ratelimit.count_and_read(
                hits,
                [lookup_cache.rendered_key(code, language), lookup_cache.generation_key(code)],
                exists=lookup_cache.cache_key(code),
            )
        except Exception as failure:  # Django counts and answers as without the hot path
            log.warning("look-up hot path: cache not read: %s", type(failure).__name__)
            return self._django("lookup", environ, start_response)
        environ[ratelimit.LOOKUP_COUNTED] = (code.strip().upper(), found.refused)
        if found.refused is not None:
            ratelimit.log_lookup_refusal(hits, found.refused[0])
            refusal = self.templates.get(("throttled", language, secure, None))
            if refusal is not None:
                _COUNTERS["lookup", "throttled"].inc()
                return self._replay(refusal, refusal.body, environ, start_response, found.refused)
            return self._django(
                "lookup", environ, start_response, learn_as=("throttled", language, secure, None)
            )
        entry, generation = found.values
        body = lookup_cache.rendered_body(entry, generation, secret) if found.exists else None
        template = self.templates.get(("lookup", language, secure, None))
        if body is not None and template is not None:
            _COUNTERS["lookup", "served"].inc()
            return self._replay(template, body, environ, start_response)

        def keep(answer: bytes) -> None:
            lookup_cache.remember_rendered(code, language, generation, secret, answer)

        return self._django(
            "lookup",
            environ,
            start_response,
            learn_as=("lookup", language, secure, None),
            keep=keep,
        )

    # --- the procedure page --------------------------------------------------------------

    def _page(self, environ, start_response, code: str):
        visitor = self.visitor(environ)
        if visitor is None:
            return self._django("page", environ, start_response)
        language, secure = visitor.language, visitor.secure
        try:
            found = ratelimit.count_and_read(
                [], [page_cache.page_key(code, language), page_cache.GENERATION_KEY]
            )
        except Exception as failure:
            log.warning("page hot path: cache not read: %s", type(failure).__name__)
            return self._django("page", environ, start_response)
        page = page_cache.cached_page(*found.values)
        if page is not None:
            template = self.templates.get(("page", language, secure, page[0]))
            if template is not None:
                _COUNTERS["page", "served"].inc()
                return self._replay(template, page[1], environ, start_response)
        return self._django("page", environ, start_response, learn_as=("page", language, secure))

    # --- answers ---------------------------------------------------------------------------

    def _replay(self, template: Template, body: bytes, environ, start_response, refused=None):
        values = {_LENGTH: str(len(body)), _REQUEST_ID: self.request_id(environ)}
        if refused is not None:
            values[_WAIT] = str(refused[1])
        headers = [(name, values.get(value, value)) for name, value in template.headers]
        start_response(template.status, headers)
        return [body]

    def _django(self, route, environ, start_response, learn_as=None, keep=None):
        """Django's answer; when ``learn_as`` names what it may be, its headers are
        learnt (and ``keep`` is given a 200's body)."""
        _COUNTERS[route, "django"].inc()
        if learn_as is None:
            return self.app(environ, start_response)
        seen = []

        def capture(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if not seen:
            return result
        status, headers = seen
        kind = learn_as[0]
        learnable = {
            "lookup": status.startswith("200 "),
            "throttled": status.startswith("429 "),
            "page": status.startswith("200 ") and bool(environ.get(page_cache.SERVED_FROM_CACHE)),
        }[kind]
        length = next((v for n, v in headers if n.lower() == "content-length"), "")
        if not learnable or not length.isdigit() or int(length) > MAX_LEARNT_BODY:
            return result
        body = b"".join(result)
        wrapped = _Closing(body, result)
        template = learn(
            status, headers, self.request_id_header, body if kind == "throttled" else None
        )
        if template is None:
            return wrapped
        if kind == "page":
            content_type = next(v for n, v in headers if n.lower() == "content-type")
            learn_as = (*learn_as, content_type)
        self.templates[learn_as] = template
        if keep is not None:
            keep(body)
        return wrapped
