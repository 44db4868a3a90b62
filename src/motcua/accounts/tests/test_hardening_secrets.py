"""Secrets only from the environment: ``MOTCUA_PRODUCTION=1`` refuses to start with a
demo secret (system checks motcua.E001/E002: ``motcua check``, ``migrate``, and the
production entry points gunicorn and Celery), and ``motcua check --deploy`` is clean with
production settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.conf.audit import DEMO_AUDIT_KEY
from motcua.conf.payments import _DEMO_HASH_SECRET
from motcua.conf.postal import DEMO_POSTAL_KEY
from motcua.conf.security import demo_secret_problems

REPO = Path(__file__).resolve().parents[4]


def env_of(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A MotCua subprocess' environment: this checkout, its own var/, SQLite, nothing
    inherited that would point it at other services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("MOTCUA_", "DATABASE_", "CELERY_", "REDIS_", "GUNICORN_", "AWS_", "DJANGO_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings",
        PYTHONPATH=str(REPO / "src"),
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


def real_secrets() -> dict[str, str]:
    return {
        "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
        "MOTCUA_PKI_PASSPHRASE": secrets.token_urlsafe(32),
        "MOTCUA_VNPAY_HASH_SECRET": secrets.token_hex(16).upper(),
        "MOTCUA_REGISTRY_API_KEY": secrets.token_urlsafe(24),
        "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(32),
        "MOTCUA_AUDIT_KEY": secrets.token_urlsafe(32),
        "MOTCUA_POSTAL_KEY": secrets.token_urlsafe(32),
    }


PRODUCTION = {"MOTCUA_PRODUCTION": "1", "MOTCUA_ALLOWED_HOSTS": "dichvucong.example.gov.vn"}


def run(tmp_path, args, **environ) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        env=env_of(tmp_path, **environ),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(tmp_path, names: list[str], **environ) -> dict:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
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


# --- The check itself (in this process) --------------------------------------------------------


def test_every_secret_set_from_the_environment_passes():
    environ = real_secrets()
    values = {
        "SECRET_KEY": environ["MOTCUA_SECRET_KEY"],
        "MOTCUA_PKI_PASSPHRASE": environ["MOTCUA_PKI_PASSPHRASE"],
        "MOTCUA_VNPAY_HASH_SECRET": environ["MOTCUA_VNPAY_HASH_SECRET"],
        "MOTCUA_REGISTRY_API_KEY": environ["MOTCUA_REGISTRY_API_KEY"],
        "MOTCUA_OIDC_CLIENT_SECRET": environ["MOTCUA_OIDC_CLIENT_SECRET"],
        "MOTCUA_AUDIT_KEY": environ["MOTCUA_AUDIT_KEY"],
        "MOTCUA_POSTAL_KEY": environ["MOTCUA_POSTAL_KEY"],
    }
    assert demo_secret_problems(environ, values) == []


@pytest.mark.parametrize(
    ("setting", "demo"),
    [
        ("MOTCUA_VNPAY_HASH_SECRET", _DEMO_HASH_SECRET),
        ("MOTCUA_REGISTRY_API_KEY", "demo-registry-key"),
        ("SECRET_KEY", "change-me-to-50-random-characters-shared-by-every-node"),
        ("MOTCUA_AUDIT_KEY", DEMO_AUDIT_KEY),
        ("MOTCUA_POSTAL_KEY", DEMO_POSTAL_KEY),
        ("MOTCUA_POSTSIM_KEY", DEMO_POSTAL_KEY),
    ],
)
def test_a_published_demo_value_is_named(setting, demo):
    environ = real_secrets()
    values = {"SECRET_KEY": "x" * 50, setting: demo}
    problems = demo_secret_problems(environ, values)
    assert problems == [f"{setting} still has the demo value published in the repository."]


def test_the_postal_simulator_is_off_in_production_and_its_key_then_unchecked(tmp_path):
    production = settings_of(tmp_path, ["MOTCUA_POSTSIM_ENABLED"], **PRODUCTION, **real_secrets())
    assert production == {"MOTCUA_POSTSIM_ENABLED": False}
    assert settings_of(tmp_path, ["MOTCUA_POSTSIM_ENABLED"]) == {"MOTCUA_POSTSIM_ENABLED": True}
    # Turned on in production, its published key is refused (motcua.E002).
    done = run(tmp_path, ["check"], **PRODUCTION, **real_secrets(), MOTCUA_POSTSIM_ENABLED="1")
    assert done.returncode != 0
    assert "MOTCUA_POSTSIM_KEY still has the demo value" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "variable",
    ["MOTCUA_SECRET_KEY", "MOTCUA_PKI_PASSPHRASE", "MOTCUA_OIDC_CLIENT_SECRET", "MOTCUA_AUDIT_KEY"],
)
def test_a_secret_made_up_in_var_or_derived_must_come_from_the_environment(variable):
    environ = real_secrets()
    del environ[variable]
    problems = demo_secret_problems(environ, {"SECRET_KEY": "x" * 50})
    assert len(problems) == 1 and problems[0].startswith(f"{variable} is not set")


# --- Starting a process --------------------------------------------------------------------------


DEMO_SECRET_PROBLEMS = (
    "(motcua.E001) MOTCUA_PRODUCTION=1 refuses demo secrets: MOTCUA_PKI_PASSPHRASE is not set",
    "(motcua.E001) MOTCUA_PRODUCTION=1 refuses demo secrets: MOTCUA_OIDC_CLIENT_SECRET is not set",
    "(motcua.E001) MOTCUA_PRODUCTION=1 refuses demo secrets: MOTCUA_AUDIT_KEY is not set",
    "(motcua.E002) MOTCUA_PRODUCTION=1 refuses demo secrets: MOTCUA_VNPAY_HASH_SECRET still has",
    "(motcua.E002) MOTCUA_PRODUCTION=1 refuses demo secrets: MOTCUA_REGISTRY_API_KEY still has",
    "(motcua.E002) MOTCUA_PRODUCTION=1 refuses demo secrets: MOTCUA_POSTAL_KEY still has",
)


def assert_refused_for_demo_secrets(done: subprocess.CompletedProcess) -> None:
    assert done.returncode != 0
    for problem in DEMO_SECRET_PROBLEMS:
        assert problem in done.stderr, done.stderr
    assert "MOTCUA_SECRET_KEY is not set" not in done.stderr
    # The postal simulator is off in production, so its own key is not checked.
    assert "MOTCUA_POSTSIM_KEY" not in done.stderr


def test_production_refuses_to_start_with_demo_secrets(tmp_path):
    done = run(tmp_path, ["check"], **PRODUCTION, MOTCUA_SECRET_KEY=secrets.token_urlsafe(50))
    assert "SystemCheckError" in done.stderr
    assert_refused_for_demo_secrets(done)
    # migrate (deploy/run_stack.py's first step) runs the checks too.
    assert_refused_for_demo_secrets(
        run(tmp_path, ["migrate"], **PRODUCTION, MOTCUA_SECRET_KEY=secrets.token_urlsafe(50))
    )


@pytest.mark.parametrize(
    "command",
    [
        # What gunicorn does (deploy/gunicorn.conf.py): it runs no system check itself.
        ["-c", "import motcua.wsgi"],
        # The Celery worker and beat stop before they reach the broker.
        ["-m", "celery", "-A", "motcua.celery:app", "worker", "--pool", "solo"],
        ["-m", "celery", "-A", "motcua.celery:app", "beat"],
    ],
    ids=["wsgi", "celery-worker", "celery-beat"],
)
def test_the_production_entry_points_refuse_demo_secrets(tmp_path, command):
    done = subprocess.run(
        [sys.executable, *command],
        env=env_of(
            tmp_path,
            **PRODUCTION,
            MOTCUA_SECRET_KEY=secrets.token_urlsafe(50),
            CELERY_BROKER_URL="memory://",
        ),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "refuses to start" in done.stderr
    assert_refused_for_demo_secrets(done)


def test_the_production_entry_points_start_with_real_secrets(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import motcua.wsgi; print('loaded')"],
        env=env_of(tmp_path, **PRODUCTION, **real_secrets()),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded"


def test_the_zero_setup_mode_keeps_its_demo_secrets(tmp_path):
    found = settings_of(tmp_path, ["MOTCUA_VNPAY_HASH_SECRET", "MOTCUA_REGISTRY_API_KEY"])
    assert found == {
        "MOTCUA_VNPAY_HASH_SECRET": _DEMO_HASH_SECRET,
        "MOTCUA_REGISTRY_API_KEY": "demo-registry-key",
    }


def test_a_local_production_stack_on_plain_http_may_opt_into_demo_secrets(tmp_path):
    opted = settings_of(
        tmp_path,
        ["MOTCUA_PRODUCTION"],
        **PRODUCTION,
        MOTCUA_HTTPS="0",
        MOTCUA_ALLOW_DEMO_SECRETS="1",
    )
    assert opted == {"MOTCUA_PRODUCTION": True}
    # Never once the site is public over HTTPS.
    done = run(tmp_path, ["check"], **PRODUCTION, MOTCUA_ALLOW_DEMO_SECRETS="1")
    assert (
        done.returncode != 0 and "(motcua.E001)" in done.stderr and "(motcua.E002)" in done.stderr
    )


def test_production_settings_harden_cookies_transport_and_the_provider(tmp_path):
    found = settings_of(
        tmp_path,
        [
            "SECURE_HSTS_SECONDS",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE",
            "CONTENT_SECURITY_POLICY",
            "OAUTH2_PROVIDER",
        ],
        **PRODUCTION,
        **real_secrets(),
    )
    assert found["SECURE_HSTS_SECONDS"] == 31536000 and found["SECURE_SSL_REDIRECT"] is True
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert found["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"] is True
    assert found["OAUTH2_PROVIDER"]["REFRESH_TOKEN_REUSE_PROTECTION"] is True
    assert found["OAUTH2_PROVIDER"]["ALLOWED_REDIRECT_URI_SCHEMES"] == ["https"]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = run(tmp_path, ["check", "--deploy"], **PRODUCTION, **real_secrets())
    output = done.stdout + done.stderr
    # Only HSTS preload remains: submitting the domain to the browsers' preload list is
    # the domain owner's decision and cannot be undone quickly (docs/SECURITY.md).
    assert set(re.findall(r"\((\w+\.[EW]\d+)\)", output)) == {"security.W021"}, output
    assert done.returncode == 0, output
