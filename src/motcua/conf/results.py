"""Settings of motcua.results: signed electronic results (read from the environment).

- ``MOTCUA_PKI_PASSPHRASE``: the passphrase that encrypts the private keys kept in the
  database (PKCS#8). Empty (default): one derived from ``SECRET_KEY``, so changing
  ``SECRET_KEY`` then makes the stored keys unreadable. Set it explicitly in production.
- ``MOTCUA_PKI_KEY_ALGORITHM``: ``ec`` (ECDSA P-256, default: fast) or ``rsa`` (RSA-2048)
  for the keys the platform makes itself.
- ``MOTCUA_PKI_CA_DAYS`` / ``MOTCUA_PKI_CERT_DAYS``: validity of the demo certificate
  authority (default 3650 days) and of the agency certificates it issues (default 1095).
- ``MOTCUA_PKI_AUTO_CREATE``: ``1`` (default) makes a demo certificate for an agency that
  has none when it first signs; set ``0`` in production, where every agency's real
  certificate is imported with ``motcua import_agency_certificate`` (signing then fails
  with a clear message for an agency that has none).
- ``MOTCUA_RESULTS_DEFAULT_BASE_URL``: the portal address printed in the QR code when
  neither ``MOTCUA_PORTAL_PUBLIC_URL`` nor a request gives one (default
  ``http://127.0.0.1:8000``).
- ``MOTCUA_RESULTS_VERIFY_MAX_BYTES``: the largest file the public verification page
  accepts (default 10 MB).
"""

from motcua.conf.base import PUBLIC_BASE_URL as _PUBLIC_BASE_URL
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

MOTCUA_PKI_PASSPHRASE = _env_str(
    "MOTCUA_PKI_PASSPHRASE",
    "",
    "Passphrase of the private keys kept in the database; empty: derived from SECRET_KEY "
    "(refused in production).",
)
MOTCUA_PKI_KEY_ALGORITHM = (
    _env_str("MOTCUA_PKI_KEY_ALGORITHM", "ec", "ec (ECDSA P-256) or rsa (RSA-2048).")
    .strip()
    .lower()
)
MOTCUA_PKI_CA_DAYS = _env_int(
    "MOTCUA_PKI_CA_DAYS", "3650", "Validity of the demo certificate authority, in days."
)
MOTCUA_PKI_CERT_DAYS = _env_int(
    "MOTCUA_PKI_CERT_DAYS", "1095", "Validity of the agency certificates it issues, in days."
)
MOTCUA_PKI_AUTO_CREATE = _env_bool(
    "MOTCUA_PKI_AUTO_CREATE",
    True,
    "Make a demo certificate for an agency that has none (off in production).",
)
MOTCUA_RESULTS_DEFAULT_BASE_URL = _env_str(
    "MOTCUA_RESULTS_DEFAULT_BASE_URL",
    _PUBLIC_BASE_URL,
    "Portal address in the QR code when neither MOTCUA_PORTAL_PUBLIC_URL nor a request gives one.",
    doc_default="MOTCUA_PUBLIC_URL, else http://127.0.0.1:8000",
).strip()
MOTCUA_RESULTS_VERIFY_MAX_BYTES = _env_int(
    "MOTCUA_RESULTS_VERIFY_MAX_BYTES",
    str(10 * 1024 * 1024),
    "The largest file the public verification page accepts, in bytes.",
)
