"""Settings for feedback (phản ánh, kiến nghị; read from the environment).

- ``MOTCUA_PAKN_DAYS``: working days an agency has to answer a PAKN (default 10).
- ``MOTCUA_PAKN_DUE_SOON_DAYS``: working days before the deadline when a PAKN shows as
  "sắp đến hạn" in the officers' queue (default 2).
- ``MOTCUA_PAKN_PAGE_SIZE``: entries per page of the published list and the queues.
"""

from motcua.conf.env import env_int as _env_int

MOTCUA_PAKN_DAYS = max(
    1,
    _env_int(
        "MOTCUA_PAKN_DAYS",
        "10",
        "Working days an agency has to answer a feedback or petition (PAKN).",
    ),
)
MOTCUA_PAKN_DUE_SOON_DAYS = max(
    0,
    _env_int(
        "MOTCUA_PAKN_DUE_SOON_DAYS",
        "2",
        "Working days before its deadline when a PAKN is listed as due soon.",
    ),
)
MOTCUA_PAKN_PAGE_SIZE = max(
    1, _env_int("MOTCUA_PAKN_PAGE_SIZE", "20", "PAKN per page (published list, queues).")
)
