"""One settings module; everything comes from the environment with safe defaults.

No variable set means: SQLite in ``var/``, files in ``var/media``, a per-process cache,
jobs run from cron or commands, DEBUG off. ``DATABASE_URL=postgres://...`` switches to
PostgreSQL; ``MOTCUA_PRODUCTION=1`` turns on the production defaults (HTTPS-only cookies,
HSTS, compressed static files with hashed names, persistent database connections).

Every variable is read through ``motcua/conf/env.py`` with a description, and listed in
``docs/ENVIRONMENT.md`` (``motcua env_reference`` writes it). The values the other files
share (folders, ``MOTCUA_PRODUCTION``, ``MOTCUA_HTTPS``, the time zone) are in
``motcua/conf/base.py``; settings owned by single apps in ``motcua/conf/*.py``, imported
at the end. What would refuse to start (a demo secret in production, a bad value) is a
system check, ``motcua.E001``–``E004`` in ``motcua/conf/checks.py``, which production's
gunicorn and Celery run at start-up.
"""

import os

import dj_database_url
from django.utils.translation import gettext_lazy as _

# Folders, DEBUG, the production switches and the time zone (the conf files use them too).
from motcua.conf.base import (  # noqa: F401
    BASE_DIR,
    DEBUG,
    MOTCUA_HTTPS,
    MOTCUA_PRODUCTION,
    MOTCUA_PUBLIC_URL,
    TIME_ZONE,
    VAR_DIR,
)
from motcua.conf.env import declare, env_bool, env_int, env_list, env_path, env_str


def s3_storage_options(environ) -> dict:
    """The OPTIONS of django-storages' S3Storage read from ``environ`` (``MOTCUA_STORAGE=s3``).

    Files are private (no ACL, signed URLs) and never overwritten: a second file of the
    same name gets a new name, as on the local disk.
    """
    endpoint = environ.get("AWS_S3_ENDPOINT_URL") or None
    options = {
        "bucket_name": environ.get("AWS_STORAGE_BUCKET_NAME", "motcua"),
        "endpoint_url": endpoint,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "location": environ.get("AWS_LOCATION", ""),
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
        # S3-compatible servers (MinIO, Ceph, moto) want path-style addresses.
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE")
        or ("path" if endpoint else None),
        "signature_version": environ.get("AWS_S3_SIGNATURE_VERSION", "s3v4"),
    }
    for option, name in (
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ):
        if environ.get(name):  # else boto3 finds credentials itself (instance role, ~/.aws)
            options[option] = environ[name]
    return options


for _name, _default, _description in (
    ("AWS_STORAGE_BUCKET_NAME", "motcua", "The bucket of the files, with MOTCUA_STORAGE=s3."),
    ("AWS_S3_ENDPOINT_URL", "", "An S3-compatible server's address (MinIO, Ceph); empty: AWS."),
    ("AWS_S3_REGION_NAME", "", "The bucket's region."),
    ("AWS_LOCATION", "", "A folder inside the bucket under which every file is kept."),
    ("AWS_QUERYSTRING_EXPIRE", "300", "Seconds a signed download address stays valid."),
    ("AWS_S3_ADDRESSING_STYLE", "", "virtual or path (default: path with an endpoint)."),
    ("AWS_S3_SIGNATURE_VERSION", "s3v4", "The request signature version."),
    ("AWS_ACCESS_KEY_ID", "", "The access key; unset: boto3 finds credentials itself."),
    ("AWS_SECRET_ACCESS_KEY", "", "The secret key going with AWS_ACCESS_KEY_ID."),
):
    declare(_name, _default, _description + " (S3 storage)", module="motcua.settings")

SECRET_KEY = (
    env_str(
        "MOTCUA_SECRET_KEY",
        "",
        "Django's SECRET_KEY, shared by every node; unset: a random key made once in "
        "var/secret_key (refused in production, motcua.E001).",
        doc_default="random, in var/secret_key",
    )
    or ""
)
if not SECRET_KEY:
    # Single-machine default: a random key created once in var/ (mode 0600), never
    # committed. Several web nodes must share MOTCUA_SECRET_KEY from the environment.
    _secret_file = VAR_DIR / "secret_key"
    try:
        fd = os.open(_secret_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        from django.core.management.utils import get_random_secret_key

        with os.fdopen(fd, "w") as handle:
            handle.write(get_random_secret_key())
    for _attempt in range(50):  # another process may be writing it right now
        SECRET_KEY = _secret_file.read_text().strip()
        if SECRET_KEY:
            break
        import time

        time.sleep(0.05)

ALLOWED_HOSTS = env_list(
    "MOTCUA_ALLOWED_HOSTS",
    "127.0.0.1,localhost,testserver",
    "Host names the site answers to (Django's ALLOWED_HOSTS), comma-separated.",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "MOTCUA_CSRF_TRUSTED_ORIGINS",
    "",
    "Extra origins trusted for posts (Django's CSRF_TRUSTED_ORIGINS), comma-separated.",
)
# MOTCUA_PUBLIC_URL's host is always served and its origin trusted for posts.
if MOTCUA_PUBLIC_URL:
    from urllib.parse import urlsplit as _urlsplit

    _public = _urlsplit(MOTCUA_PUBLIC_URL)
    if _public.hostname and _public.hostname not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_public.hostname)
    _public_origin = f"{_public.scheme}://{_public.netloc}"
    if _public.netloc and _public_origin not in CSRF_TRUSTED_ORIGINS:
        CSRF_TRUSTED_ORIGINS.append(_public_origin)
if env_bool(
    "MOTCUA_BEHIND_HTTPS_PROXY",
    False,
    "TLS ends at a reverse proxy that sets X-Forwarded-Proto: trust it, Secure cookies.",
):
    # TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# MOTCUA_HTTPS (motcua.conf.base): the public address is HTTPS. The variables below are
# read whether or not it is on (the environment reference lists them all).
_ssl_redirect = env_bool(
    "MOTCUA_SECURE_SSL_REDIRECT", True, "With MOTCUA_HTTPS: redirect plain HTTP to HTTPS."
)
_hsts_seconds = env_str(
    "MOTCUA_HSTS_SECONDS", "31536000", "With MOTCUA_HTTPS: the HSTS max-age, in seconds."
)
_hsts_subdomains = env_bool(
    "MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True, "With MOTCUA_HTTPS: HSTS includeSubDomains."
)
_hsts_preload = env_bool(
    "MOTCUA_HSTS_PRELOAD",
    False,
    "With MOTCUA_HTTPS: HSTS preload (the domain owner's decision, hard to undo).",
)
if MOTCUA_HTTPS:
    SECURE_SSL_REDIRECT = _ssl_redirect
    # Probes and metrics are reached over the internal network by address, in plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(_hsts_seconds)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _hsts_subdomains
    SECURE_HSTS_PRELOAD = _hsts_preload
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "oauth2_provider",
    # Sign-in lockout (motcua.conf.security), the Content-Security-Policy, and
    # django-ninja's own copy of Swagger UI for /api/docs (else it loads it from a CDN).
    "axes",
    "csp",
    "ninja",
    "motcua.audit",
    "motcua.accounts",
    "motcua.workdays",
    "motcua.agencies",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.search",
    "motcua.registrysim",
    "motcua.registries",
    "motcua.paygate",
    "motcua.postsim",
    "motcua.idp",
    "motcua.datastore",
    "motcua.notifications",
    "motcua.payments",
    "motcua.results",
    "motcua.postal",
    "motcua.events",
    "motcua.federation",
    "motcua.exchange",
    "motcua.monitoring",
    "motcua.feedback",
    "motcua.backoffice",
    "motcua.portal",
    "motcua.assisted",
    "motcua.api",
    "motcua.demo",
    "motcua.ops",
]

# Prometheus request metrics wrap everything (MOTCUA_METRICS=0 leaves them out).
MOTCUA_METRICS = env_bool(
    "MOTCUA_METRICS", True, "Prometheus request metrics and /metrics (off leaves them out)."
)
# bench/bench_http.py's floor: /bench/plain/, a trivial view behind the whole middleware.
MOTCUA_BENCH = env_bool(
    "MOTCUA_BENCH", False, "Serve /bench/plain/ (the benchmark's plain-view floor); off in use."
)
MIDDLEWARE = [
    # The request id first, so that every log line of the request carries it; the
    # probes and /metrics next, before the host check and the HTTPS redirect.
    "motcua.ops.middleware.RequestIdMiddleware",
    "motcua.ops.middleware.OpsEndpointsMiddleware",
    # The reference data memo's generation, read at most once per request (lib.refcache).
    "motcua.lib.refcache.RequestScopeMiddleware",
    # A NUL byte in a parameter is a 400, and a database outage the "thử lại" page (503)
    # instead of a stack trace (docs/RESILIENCE.md).
    "motcua.dossiers.middleware.NulCharactersMiddleware",
    "motcua.dossiers.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (motcua.conf.security; docs/SECURITY.md).
    "motcua.accounts.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Officers' and citizens' sessions end after a while without a request.
    "motcua.accounts.middleware.SessionIdleTimeoutMiddleware",
    # django-axes turns a locked-out sign-in into the "thử lại sau" page; it goes last.
    "axes.middleware.AxesMiddleware",
]
if MOTCUA_METRICS:
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

ROOT_URLCONF = "motcua.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/mot-cua/"
LOGOUT_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "motcua.wsgi.application"

# Persistent connections (seconds; each gunicorn thread and Celery process keeps one),
# checked before reuse when MOTCUA_DB_CONN_HEALTH_CHECKS is on.
_conn = {
    "conn_max_age": env_int(
        "MOTCUA_DB_CONN_MAX_AGE",
        "60" if MOTCUA_PRODUCTION else "0",
        "Seconds a database connection is kept for reuse (Django's CONN_MAX_AGE).",
        doc_default="60 in production, else 0",
    ),
    "conn_health_checks": env_bool(
        "MOTCUA_DB_CONN_HEALTH_CHECKS",
        MOTCUA_PRODUCTION,
        "Check a kept connection before reusing it (Django's CONN_HEALTH_CHECKS).",
        doc_default="MOTCUA_PRODUCTION",
    ),
}
declare(
    "DATABASE_URL",
    "sqlite:///var/motcua.sqlite3",
    "The database (read by dj-database-url), e.g. postgres://user:password@host:5432/motcua.",
)
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}", **_conn)
}
# A read replica (streaming replication) for the monitoring dashboards' reads; every
# write, and every read inside a transaction, stays on "default" (motcua.ops.routers).
MOTCUA_REPLICA_DATABASE = ""
MOTCUA_REPLICA_APPS = env_list(
    "MOTCUA_REPLICA_APPS", "monitoring", "Apps whose reads may go to the read replica."
)
_replica_url = env_str(
    "DATABASE_REPLICA_URL",
    "",
    "A read replica (streaming replication) for the monitoring dashboards' reads.",
)
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, **_conn)
    # Tests read the replica through the default test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    MOTCUA_REPLICA_DATABASE = "replica"
    DATABASE_ROUTERS = ["motcua.ops.routers.ReplicaRouter"]
    MIDDLEWARE.append("motcua.ops.middleware.ReplicaReadsMiddleware")
# The URL namespaces whose GET pages may read the replica.
MOTCUA_REPLICA_NAMESPACES = env_list(
    "MOTCUA_REPLICA_NAMESPACES",
    "monitoring",
    "URL namespaces whose GET pages may read the replica.",
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded default take concurrent writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# PostgreSQL: parameters bound by the server, and the statements a connection runs
# often prepared once (psycopg prepares a statement on its 5th run on a connection; Django
# leaves both off for connection poolers): planning is no longer paid on every statement
# (a filing's database CPU 8.2-8.6 ms without, 6.1-6.4 ms with; docs/DEPLOY.md, section
# 5). Turn off behind PgBouncer older than 1.21 in transaction mode, which cannot keep a
# prepared statement with its server connection.
if env_bool(
    "MOTCUA_DB_PREPARED_STATEMENTS",
    True,
    "PostgreSQL: server-side parameter binding and prepared statements (psycopg's "
    "prepare_threshold 5); off behind PgBouncer < 1.21 in transaction mode.",
):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _database.setdefault("OPTIONS", {}).update(
                {"server_side_binding": True, "prepare_threshold": 5}
            )

# Query counts and durations per database in /metrics (on by default in production).
_metrics_db = env_bool(
    "MOTCUA_METRICS_DB",
    MOTCUA_PRODUCTION,
    "Query counts and durations per database in /metrics (with MOTCUA_METRICS).",
    doc_default="MOTCUA_PRODUCTION",
)
if MOTCUA_METRICS and _metrics_db:
    for _database in DATABASES.values():
        if _database["ENGINE"] in (
            "django.db.backends.postgresql",
            "django.db.backends.sqlite3",
        ):
            _database["ENGINE"] = _database["ENGINE"].replace(
                "django.db.backends.", "django_prometheus.db.backends."
            )

# The cache: Redis shared by every process when REDIS_URL is set (throttles, the
# registry look-ups, job locks), else a per-process memory cache.
REDIS_URL = env_str(
    "REDIS_URL", "", "Redis shared by every process as the cache; unset: a per-process cache."
)
_cache_key_prefix = env_str(
    "MOTCUA_CACHE_KEY_PREFIX", "motcua", "Prefix of the keys in the Redis cache."
)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "motcua.lib.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _cache_key_prefix,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_bool(
    "MOTCUA_SESSION_CACHED",
    False,
    "Sessions read from the cache, written through to the database (cached_db).",
):
    # Sessions read from the cache, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates typed and shown as dd/mm/yyyy (motcua/formats/vi/formats.py); HTML date inputs
# keep ISO values and the browser shows them in the visitor's locale.
FORMAT_MODULE_PATH = ["motcua.formats"]
# A post refused by the CSRF check gets the site's own Vietnamese page (motcua.portal.errors).
CSRF_FAILURE_VIEW = "motcua.portal.errors.csrf_failure"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path(
    "MOTCUA_STATIC_ROOT",
    VAR_DIR / "static",
    "Where collectstatic puts the static files (served by whitenoise).",
    doc_default="var/static",
)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves it (empty until collectstatic)
MEDIA_URL = "media/"
MEDIA_ROOT = env_path(
    "MOTCUA_MEDIA_ROOT",
    VAR_DIR / "media",
    "Folder of the uploaded and issued files (MOTCUA_STORAGE=local).",
    doc_default="var/media",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: hashed names cached for a year, gzip and brotli copies made by
    # collectstatic, served by whitenoise.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if MOTCUA_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MOTCUA_STORAGE = (
    env_str(
        "MOTCUA_STORAGE",
        "local",
        "Where files are kept: local (MOTCUA_MEDIA_ROOT) or s3 (the AWS_* variables).",
    )
    .strip()
    .lower()
)
if MOTCUA_STORAGE == "s3":
    # Attachments, results and the personal data store in an S3-compatible bucket.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(os.environ),
    }
# Another value is reported by the system check motcua.E003 (motcua/conf/checks.py).

# MOTCUA_LOG_FORMAT=json writes one JSON object per line (python-json-logger);
# every record carries the request id (or the Celery task's) as ``request_id``.
MOTCUA_LOG_FORMAT = (
    env_str("MOTCUA_LOG_FORMAT", "plain", "Log lines as plain text or json (one object a line).")
    .strip()
    .lower()
)
# Another value is reported by the system check motcua.E004; until then lines are plain.
_log_formatter = MOTCUA_LOG_FORMAT if MOTCUA_LOG_FORMAT in ("plain", "json") else "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "motcua.ops.logs.RequestIdFilter"},
        # Personal identification numbers (12 digits, old 9-digit ones) never reach a log.
        "personal_ids": {"()": "motcua.ops.logs.PersonalIdMaskFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _log_formatter,
            "filters": ["request_id", "personal_ids"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_str("MOTCUA_LOG_LEVEL", "INFO", "Level of the root logger."),
    },
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes narrates every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # pikepdf announces its logger bridge at INFO in every process.
        "pikepdf": {"level": "WARNING"},
    },
}

# --- Domain settings -------------------------------------------------------
# The dossier code (mã hồ sơ, Circular 01/2018/TT-VPCP Art. 19; Circular 04/2025/TT-VPCP):
# the settling agency's electronic identifier (else its code), date of receipt, system
# part, sequence of the day. Checked at startup (dossiers/checks.py).
MOTCUA_DOSSIER_CODE_FORMAT = env_str(
    "MOTCUA_DOSSIER_CODE_FORMAT",
    "{agency}-{date:%y%m%d}-{system}{seq:04d}",
    "The dossier code: {agency} (the settling agency's official electronic identifier, "
    "else its code), {date} (date of receipt), {system} (MOTCUA_SYSTEM_CODE), {seq} (the "
    "agency's sequence of the day, at least 4 digits).",
)
MOTCUA_SYSTEM_CODE = env_str(
    "MOTCUA_SYSTEM_CODE",
    "",
    "Two digits of a nationally centralised system in its dossier codes (Circular "
    "04/2025/TT-VPCP: the agency id, the date YYMMDD, then these two digits before the "
    "sequence); empty for a provincial system.",
)
# The sample data (procedures.csv, provinces.csv): the project's shared/ folder
# beside the checkout when present, else the copy packaged with the demo app.
_shared_data = BASE_DIR.parent.parent.parent / "shared" / "data"
MOTCUA_SHARED_DATA_DIR = env_path(
    "MOTCUA_SHARED_DATA_DIR",
    _shared_data if (_shared_data / "procedures.csv").exists() else BASE_DIR / "demo" / "data",
    "Folder of the sample data (procedures.csv, provinces.csv).",
    doc_default="shared/data beside the checkout, else motcua/demo/data",
)

# --- Settings owned by single apps (each file reads its own environment) -----
from motcua.conf.agencies import *  # noqa: E402,F403
from motcua.conf.api import *  # noqa: E402,F403
from motcua.conf.audit import *  # noqa: E402,F403
from motcua.conf.events import *  # noqa: E402,F403
from motcua.conf.exchange import *  # noqa: E402,F403
from motcua.conf.federation import *  # noqa: E402,F403
from motcua.conf.feedback import *  # noqa: E402,F403
from motcua.conf.monitoring import *  # noqa: E402,F403
from motcua.conf.notifications import *  # noqa: E402,F403
from motcua.conf.oidc import *  # noqa: E402,F403
from motcua.conf.onestop import *  # noqa: E402,F403
from motcua.conf.ops import *  # noqa: E402,F403
from motcua.conf.payments import *  # noqa: E402,F403
from motcua.conf.portal import *  # noqa: E402,F403
from motcua.conf.postal import *  # noqa: E402,F403
from motcua.conf.registries import *  # noqa: E402,F403
from motcua.conf.results import *  # noqa: E402,F403
from motcua.conf.security import *  # noqa: E402,F403
from motcua.conf.trust import *  # noqa: E402,F403
from motcua.conf.workdays import *  # noqa: E402,F403
