"""The values every other settings file builds on: folders, the production switches, the
time zone. ``motcua.settings`` and the files of ``motcua/conf/`` import them from here
(never from the half-loaded ``motcua.settings``)."""

from pathlib import Path

from motcua.conf.env import env_bool, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path(
    "MOTCUA_VAR_DIR",
    BASE_DIR.parent.parent / "var",
    "Folder of the data made at run time (SQLite database, media, keys, secrets, caches).",
    doc_default="var/ beside src/",
).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("MOTCUA_DEBUG", False, "Django's DEBUG (never in production).")
# Production defaults (secure cookies, HSTS, hashed static files, persistent connections).
MOTCUA_PRODUCTION = env_bool(
    "MOTCUA_PRODUCTION",
    False,
    "Production defaults (HTTPS-only cookies, HSTS, hashed static files, persistent "
    "connections) and the refusal to start with a demo secret (motcua.E001/E002).",
)
# The public address is HTTPS (on by default in production; off for a local
# production-like stack on plain HTTP, e.g. for benchmarks).
MOTCUA_HTTPS = env_bool(
    "MOTCUA_HTTPS",
    MOTCUA_PRODUCTION,
    "The public address is HTTPS: the HTTPS redirect, HSTS and Secure cookies (off for a "
    "local production-like stack on plain HTTP).",
    doc_default="MOTCUA_PRODUCTION",
)
TIME_ZONE = "Asia/Ho_Chi_Minh"

# The one public address of this installation (scheme, host, port). The bundled
# simulators and identity provider, the QR and verification links, the e-mails and the
# host checks all derive from it; each keeps its own variable to point elsewhere.
MOTCUA_PUBLIC_URL = (
    env_str(
        "MOTCUA_PUBLIC_URL",
        "",
        "The site's public address, e.g. https://dichvucong.example.vn or "
        "http://127.0.0.1:8123; the identity provider, payment gateway, registry and postal "
        "simulators, QR/verification links and allowed hosts derive from it.",
        doc_default="http://127.0.0.1:8000 for the derived addresses",
    )
    .strip()
    .rstrip("/")
)
# The base of every derived address (the development default when unset).
PUBLIC_BASE_URL = MOTCUA_PUBLIC_URL or "http://127.0.0.1:8000"


def public_url(path: str = "") -> str:
    """An absolute address on this site: ``PUBLIC_BASE_URL`` followed by ``path``."""
    return PUBLIC_BASE_URL + path
