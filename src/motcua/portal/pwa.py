"""The portal as an installable web app: the manifest, the service worker and the page
shown offline (``docs/DEPLOY.md``, "Installable on a phone").

- ``/manifest.webmanifest``: name, icons (192/512 PNG, maskable), start at "Hồ sơ của tôi".
- ``/sw.js``: the service worker, served from the root so that its scope is the whole
  site (``Service-Worker-Allowed: /``), never cached by the browser's HTTP cache (a new
  version is picked up on the next visit). It is a template: the static files' addresses
  (hashed in production) and its Vietnamese texts come from Django; its version is the
  hash of its content, so every change replaces the old caches.
- ``/ngoai-tuyen/``: the offline page, precached. It stands alone (no signed-in user in
  the header) because it is cached for whoever uses the device next.

What the worker does is in ``portal/templates/portal/sw.js``; the page side (install,
offline drafts, clearing caches on sign-out) in ``portal/static/portal/pwa.js``.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

VERSION_MARKER = "__MOTCUA_SW_VERSION__"


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": settings.MOTCUA_PWA_NAME,
        "short_name": settings.MOTCUA_PWA_SHORT_NAME,
        "description": _(
            "Nộp hồ sơ, theo dõi tình trạng và nhận kết quả thủ tục hành chính trực tuyến."
        ),
        "lang": "vi",
        "dir": "ltr",
        "id": "/",
        "start_url": reverse("portal:my_dossiers"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#a50e0e",
        "icons": [
            {"src": static("portal/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("portal/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("portal/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("portal/icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
        "shortcuts": [
            {"name": _("Hồ sơ của tôi"), "url": reverse("portal:my_dossiers")},
            {"name": _("Tra cứu hồ sơ"), "url": reverse("portal:lookup")},
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/manifest+json; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    precache = [
        reverse("portal:offline"),
        static("portal/portal.css"),
        static("portal/pwa.js"),
        static("portal/icons/favicon.svg"),
        static("portal/icons/icon-192.png"),
    ]
    body = render_to_string(
        "portal/sw.js",
        {
            "version": VERSION_MARKER,
            "precache_json": json.dumps(precache),
            "offline_url": reverse("portal:offline"),
            "my_dossiers_url": reverse("portal:my_dossiers"),
            "static_url": settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else "/" + settings.STATIC_URL,
            "sign_in_paths_json": json.dumps(_paths("citizen:callback", "login")),
            "sign_out_paths_json": json.dumps(_paths("citizen:logout", "logout")),
        },
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    response = HttpResponse(
        body.replace(VERSION_MARKER, version),
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _paths(*names: str) -> list[str]:
    from django.urls import NoReverseMatch

    paths = []
    for name in names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:  # the citizen sign-in may be turned off
            pass
    return paths


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("portal/offline.html"))
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says."""
    return redirect(static("portal/icons/favicon.ico"), permanent=True)
