"""The portal as an installable web app (motcua.portal.pwa): the manifest, the service
worker at the root scope, the offline page, the favicon, and the policy allowing them."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def served(client, url: str) -> bytes | None:
    """The body at ``url``: a static file as whitenoise/collectstatic would serve it (the
    test client serves none), any other address through the site."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    static_url = "/" + settings.STATIC_URL.lstrip("/")
    if url.startswith(static_url):
        found = finders.find(url[len(static_url) :])
        return open(found, "rb").read() if found else None
    response = client.get(url)
    return response.content if response.status_code == 200 else None


def test_the_manifest_names_the_portal_and_its_icons(client, settings):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == settings.MOTCUA_PWA_NAME == "Dịch vụ công MotCua"
    assert manifest["lang"] == "vi" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/ho-so/"  # "Hồ sơ của tôi"
    assert manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:  # every icon is served
        assert served(client, icon["src"]), icon["src"]


def test_the_icons_are_real_pngs_of_their_size(client):
    from io import BytesIO

    from PIL import Image

    for size in (192, 512):
        body = served(client, f"/static/portal/icons/icon-{size}.png")
        assert Image.open(BytesIO(body)).size == (size, size)


def test_the_service_worker_is_served_from_the_root_with_its_scope_header(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    # It precaches the offline page and the shell, and knows "Hồ sơ của tôi".
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body)[1])
    assert "/ngoai-tuyen/" in precache and "/static/portal/portal.css" in precache
    assert "/ho\\u002Dso/" in body
    assert "Bạn đang ngoại tuyến – trạng thái cập nhật lúc" in body
    # Signing in and out clear the personal copies.
    assert "/cong-dan/dang-xuat/" in body and "/cong-dan/dang-nhap/hoan-tat/" in body
    # The version follows the content: the same content, the same version.
    version = re.search(r'var VERSION = "([0-9a-f]{12})"', body)[1]
    assert version in client.get("/sw.js").content.decode()


def test_every_precached_address_is_served(client):
    body = client.get("/sw.js").content.decode()
    for url in json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body)[1]):
        assert served(client, url), url


def test_the_offline_page_shows_nobodys_name(client, citizen):
    client.force_login(citizen)
    response = client.get("/ngoai-tuyen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bạn đang ngoại tuyến" in html and 'href="/ho-so/"' in html
    assert citizen.full_name not in html
    assert "csrfmiddlewaretoken" not in html


def test_every_page_links_the_manifest_the_favicon_and_the_worker_script(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "portal/icons/favicon.svg" in html
    assert re.search(r'<script src="/static/portal/pwa.js" defer data-sw="/sw.js"', html)
    assert 'data-text-saved="Đã lưu bản nháp, sẽ gửi khi có mạng."' in html


def test_the_favicon_at_the_root_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/portal/icons/favicon.ico")


def test_the_policy_allows_the_worker_and_the_manifest_from_this_site_only():
    policy = Client().get("/")["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["worker-src"] == "'self'"
    assert directives["manifest-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # still no inline script


def _owner_attribute(html: str) -> str:
    return re.search(r'<script src="/static/portal/pwa.js"[^>]* data-owner="([^"]*)"', html)[1]


def test_pages_tag_offline_drafts_with_an_opaque_owner_of_the_signed_in_user(
    client, citizen, django_user_model
):
    """pwa.js keeps an unsent e-form tagged with the signed-in user, so that another user
    of the device never sends or sees it; the tag names nobody."""
    assert _owner_attribute(Client().get("/").content.decode()) == ""
    client.force_login(citizen)
    owner = _owner_attribute(client.get("/").content.decode())
    assert re.fullmatch(r"[0-9a-f]{24}", owner)
    assert owner == _owner_attribute(client.get("/ho-so/").content.decode())
    for personal in (citizen.username, citizen.full_name):
        assert personal not in owner
    other = django_user_model.objects.create_user(username="nguoi-khac", password="x" * 20)
    other_client = Client()
    other_client.force_login(other)
    assert _owner_attribute(other_client.get("/").content.decode()) not in ("", owner)
    # The offline page is cached for whoever uses the device next: it names no owner.
    assert _owner_attribute(client.get("/ngoai-tuyen/").content.decode()) == ""


def test_the_page_script_never_keeps_the_csrf_token_and_expires_drafts(client):
    script = served(client, "/static/portal/pwa.js").decode()
    assert "name !== CSRF_FIELD" in script and "currentCsrfToken()" in script
    assert "DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000" in script
