"""One public address: ``MOTCUA_PUBLIC_URL`` alone points the identity provider, the
payment gateway, the registry and postal simulators, the QR/verification links and the
host checks at the site (each still overridable); ``make run PORT=…`` sets it; ``make
run`` shows a visitor who mistypes an address the site's 404, not Django's debug page."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DERIVED = [
    "MOTCUA_OIDC_DISCOVERY_URL",
    "MOTCUA_VNPAY_PAY_URL",
    "MOTCUA_VNPAY_API_URL",
    "MOTCUA_REGISTRY_BASE_URL",
    "MOTCUA_POSTAL_URL",
    "MOTCUA_RESULTS_DEFAULT_BASE_URL",
    "MOTCUA_PORTAL_PUBLIC_URL",
    "MOTCUA_NOTIFICATIONS_SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
]


def env_of(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A MotCua subprocess' environment: this checkout, its own var/, nothing inherited
    that would point it elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MOTCUA_", "DATABASE_", "CELERY_", "REDIS_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings",
        PYTHONPATH=str(REPO / "src"),
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


def settings_of(tmp_path, **environ) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {DERIVED!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env_of(tmp_path, **environ),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_it_everything_points_at_port_8000(tmp_path):
    values = settings_of(tmp_path)
    assert values["MOTCUA_OIDC_DISCOVERY_URL"] == (
        "http://127.0.0.1:8000/idp/.well-known/openid-configuration"
    )
    assert values["MOTCUA_REGISTRY_BASE_URL"] == "http://127.0.0.1:8000/mo-phong/csdl/"
    assert values["MOTCUA_RESULTS_DEFAULT_BASE_URL"] == "http://127.0.0.1:8000"
    # The request's own address is used for receipts and QR codes.
    assert values["MOTCUA_PORTAL_PUBLIC_URL"] == ""
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "testserver"]


def test_the_public_address_alone_derives_every_address(tmp_path):
    values = settings_of(tmp_path, MOTCUA_PUBLIC_URL="https://dichvucong.bacninh.example/")
    base = "https://dichvucong.bacninh.example"
    assert values["MOTCUA_OIDC_DISCOVERY_URL"] == f"{base}/idp/.well-known/openid-configuration"
    assert values["MOTCUA_VNPAY_PAY_URL"] == f"{base}/mo-phong/thanh-toan/paymentv2/vpcpay.html"
    assert values["MOTCUA_VNPAY_API_URL"] == (
        f"{base}/mo-phong/thanh-toan/merchant_webapi/api/transaction"
    )
    assert values["MOTCUA_REGISTRY_BASE_URL"] == f"{base}/mo-phong/csdl/"
    assert values["MOTCUA_POSTAL_URL"] == f"{base}/mo-phong/buu-chinh/"
    assert values["MOTCUA_RESULTS_DEFAULT_BASE_URL"] == base
    assert values["MOTCUA_PORTAL_PUBLIC_URL"] == base
    assert values["MOTCUA_NOTIFICATIONS_SITE_URL"] == base
    assert "dichvucong.bacninh.example" in values["ALLOWED_HOSTS"]
    assert base in values["CSRF_TRUSTED_ORIGINS"]


def test_each_address_keeps_its_own_variable(tmp_path):
    values = settings_of(
        tmp_path,
        MOTCUA_PUBLIC_URL="http://127.0.0.1:8123",
        MOTCUA_OIDC_DISCOVERY_URL="https://vneid.example/.well-known/openid-configuration",
        MOTCUA_VNPAY_PAY_URL="https://sandbox.vnpayment.example/paymentv2/vpcpay.html",
    )
    assert values["MOTCUA_OIDC_DISCOVERY_URL"].startswith("https://vneid.example/")
    assert values["MOTCUA_VNPAY_PAY_URL"].startswith("https://sandbox.vnpayment.example/")
    assert values["MOTCUA_REGISTRY_BASE_URL"] == "http://127.0.0.1:8123/mo-phong/csdl/"
    assert values["CSRF_TRUSTED_ORIGINS"] == ["http://127.0.0.1:8123"]


@pytest.mark.django_db
def test_setup_idp_registers_the_public_address_and_its_localhost_twin(settings):
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    settings.MOTCUA_PUBLIC_URL = "http://127.0.0.1:8123"
    call_command("setup_idp", stdout=open(os.devnull, "w"))
    application = get_application_model().objects.get(client_id=settings.MOTCUA_OIDC_CLIENT_ID)
    uris = application.redirect_uris.split()
    assert "http://127.0.0.1:8123/cong-dan/dang-nhap/hoan-tat/" in uris
    assert "http://localhost:8123/cong-dan/dang-nhap/hoan-tat/" in uris
    assert not any(":8000" in uri for uri in uris)


# --- The Makefile ---------------------------------------------------------------------------


def make_n(*args: str) -> str:
    done = subprocess.run(
        ["make", "-n", *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_serves_on_the_port_asked_for_without_debug():
    out = make_n("run", "PORT=8123")
    serve = [line for line in out.splitlines() if "runserver" in line][-1]
    assert "127.0.0.1:8123" in serve and "--insecure" in serve
    assert "MOTCUA_DEBUG=1" not in serve and 'MOTCUA_DEBUG="${MOTCUA_DEBUG:-0}"' in serve


def test_make_run_exports_the_public_address_of_its_port():
    script = REPO / "Makefile"
    text = script.read_text()
    assert re.search(r"^MOTCUA_PUBLIC_URL \?= http://\$\(HOST\):\$\(PORT\)$", text, re.M)
    assert "run: export MOTCUA_PUBLIC_URL := $(MOTCUA_PUBLIC_URL)" in text


def test_make_install_installs_the_ci_packages_or_stops_with_the_command():
    out = make_n("system-packages")
    assert ".ci/apt-packages" in out
    assert "apt-get install -y -qq" in out  # as root
    assert "sudo apt-get install -y" in out and "exit 1" in out  # otherwise: stop
    assert (
        "npm install --no-save --no-audit --no-fund --prefix var/npm axe-core@4"
        in (REPO / "Makefile").read_text()
    )
    ci = (REPO / ".ci" / "run").read_text()
    assert "apt-get" not in ci and "npm install" not in ci  # no set-up the README lacks


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_served_site_answers_a_mistyped_address_with_its_own_404(tmp_path):
    """What ``make run`` starts (runserver --insecure, DEBUG off): a visitor gets the
    Vietnamese 404, never Django's debug page, and the static files are still served."""
    port = _free_port()
    env = env_of(tmp_path, MOTCUA_PUBLIC_URL=f"http://127.0.0.1:{port}", MOTCUA_DEBUG="0")
    server = subprocess.Popen(
        [sys.executable, "-m", "motcua", "runserver", "--insecure", "--noreload"]
        + [f"127.0.0.1:{port}"],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Until it listens: a loaded machine (CI runs two suites at once) may take more
        # than 20 s to start Django.
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/static/portal/portal.css", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, f"runserver exited ({server.returncode})"
                assert time.monotonic() < deadline, "runserver not listening after 120 s"
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/thu-tuc/go-nham-dia-chi/khong-co/", timeout=10)
        assert missing.value.code == 404
        html = missing.value.read().decode()
        assert "Không tìm thấy trang bạn cần" in html
        assert "Page not found" not in html and "URLconf" not in html
        css = urllib.request.urlopen(f"{base}/static/portal/portal.css", timeout=10)
        assert css.status == 200
        sw = urllib.request.urlopen(f"{base}/sw.js", timeout=10)
        assert sw.headers["Service-Worker-Allowed"] == "/"
    finally:
        server.terminate()
        server.wait(timeout=10)
