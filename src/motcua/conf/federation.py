"""Settings of motcua.federation: the national view built from the events of several instances.

- ``MOTCUA_FEDERATION_MODE``: ``national`` makes this installation the national
  aggregator: it accepts events at ``POST /lien-thong/su-kien/`` and shows the national
  ranking at ``/lien-thong/xep-hang/``. Anything else (default ``off``): both answer 404.
- ``MOTCUA_FEDERATION_SOURCES``: source instances declared by the deployment,
  comma-separated, each ``code|name|secret`` or ``code|name|secret|agency codes`` (the
  secret is the one the source signs its events with: its subscriber secret for this
  system; the agency codes, separated by spaces, are the provinces or ministries and
  agencies it may report for, its own code when omitted: events about any other agency
  are refused). Written to the database by
  ``motcua sync_sources`` and after every ``migrate``; a declared source removed from
  the list is deactivated. Sources added in the admin are not touched.
- ``MOTCUA_FEDERATION_WINDOW_S`` (300): how far, in seconds, an event's
  ``X-MotCua-Timestamp`` may be from this server's clock (either way) to be accepted.
"""

from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

MOTCUA_FEDERATION_MODE = (
    _env_str(
        "MOTCUA_FEDERATION_MODE",
        "off",
        "national makes this installation the national aggregator of events; else off.",
    )
    .strip()
    .lower()
)
MOTCUA_FEDERATION_SOURCES = _env_str(
    "MOTCUA_FEDERATION_SOURCES",
    "",
    "Declared source instances, comma-separated, each code|name|secret[|agency codes], "
    "the agency codes (space-separated) those it may report for (default: its code).",
)
MOTCUA_FEDERATION_WINDOW_S = _env_int(
    "MOTCUA_FEDERATION_WINDOW_S",
    "300",
    "How far (seconds) an event's X-MotCua-Timestamp may be from this server's clock.",
)
