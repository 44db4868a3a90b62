"""Settings for portal (read from the environment).

- ``MOTCUA_PORTAL_PAGE_SIZE``: dossiers per page in "Hồ sơ của tôi" (default 20).
- ``MOTCUA_PORTAL_PUBLIC_URL``: the portal's public address (``https://dichvucong.example.vn``)
  printed on PDF receipts for the look-up page; empty means the address of the request.
"""

from motcua.conf.base import MOTCUA_PUBLIC_URL as _MOTCUA_PUBLIC_URL
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

MOTCUA_PORTAL_PAGE_SIZE = max(
    1, _env_int("MOTCUA_PORTAL_PAGE_SIZE", "20", "Dossiers per page in 'Hồ sơ của tôi'.")
)
MOTCUA_PORTAL_PUBLIC_URL = _env_str(
    "MOTCUA_PORTAL_PUBLIC_URL",
    _MOTCUA_PUBLIC_URL,
    "The portal's public address printed on PDF receipts and in QR codes; empty: the "
    "request's address.",
    doc_default="MOTCUA_PUBLIC_URL",
).strip()
# The name under which the portal installs to a phone's home screen (web app manifest).
MOTCUA_PWA_NAME = _env_str(
    "MOTCUA_PWA_NAME",
    "Dịch vụ công MotCua",
    "The portal's name once installed on a phone (web app manifest).",
)
MOTCUA_PWA_SHORT_NAME = _env_str(
    "MOTCUA_PWA_SHORT_NAME",
    "Dịch vụ công",
    "The short name under the home-screen icon (web app manifest).",
)
