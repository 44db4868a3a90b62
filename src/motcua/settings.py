"""One settings module; everything comes from the environment with safe defaults.

No variable set means: SQLite in ``var/``, files in ``var/media``, a per-process cache,
jobs run from cron or commands, DEBUG off. ``DATABASE_URL=postgres://...`` switches to
PostgreSQL; ``MOTCUA_PRODUCTION=1`` turns on the production defaults (HTTPS-only cookies,
HSTS, compressed static files with hashed names, persistent database connections) and
refuses to start with a demo secret. Headers, the Content-Security-Policy, session expiry,
sign-in lockout and look-up limits are in ``motcua/conf/security.py`` (docs/SECURITY.md).
Every production variable is described in ``docs/DEPLOY.md``; the jobs, probes and
metrics settings are in ``motcua/conf/ops.py``.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR.parent.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


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


DEBUG = env_bool("MOTCUA_DEBUG")
# Production defaults (secure cookies, HSTS, hashed static files, persistent connections).
MOTCUA_PRODUCTION = env_bool("MOTCUA_PRODUCTION")
SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY") or ""
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

ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS")
if env_bool("MOTCUA_BEHIND_HTTPS_PROXY"):
    # TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# The public address is HTTPS (on by default in production; off for a local
# production-like stack on plain HTTP, e.g. for benchmarks).
MOTCUA_HTTPS = env_bool("MOTCUA_HTTPS", MOTCUA_PRODUCTION)
if MOTCUA_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("MOTCUA_SECURE_SSL_REDIRECT", True)
    # Probes and metrics are reached over the internal network by address, in plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MOTCUA_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("MOTCUA_HSTS_PRELOAD", False)
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
    "motcua.idp",
    "motcua.datastore",
    "motcua.notifications",
    "motcua.payments",
    "motcua.results",
    "motcua.events",
    "motcua.federation",
    "motcua.monitoring",
    "motcua.backoffice",
    "motcua.portal",
    "motcua.api",
    "motcua.demo",
    "motcua.ops",
]

# Prometheus request metrics wrap everything (MOTCUA_METRICS=0 leaves them out).
MOTCUA_METRICS = env_bool("MOTCUA_METRICS", True)
MIDDLEWARE = [
    # The request id first, so that every log line of the request carries it; the
    # probes and /metrics next, before the host check and the HTTPS redirect.
    "motcua.ops.middleware.RequestIdMiddleware",
    "motcua.ops.middleware.OpsEndpointsMiddleware",
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
    "conn_max_age": int(
        os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "60" if MOTCUA_PRODUCTION else "0")
    ),
    "conn_health_checks": env_bool("MOTCUA_DB_CONN_HEALTH_CHECKS", MOTCUA_PRODUCTION),
}
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}", **_conn)
}
# A read replica (streaming replication) for the monitoring dashboards' reads; every
# write, and every read inside a transaction, stays on "default" (motcua.ops.routers).
MOTCUA_REPLICA_DATABASE = ""
MOTCUA_REPLICA_APPS = env_list("MOTCUA_REPLICA_APPS", "monitoring")
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], **_conn)
    # Tests read the replica through the default test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    MOTCUA_REPLICA_DATABASE = "replica"
    DATABASE_ROUTERS = ["motcua.ops.routers.ReplicaRouter"]
    MIDDLEWARE.append("motcua.ops.middleware.ReplicaReadsMiddleware")
# The URL namespaces whose GET pages may read the replica.
MOTCUA_REPLICA_NAMESPACES = env_list("MOTCUA_REPLICA_NAMESPACES", "monitoring")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded default take concurrent writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Query counts and durations per database in /metrics (on by default in production).
if MOTCUA_METRICS and env_bool("MOTCUA_METRICS_DB", MOTCUA_PRODUCTION):
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
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("MOTCUA_CACHE_KEY_PREFIX", "motcua"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_bool("MOTCUA_SESSION_CACHED"):
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
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("MOTCUA_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves it (empty until collectstatic)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
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
MOTCUA_STORAGE = os.environ.get("MOTCUA_STORAGE", "local").strip().lower()
if MOTCUA_STORAGE == "s3":
    # Attachments, results and the personal data store in an S3-compatible bucket.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(os.environ),
    }
elif MOTCUA_STORAGE != "local":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MOTCUA_STORAGE must be 'local' or 's3'.")

# MOTCUA_LOG_FORMAT=json writes one JSON object per line (python-json-logger);
# every record carries the request id (or the Celery task's) as ``request_id``.
MOTCUA_LOG_FORMAT = os.environ.get("MOTCUA_LOG_FORMAT", "plain").strip().lower()
if MOTCUA_LOG_FORMAT not in ("plain", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MOTCUA_LOG_FORMAT must be 'plain' or 'json'.")
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
            "formatter": MOTCUA_LOG_FORMAT,
            "filters": ["request_id", "personal_ids"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes narrates every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- Domain settings -------------------------------------------------------
# The dossier code (mã hồ sơ): receiving agency's code, date of receipt, sequence.
MOTCUA_DOSSIER_CODE_FORMAT = os.environ.get(
    "MOTCUA_DOSSIER_CODE_FORMAT", "{agency}-{date:%y%m%d}-{seq:04d}"
)
# The sample data (procedures.csv, provinces.csv): the project's shared/ folder
# beside the checkout when present, else the copy packaged with the demo app.
_shared_data = BASE_DIR.parent.parent.parent / "shared" / "data"
MOTCUA_SHARED_DATA_DIR = Path(
    os.environ.get(
        "MOTCUA_SHARED_DATA_DIR",
        _shared_data if (_shared_data / "procedures.csv").exists() else BASE_DIR / "demo" / "data",
    )
)

# --- Settings owned by single apps (each file reads its own environment) -----
from motcua.conf.api import *  # noqa: E402,F403
from motcua.conf.events import *  # noqa: E402,F403
from motcua.conf.federation import *  # noqa: E402,F403
from motcua.conf.monitoring import *  # noqa: E402,F403
from motcua.conf.notifications import *  # noqa: E402,F403
from motcua.conf.oidc import *  # noqa: E402,F403
from motcua.conf.ops import *  # noqa: E402,F403
from motcua.conf.payments import *  # noqa: E402,F403
from motcua.conf.portal import *  # noqa: E402,F403
from motcua.conf.registries import *  # noqa: E402,F403
from motcua.conf.results import *  # noqa: E402,F403
from motcua.conf.security import *  # noqa: E402,F403
from motcua.conf.trust import *  # noqa: E402,F403
