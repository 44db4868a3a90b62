"""/healthz and /readyz answer load balancers: by address, in plain HTTP, in JSON."""

import pytest

from .conftest import free_port


def test_healthz_answers_without_the_database_whatever_the_host(client):
    # No django_db mark: a query would fail the test ("Database access not allowed").
    response = client.get("/healthz", HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_reports_each_check(client):
    response = client.get("/readyz", HTTP_HOST="10.0.3.17")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache"}  # no broker, no replica configured
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "motcua.lib.rediscache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"] == {
        "ok": False,
        "ms": body["checks"]["cache"]["ms"],
        "error": "ConnectionError",
    }


@pytest.mark.django_db
def test_readyz_checks_the_broker_when_one_is_configured(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.django_db
def test_readyz_on_redis_with_a_live_broker(client, settings, redis_cache, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/readyz")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache", "broker"}


@pytest.mark.django_db
def test_readyz_can_write_and_read_the_file_storage(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MOTCUA_READYZ_STORAGE = True
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"]["ok"] is True
    assert not list(tmp_path.rglob("readyz-*"))  # the probe file is removed


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    assert client.get("/healthz").status_code == 200
    page = client.get("/tra-cuu/")
    assert page.status_code == 301
    assert page["Location"].startswith("https://")
