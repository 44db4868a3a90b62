"""Settings of the one-stop rules (Decree 118/2025/NĐ-CP; docs/ONE_STOP.md).

- ``MOTCUA_APOLOGY_LEAD_DAYS`` (2): the daily deadline job drafts the apology letter
  (form 04) for a dossier still being processed once its legal due date is at most this
  many working days away, so the leader has time to approve it and the letter reaches the
  applicant at the latest one working day before the due date (Decree 118/2025/NĐ-CP).
  At least 1.
"""

from motcua.conf.env import env_int as _env_int

__all__ = ["MOTCUA_APOLOGY_LEAD_DAYS"]

MOTCUA_APOLOGY_LEAD_DAYS = max(
    1,
    _env_int(
        "MOTCUA_APOLOGY_LEAD_DAYS",
        "2",
        "Working days before a dossier's due date from which the deadline job drafts the "
        "apology letter for the leader to approve (at least 1).",
    ),
)
