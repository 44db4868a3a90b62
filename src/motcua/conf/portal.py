"""Settings for portal (read from the environment).

- ``MOTCUA_PORTAL_PAGE_SIZE``: dossiers per page in "Hồ sơ của tôi" (default 20).
- ``MOTCUA_PORTAL_PUBLIC_URL``: the portal's public address (``https://dichvucong.example.vn``)
  printed on PDF receipts for the look-up page; empty means the address of the request.
"""

import os as _os

MOTCUA_PORTAL_PAGE_SIZE = max(1, int(_os.environ.get("MOTCUA_PORTAL_PAGE_SIZE", "20")))
MOTCUA_PORTAL_PUBLIC_URL = _os.environ.get("MOTCUA_PORTAL_PUBLIC_URL", "").strip()
