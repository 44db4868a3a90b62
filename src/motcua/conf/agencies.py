"""Settings of the agencies app: who may hold which roles together.

- ``MOTCUA_ROLE_CONFLICTS`` ("desk_officer+leader"): pairs of roles (``Role`` values joined
  by ``+``, comma-separated) that one person may not hold at the same agency (an agency
  and its units count as one). The default keeps the officer who receives and returns a
  dossier at the desk from also approving it. Empty turns separation of duties off.
"""

from motcua.conf.env import env_list as _env_list

MOTCUA_ROLE_CONFLICTS = _env_list(
    "MOTCUA_ROLE_CONFLICTS",
    "desk_officer+leader",
    "Pairs of roles (role+role, comma-separated) one person may not hold at the same "
    "agency (its units included); empty turns separation of duties off.",
)
