"""Settings of the audit trail's key and checkpoints (from the environment).

The hash chain alone can be recomputed by anyone who can write the table (a DBA who
disables the append-only trigger). Two anchors outside the database's reach make such
an edit visible to ``motcua verify_audit`` (``docs/SECURITY.md``, "Hole 10"):

- ``MOTCUA_AUDIT_KEY``: the secret of the HMAC-SHA256 each record carries over its hash
  (``AuditRecord.mac``). It lives in the application's environment, never in the
  database, so whoever holds only the database cannot recompute a record's MAC. The
  default is a demo value published in this repository: with ``MOTCUA_PRODUCTION=1``
  the system checks ``motcua.E001``/``motcua.E002`` refuse it. Give every node the same
  key; changing it without ``MOTCUA_AUDIT_KEY_FALLBACKS`` makes older records fail.
- ``MOTCUA_AUDIT_KEY_FALLBACKS``: former keys (comma-separated), still accepted when
  records and checkpoints are verified; new ones always use ``MOTCUA_AUDIT_KEY``.
- ``MOTCUA_AUDIT_CHECKPOINT_DIR`` (``var/audit-checkpoints``): the folder where
  ``motcua audit_checkpoint`` appends the signed head of the chain (record id, hash,
  count) as one JSON line to ``checkpoints.jsonl``. Put it on storage the database's
  administrators cannot write (another host, a write-once bucket synced from it).
- ``MOTCUA_BEAT_AUDIT_CHECKPOINT_S`` (3600, read in ``conf/ops.py``): how often the
  beat scheduler writes a checkpoint.
"""

from motcua.conf.base import VAR_DIR as _VAR_DIR
from motcua.conf.env import env_list as _env_list
from motcua.conf.env import env_path as _env_path
from motcua.conf.env import env_str as _env_str

# Published here on purpose: it is only for demos and tests (refused in production).
DEMO_AUDIT_KEY = "demo-audit-key-published-in-the-repository"

MOTCUA_AUDIT_KEY = (
    _env_str(
        "MOTCUA_AUDIT_KEY",
        DEMO_AUDIT_KEY,
        "Secret of the HMAC-SHA256 on every audit record and checkpoint (not in the database).",
        doc_default="a demo value (refused with MOTCUA_PRODUCTION=1)",
    ).strip()
    or DEMO_AUDIT_KEY
)
MOTCUA_AUDIT_KEY_FALLBACKS = _env_list(
    "MOTCUA_AUDIT_KEY_FALLBACKS",
    "",
    "Former audit keys still accepted when records and checkpoints are verified.",
)
MOTCUA_AUDIT_CHECKPOINT_DIR = _env_path(
    "MOTCUA_AUDIT_CHECKPOINT_DIR",
    _VAR_DIR / "audit-checkpoints",
    "Folder where audit_checkpoint appends the signed chain head (outside the database).",
    doc_default="var/audit-checkpoints",
)
