"""Settings of motcua.federation: the national view built from the events of several instances.

- ``MOTCUA_FEDERATION_MODE``: ``national`` makes this installation the national
  aggregator: it accepts events at ``POST /lien-thong/su-kien/`` and shows the national
  ranking at ``/lien-thong/xep-hang/``. Anything else (default ``off``): both answer 404.
- ``MOTCUA_FEDERATION_SOURCES``: source instances declared by the deployment,
  comma-separated, each ``code|name|secret`` (the secret is the one the source signs its
  events with: its subscriber secret for this system). Written to the database by
  ``motcua sync_sources`` and after every ``migrate``; a declared source removed from
  the list is deactivated. Sources added in the admin are not touched.
- ``MOTCUA_FEDERATION_WINDOW_S`` (300): how far, in seconds, an event's
  ``X-MotCua-Timestamp`` may be from this server's clock (either way) to be accepted.
"""

import os as _os

MOTCUA_FEDERATION_MODE = _os.environ.get("MOTCUA_FEDERATION_MODE", "off").strip().lower()
MOTCUA_FEDERATION_SOURCES = _os.environ.get("MOTCUA_FEDERATION_SOURCES", "")
MOTCUA_FEDERATION_WINDOW_S = int(_os.environ.get("MOTCUA_FEDERATION_WINDOW_S", "300"))
