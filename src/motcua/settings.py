"""One settings module; everything comes from the environment with safe defaults.

No variable set means: SQLite in ``var/``, files in ``var/media``, DEBUG off.
``DATABASE_URL=postgres://...`` switches to PostgreSQL.
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


DEBUG = env_bool("MOTCUA_DEBUG")
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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "oauth2_provider",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}",
        conn_max_age=int(os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded default take concurrent writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

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
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
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
from motcua.conf.monitoring import *  # noqa: E402,F403
from motcua.conf.notifications import *  # noqa: E402,F403
from motcua.conf.oidc import *  # noqa: E402,F403
from motcua.conf.portal import *  # noqa: E402,F403
from motcua.conf.registries import *  # noqa: E402,F403
from motcua.conf.payments import *  # noqa: E402,F403
from motcua.conf.results import *  # noqa: E402,F403
from motcua.conf.api import *  # noqa: E402,F403
from motcua.conf.events import *  # noqa: E402,F403
from motcua.conf.federation import *  # noqa: E402,F403
