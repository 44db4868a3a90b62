"""Changes another MotCua instance made to a dossier, applied here (issue #17).

Since Decree 118/2025/NĐ-CP (Art. 17(2)) a citizen files on the National Public Service
Portal and the competent province settles the dossier in its own system, the two kept
in sync. With the dossier exchange (``exchange``, docs/EXCHANGE.md) each side keeps a
real local dossier; what the other side did arrives as a message and is applied here:

* through ``services.transition``, the only status writer, with ``by=None`` (no local
  officer did it) at the moment the peer reported, so the history (``StatusChange``),
  the audit chain and the ``dossier_event`` listeners (notifications, data store,
  rollups) see it as any other change;
* inside ``from_peer``, which marks the change as coming from the peer: the exchange's
  own listener reads ``origin`` and does not send the change back (no echo).

Nothing here talks to the network; ``exchange`` calls these functions.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import ProcedureVersion

from .effects import FROZEN_FEE
from .models import ApologyLetter, Channel, Dossier, Status
from .services import announce, transition

# (peer code, dossier pk) of the change being applied from a peer, if any.
_ORIGIN: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "motcua_dossier_remote_origin", default=None
)
# Fields that follow the settling side besides what the transition itself sets: the
# deadlines it computed with its own calendar and the appointment of an apology.
SYNCED_FIELDS = frozenset({"due_at", "due_date", "appointment_date", "clock_started_at"})


@contextmanager
def from_peer(peer_code: str, dossier: Dossier) -> Iterator[None]:
    """Mark every change of ``dossier`` made in the block as applied from ``peer_code``."""
    token = _ORIGIN.set((peer_code, dossier.pk))
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def origin(dossier: Dossier) -> str:
    """The peer code when the change being made to ``dossier`` was applied from a peer,
    else "" (a change made on this instance)."""
    current = _ORIGIN.get()
    if current is None or current[1] != dossier.pk:
        return ""
    return current[0]


@transaction.atomic
def apply_remote_change(
    dossier: Dossier,
    action: str,
    *,
    peer: str,
    at: dt.datetime,
    note: str = "",
    synced: dict[str, Any] | None = None,
    **changes: Any,
) -> Dossier:
    """Apply the workflow ``action`` the peer reported, as the system, at ``at``.

    ``synced`` carries the peer's values of ``SYNCED_FIELDS`` (its due date, say): they
    replace what the local effect computed, so both sides show the same dates. Raises
    what ``transition`` raises (IllegalTransition when the local copy cannot follow).
    """
    with from_peer(peer, dossier):
        locked = transition(dossier, action, by=None, note=note, at=at, **changes)
        values = {k: v for k, v in (synced or {}).items() if k in SYNCED_FIELDS}
        if values:
            Dossier.objects.filter(pk=locked.pk).update(**values)
            for name, value in values.items():
                setattr(locked, name, value)
                setattr(dossier, name, value)
    return locked


@transaction.atomic
def file_remote_dossier(
    *,
    peer: str,
    applicant: Applicant,
    version: ProcedureVersion,
    agency: Agency,
    code: str,
    submitted_at: dt.datetime,
    form_data: dict[str, Any],
    prefill_sources: dict[str, Any] | None = None,
    identity_assurance: str = "",
    reused_data: bool = False,
    result_delivery: str = "",
    delivery_address: dict[str, Any] | None = None,
    fee_vnd: int | None = None,
) -> Dossier:
    """An online dossier filed on the peer's portal, settled here: it is created with the
    code the portal gave it and submitted at the moment the citizen submitted it there,
    so it arrives in the desk's "new" queue like any online dossier.

    The fee stays the one the portal froze and showed the citizen (``fee_vnd``).
    """
    dossier = Dossier.objects.create(
        applicant=applicant,
        procedure_version=version,
        agency=agency,
        channel=Channel.ONLINE,
        status=Status.DRAFT,
        code=code,
        form_data=form_data or {},
        prefill_sources=prefill_sources or {},
        identity_assurance=identity_assurance or "",
        reused_data=bool(reused_data),
        result_delivery=result_delivery or Dossier._meta.get_field("result_delivery").default,
        delivery_address=delivery_address or {},
    )
    # The frozen fee is set within the submission, so its event and history carry it.
    token = FROZEN_FEE.set(fee_vnd)
    try:
        with from_peer(peer, dossier):
            dossier = transition(dossier, "submit", by=None, at=submitted_at)
    finally:
        FROZEN_FEE.reset(token)
    return dossier


@transaction.atomic
def record_remote_apology(
    dossier: Dossier, *, peer: str, reason: str, new_date: dt.date, at: dt.datetime
) -> ApologyLetter:
    """The settling side sent the applicant its letter of apology (form 04) with a new
    appointment date: the local copy keeps the letter as sent and the new date."""
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    letter = locked.apologies.filter(status=ApologyLetter.Status.SENT).first()
    if letter is None:
        letter = ApologyLetter.objects.create(
            dossier=locked,
            status=ApologyLetter.Status.SENT,
            reason=reason,
            new_date=new_date,
            drafted_at=at,
            decided_at=at,
        )
    locked.appointment_date = new_date
    locked.save(update_fields=["appointment_date", "updated_at"])
    record(
        "dossier.apology_sent",
        obj=locked,
        data={"code": locked.code, "new_date": new_date.isoformat(), "peer": peer},
    )
    with from_peer(peer, locked):
        announce(
            locked,
            "apology_sent",
            locked.status,
            None,
            at or timezone.now(),
            {"new_date": new_date.isoformat(), "reason": reason},
        )
    dossier.appointment_date = new_date
    return letter
