"""Security middleware: the Content-Security-Policy header and idle session expiry.

Both are configured in ``motcua/conf/security.py`` and described in docs/SECURITY.md.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpResponse
from django.utils.translation import gettext as _

# Session keys (the session is the portal's; the identity provider keeps its own).
LAST_SEEN = "_motcua_last_seen"
KIND = "_motcua_session_kind"
OFFICER, CITIZEN = "officer", "citizen"
# The last-seen time is written at most this often (one session write per minute).
TOUCH_EVERY_S = 60


# The settings naming where a form post may be redirected (the payment gateway, the
# identity provider's end-session endpoint, the portal's OpenID Connect callback).
FORM_REDIRECT_SETTINGS = (
    "MOTCUA_VNPAY_PAY_URL",
    "MOTCUA_OIDC_DISCOVERY_URL",
    "MOTCUA_OIDC_REDIRECT_URI",
)


def origin_of(url: str) -> str | None:
    """``https://host:port`` of an absolute URL, or None for a relative or empty one."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def form_redirect_origins() -> list[str]:
    found: list[str] = []
    for name in FORM_REDIRECT_SETTINGS:
        origin = origin_of(getattr(settings, name, ""))
        if origin and origin not in found:
            found.append(origin)
    return found


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the origins forms are redirected to, per-path
    additions, and no policy on PDF responses.

    ``form-action`` gets the origins of :data:`FORM_REDIRECT_SETTINGS`, read on every
    request. ``MOTCUA_CSP_PATH_UPDATES`` maps a path prefix to directives added to the
    policy there. PDFs (receipts, results, the personal data store's files) get no
    policy: browsers show them in their own viewer, which a document policy can only break.
    """

    # The response attributes of django-csp's decorators (a policy of its own for a view).
    VIEW_POLICY = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )
    EXEMPT = {HEADER: "_csp_exempt", HEADER_REPORT_ONLY: "_csp_exempt_ro"}
    _built: dict = {}  # see process_response

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/pdf"):
            return response
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in self.VIEW_POLICY
        ):
            return super().process_response(request, response)
        # No nonce and no policy of the view's own: the headers depend only on the
        # settings and on what the path adds or excludes, so django-csp builds them once
        # for each (it took 0.1 ms of every request, the API's included).
        policies = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        path = request.path_info
        prefixes = [
            *settings.MOTCUA_CSP_PATH_UPDATES,
            *((policies[0] or {}).get("EXCLUDE_URL_PREFIXES") or ()),
            *((policies[1] or {}).get("EXCLUDE_URL_PREFIXES") or ()),
        ]
        key = (
            tuple(map(id, policies)),
            tuple(form_redirect_origins()),
            tuple(prefix for prefix in prefixes if path.startswith(prefix)),
            settings.DEBUG and response.status_code in (404, 500),
        )
        kept = self._built.get(key)
        if kept is None or any(a is not b for a, b in zip(kept[0], policies, strict=True)):
            probe = HttpResponse(status=response.status_code)
            super().process_response(request, probe)  # also guards a late nonce
            kept = (policies, [(h, probe[h]) for h in self.EXEMPT if h in probe])
            if len(self._built) >= 256:
                self._built.clear()
            self._built[key] = kept
        else:
            # As django-csp does once the headers are written: a later nonce is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        for header, value in kept[1]:
            if header not in response and not getattr(response, self.EXEMPT[header], False):
                response[header] = value
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        additions = [{"form-action": form_redirect_origins()}]
        path = request.path_info
        for prefix, directives in settings.MOTCUA_CSP_PATH_UPDATES.items():
            if path.startswith(prefix):
                additions.append(directives)
        update = dict(parts.update or {})
        for directives in additions:
            for name, sources in directives.items():
                update[name] = [*update.get(name, []), *sources]
        parts.update = update
        return parts


def session_kind(user) -> str:
    """``officer`` for staff and anyone holding an agency membership, else ``citizen``."""
    memberships = getattr(user, "memberships", None)
    if user.is_staff or (memberships is not None and memberships.exists()):
        return OFFICER
    return CITIZEN


def idle_limit_s(kind: str) -> int:
    minutes = (
        settings.MOTCUA_OFFICER_SESSION_IDLE_MINUTES
        if kind == OFFICER
        else settings.MOTCUA_CITIZEN_SESSION_IDLE_MINUTES
    )
    return int(minutes) * 60


class SessionIdleTimeoutMiddleware:
    """End a signed-in session after a while without a request.

    Officers (``MOTCUA_OFFICER_SESSION_IDLE_MINUTES``, 30) get a cookie that ends with
    the browser too; citizens (``MOTCUA_CITIZEN_SESSION_IDLE_MINUTES``, 60) one that
    lasts as long as their idle limit. A session idle for longer is signed out before
    the view runs, so the view answers as for an anonymous visitor (the sign-in page),
    with a message saying why. Sessions without a signed-in user are not touched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and auth.SESSION_KEY in session:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = int(time.time())
        kind = session.get(KIND)
        if kind not in (OFFICER, CITIZEN):
            user = request.user
            if not user.is_authenticated:
                return
            kind = session[KIND] = session_kind(user)
            # 0: the cookie ends with the browser; else it lasts the idle limit, renewed
            # with every write of the last-seen time.
            session.set_expiry(0 if kind == OFFICER else idle_limit_s(kind))
        limit = idle_limit_s(kind)
        last_seen = session.get(LAST_SEEN)
        if isinstance(last_seen, int) and now - last_seen > limit:
            auth.logout(request)
            messages.info(
                request,
                _(
                    "Phiên đăng nhập đã hết hạn vì không thao tác trong %(minutes)s phút. "
                    "Vui lòng đăng nhập lại."
                )
                % {"minutes": limit // 60},
            )
            return
        if not isinstance(last_seen, int) or now - last_seen >= TOUCH_EVERY_S:
            session[LAST_SEEN] = now
