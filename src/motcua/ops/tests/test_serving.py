"""The production settings and server: gunicorn with deploy/gunicorn.conf.py serves the
probes and the hashed, compressed static files; ``check --deploy`` is clean."""

import json
import re
import secrets
import subprocess
import sys

import requests

from .conftest import REPO, free_port, stop, subprocess_env, wait_until

PRODUCTION = {
    "MOTCUA_PRODUCTION": "1",
    "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
    # Production refuses the demo secrets (system checks motcua.E001/E002, run by wsgi.py).
    "MOTCUA_PKI_PASSPHRASE": secrets.token_urlsafe(32),
    "MOTCUA_VNPAY_HASH_SECRET": secrets.token_urlsafe(32),
    "MOTCUA_REGISTRY_API_KEY": secrets.token_urlsafe(32),
    "MOTCUA_OIDC_CLIENT_SECRET": secrets.token_urlsafe(32),
    "MOTCUA_AUDIT_KEY": secrets.token_urlsafe(32),
    "MOTCUA_POSTAL_KEY": secrets.token_urlsafe(32),
}


def test_gunicorn_serves_the_probes_and_static_files(tmp_path):
    port = free_port()
    env = subprocess_env(
        tmp_path,
        **PRODUCTION,
        MOTCUA_HTTPS="0",  # plain HTTP on the loopback, as behind a TLS proxy
        MOTCUA_STATIC_ROOT=str(tmp_path / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
    )
    # The admin's and the bundled provider's files are left out to keep the test quick.
    subprocess.run(
        [sys.executable, "-m", "motcua", "collectstatic", "--noinput", "-v0"]
        + ["-i", "admin", "-i", "oauth2_provider"],
        env=env,
        cwd=REPO,
        check=True,
        timeout=120,
    )
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["portal/portal.css"]
    assert hashed != "portal/portal.css"

    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{base}/healthz", timeout=1).ok, 60, "gunicorn", server)
        health = requests.get(f"{base}/healthz", headers={"X-Request-ID": "lb-check-1"})
        assert health.json() == {"status": "ok"}
        assert health.headers["X-Request-ID"] == "lb-check-1"

        css = requests.get(f"{base}/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        assert css.status_code == 200
        assert css.headers["Content-Type"].startswith("text/css")
        assert css.headers["Content-Encoding"] == "gzip"
        assert "immutable" in css.headers["Cache-Control"]
        assert css.text == (REPO / "src/motcua/portal/static/portal/portal.css").read_text()
    finally:
        stop(server)
        log.close()
    access = (tmp_path / "gunicorn.log").read_text()
    assert '"GET /healthz HTTP/1.1" 200' in access
    assert "request_id=lb-check-1" in access


def _json_of(tmp_path, script: str, **environ):
    """What ``script`` prints as JSON, run by a fresh interpreter in ``environ``."""
    run = subprocess.run(
        [sys.executable, "-c", script],
        env=subprocess_env(tmp_path, **environ),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _settings_of(tmp_path, names: list[str], **environ) -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    return _json_of(tmp_path, script, **environ)


def test_zero_setup_defaults_need_no_service(tmp_path):
    found = _settings_of(
        tmp_path, ["CACHES", "STORAGES", "CELERY_TASK_ALWAYS_EAGER", "SESSION_COOKIE_SECURE"]
    )
    assert found["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert found["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert found["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    assert found["CELERY_TASK_ALWAYS_EAGER"] is True
    assert found["SESSION_COOKIE_SECURE"] is False


def test_production_settings_from_the_environment(tmp_path):
    found = _settings_of(
        tmp_path,
        ["CACHES", "STORAGES", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DATABASES"]
        + ["SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"],
        **PRODUCTION,
        DATABASE_URL="postgres://motcua:mk@db:5432/motcua",
        REDIS_URL="redis://cache:6379/0",
        CELERY_BROKER_URL="amqp://motcua:mk@mq:5672//",
        MOTCUA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="ho-so",
        AWS_S3_ENDPOINT_URL="https://s3.tinh.gov.vn",
    )
    assert found["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/0"
    assert found["CELERY_TASK_ALWAYS_EAGER"] is False
    default = found["DATABASES"]["default"]
    assert default["ENGINE"] == "django_prometheus.db.backends.postgresql"
    assert (default["CONN_MAX_AGE"], default["CONN_HEALTH_CHECKS"]) == (60, True)
    # Parameters bound by the server, frequent statements prepared (issue #21).
    assert default["OPTIONS"]["server_side_binding"] is True
    assert default["OPTIONS"]["prepare_threshold"] == 5
    s3 = found["STORAGES"]["default"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "ho-so"
    assert s3["OPTIONS"]["file_overwrite"] is False and s3["OPTIONS"]["default_acl"] is None
    assert found["STORAGES"]["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert found["SECURE_SSL_REDIRECT"] is True and found["SECURE_HSTS_SECONDS"] == 31536000
    assert found["SESSION_COOKIE_SECURE"] is True


def test_prepared_statements_can_be_turned_off_for_an_old_pgbouncer(tmp_path):
    found = _settings_of(
        tmp_path,
        ["DATABASES"],
        DATABASE_URL="postgres://motcua:mk@db:5432/motcua",
        MOTCUA_DB_PREPARED_STATEMENTS="0",
    )
    options = found["DATABASES"]["default"].get("OPTIONS", {})
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_check_deploy_leaves_only_hsts_preload_and_the_oauth_provider(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "motcua", "check", "--deploy"],
        env=subprocess_env(tmp_path, **PRODUCTION),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = run.stdout + run.stderr
    # HSTS preload is the domain owner's irreversible decision (MOTCUA_HSTS_PRELOAD=1);
    # the provider's OAuth warnings belong to motcua.idp's settings.
    assert set(re.findall(r"\((\w+\.[EW]\d+)\)", output)) <= {
        "security.W021",
        "oauth2_provider.W007",
        "oauth2_provider.W008",
    }, output
    assert "security.W021" in output


def _gc_after_hooks(tmp_path, **environ) -> dict:
    """gunicorn.conf.py's hooks run as gunicorn runs them (the master's ``when_ready``,
    then a worker's ``post_worker_init``), in a fresh interpreter."""
    script = (
        "import gc, json, runpy; "
        f"conf = runpy.run_path({str(REPO / 'deploy' / 'gunicorn.conf.py')!r}); "
        "before = gc.get_freeze_count(); conf['when_ready'](None); "
        "master = gc.get_freeze_count(); conf['post_worker_init'](None); "
        "print(json.dumps({'before': before, 'master': master, "
        "'worker': gc.get_freeze_count(), 'threshold': gc.get_threshold()}))"
    )
    return _json_of(tmp_path, script, **environ)


def test_workers_freeze_what_loading_made_and_collect_less_often(tmp_path):
    shipped = _gc_after_hooks(tmp_path)
    # Preloaded (the default): frozen in the master, before the fork.
    assert shipped["before"] == 0 and shipped["master"] > 0
    assert shipped["worker"] == shipped["master"]
    assert shipped["threshold"] == [50000, 20, 100]

    unloaded = _gc_after_hooks(tmp_path, GUNICORN_PRELOAD="0", GUNICORN_GC_THRESHOLD="")
    # Without preload each worker loads the application itself and freezes it then;
    # an empty threshold keeps Python's own.
    assert unloaded["master"] == 0 and unloaded["worker"] > 0
    assert unloaded["threshold"] == [700, 10, 10]
