"""What each workflow action does to a dossier besides changing its status.

One small function per action, registered beside the action's row in
``workflow.TRANSITIONS`` (``Transition.effect``). ``services.transition`` is the one
locking entry point: it locks and checks the row, builds a ``Move`` and calls the
action's effect, which sets fields on ``move.dossier`` and names them in
``move.fields``. Effects run inside the transition's transaction, on the locked row,
and may raise DossierError to refuse the move (nothing is written then).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.catalog.fees import quote
from motcua.catalog.models import ProcedureVersion
from motcua.lib.inserts import insert

from . import timelimits
from .exceptions import DossierError
from .models import (
    Attachment,
    Channel,
    CodeCounter,
    Dossier,
    FormRevision,
    Status,
    SupplementRequest,
)
from .timelimits import clock_start, legal_deadline


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def code_agency_part(agency: Agency) -> str:
    """The agency part of a dossier code: its official electronic identifier (Decision
    20/2020/QĐ-TTg), or its internal code when it has none yet."""
    return agency.identifier or agency.code


def format_code(agency_part: str, day: dt.date, seq: int) -> str:
    """A dossier code in ``MOTCUA_DOSSIER_CODE_FORMAT``.

    The national structure (Circular 01/2018/TT-VPCP Art. 19, carried into Circular
    03/2025/TT-VPCP; Circular 04/2025/TT-VPCP for nationally centralised systems) is
    ``<agency identifier>-<YYMMDD of receipt>-<system><sequence of at least 4 digits>``,
    where ``system`` (``MOTCUA_SYSTEM_CODE``) is two digits for a nationally centralised
    system and empty for a provincial one. Placeholders: ``agency``, ``date``,
    ``system``, ``seq`` (checked at startup by ``checks.check_code_format``).
    """
    return settings.MOTCUA_DOSSIER_CODE_FORMAT.format(
        agency=agency_part, date=day, system=settings.MOTCUA_SYSTEM_CODE, seq=seq
    )


# One statement: insert the day's counter at 1 or add one to it, and read the value.
# ON CONFLICT … DO UPDATE … RETURNING runs on PostgreSQL and on SQLite ≥ 3.35; on
# PostgreSQL the conflicting row is locked until commit, so concurrent allocations for
# one agency and day get distinct, consecutive numbers.
_UPSERT_COUNTER = (
    "INSERT INTO {table} (agency_id, day, value) VALUES (%s, %s, 1) "
    "ON CONFLICT (agency_id, day) DO UPDATE SET value = {table}.value + 1 "
    "RETURNING value"
)


def next_sequence(agency_id: int, day: dt.date) -> int:
    """Allocate the next number of ``agency_id``'s counter for ``day`` (one statement)."""
    connection = connections[router.db_for_write(CodeCounter)]
    table = connection.ops.quote_name(CodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_COUNTER.format(table=table), [agency_id, day])
        return cursor.fetchone()[0]


def next_code(agency: Agency, day: dt.date) -> str:
    """Allocate the next dossier code for ``agency`` on ``day`` (call inside a transaction:
    the counter row stays locked until commit, so numbers are never given twice)."""
    return format_code(code_agency_part(agency), day, next_sequence(agency.pk, day))


def compute_due_date(
    version: ProcedureVersion, received_at: dt.datetime, agency: Agency | None = None
) -> dt.date:
    """The expected result date of a dossier ``agency`` receives at ``received_at``: the date
    of its legal deadline (``timelimits``: the cut-off hour, then the limit in its unit)."""
    return local_date(legal_deadline(version, agency, clock_start(agency, received_at)))


@dataclass
class Move:
    """One transition being applied: the locked row and what the effect changed."""

    dossier: Dossier
    action: str
    now: dt.datetime
    changes: dict[str, Any]
    fields: set[str] = field(default_factory=set)
    # When the processing time restarted from zero after a complete supplement (the
    # step deadlines restart with it).
    restarted_at: dt.datetime | None = None
    # Who does the move (None: the system).
    by: Any = None
    # The status the dossier had, and the note given with the move.
    from_status: str = ""
    note: str = ""


# The fee another instance froze when the citizen submitted there (``remote``): the
# submission applied here keeps it instead of quoting the local schedule.
FROZEN_FEE: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "motcua_frozen_fee", default=None
)


def submit(move: Move) -> None:
    dossier, now = move.dossier, move.now
    dossier.submitted_at = now
    # The fee is frozen when the dossier is submitted, from the schedule of that day.
    frozen = FROZEN_FEE.get()
    dossier.fee_vnd = (
        frozen
        if frozen is not None
        else quote(dossier.procedure_version, dossier.agency, local_date(now)).amount(
            online=dossier.channel == Channel.ONLINE
        )
    )
    # Official receipt, or one request to complete the dossier, within 8 working hours
    # of an online dossier's arrival (Decree 118/2025/NĐ-CP; docs/ONE_STOP.md "Intake").
    dossier.intake_due_at = timelimits.intake_deadline(now)
    move.fields |= {"submitted_at", "code", "fee_vnd", "intake_due_at"}
    # The first revision: a draft has none (revisions are kept from the submission on,
    # and nothing leads back to a draft), so there is no last one to compare with.
    insert(
        FormRevision(
            dossier=dossier,
            data=dossier.form_data or {},
            reason=FormRevision.Reason.SUBMITTED,
            created_at=now,
            created_by=move.by,
        )
    )
    # The code last: its counter row stays locked until the transaction commits, so
    # every submission to the agency that day waits behind what follows it.
    dossier.code = dossier.code or next_code(dossier.agency, local_date(now))


def receive(move: Move) -> None:
    """Receipt starts the legal clock (and gives a code to a dossier without one)."""
    dossier, now = move.dossier, move.now
    dossier.received_at = now
    # A transferred dossier keeps its overall deadline; its parts are timed apart.
    if move.action == "receive" or dossier.due_date is None:
        dossier.clock_started_at = clock_start(dossier.agency, now)
        dossier.due_at = legal_deadline(
            dossier.procedure_version, dossier.agency, dossier.clock_started_at
        )
        dossier.due_date = local_date(dossier.due_at)
        move.fields |= {"clock_started_at", "due_at"}
    move.fields |= {"received_at", "due_date"}
    if not dossier.code:
        dossier.code = next_code(dossier.agency, local_date(now))
        move.fields.add("code")


def mark_late_intake(move: Move) -> None:
    """Receipt or an intake supplement request after the 8 working hours records the
    late intake (the monitoring counts it), unless the deadline job already did."""
    dossier = move.dossier
    if (
        dossier.intake_due_at
        and dossier.intake_overdue_at is None
        and move.now > dossier.intake_due_at
    ):
        dossier.intake_overdue_at = move.now
        move.fields.add("intake_overdue_at")


def receive_submitted(move: Move) -> None:
    """The desk receives a submitted dossier: the clock starts (``receive``), and a receipt
    after the online intake limit is recorded as late."""
    receive(move)
    mark_late_intake(move)


def keep_revision(
    dossier: Dossier, data: dict, reason: str, by, at: dt.datetime
) -> FormRevision | None:
    """Store ``data`` as the dossier's latest form revision unless it is the same as the
    last one (a supplement that only brought files). Call under the dossier's row lock."""
    last = dossier.form_revisions.order_by("-created_at", "-pk").first()
    if last is not None and last.data == (data or {}):
        return None
    return FormRevision.objects.create(
        dossier=dossier, data=data or {}, reason=reason, created_at=at, created_by=by
    )


def finish(move: Move) -> None:
    """A decision, refusal, withdrawal or stop ends the handling (the on-time figures'
    date); a supplement request still open is closed with it."""
    move.dossier.finished_at = move.now
    move.dossier.paused_at = None
    move.fields |= {"finished_at", "paused_at"}
    SupplementRequest.objects.filter(
        dossier=move.dossier, completed_at=None, closed_at=None
    ).update(closed_at=move.now)


def withdraw(move: Move) -> None:
    """Effect of ``withdraw``: only a dossier never received (submitted, or waiting for a
    supplement asked at intake) is withdrawn; a received one is stopped (form 05)."""
    from .supplements import open_request_at_intake

    if move.from_status == Status.WAITING_SUPPLEMENT and not open_request_at_intake(move.dossier):
        raise DossierError(
            _(
                "Hồ sơ đã được tiếp nhận nên không rút được; bạn có thể đề nghị cơ quan dừng "
                "giải quyết hồ sơ."
            ),
            code="withdraw_received",
        )
    finish(move)


def stop(move: Move) -> None:
    """Effect of ``stop`` (Decree 118/2025/NĐ-CP Art. 21): only for a received dossier; one
    waiting for a supplement asked at intake (never received) is withdrawn instead."""
    from .supplements import open_request_at_intake

    if open_request_at_intake(move.dossier):
        raise DossierError(
            _("Hồ sơ chưa được tiếp nhận nên không dừng giải quyết; hãy rút hồ sơ."),
            code="stop_not_received",
        )
    finish(move)


def mark_result_electronic(move: Move) -> None:
    # An electronic result: the document is attached to the dossier (and so reaches
    # the citizen's data store), not only handed over on paper.
    dossier = move.dossier
    dossier.result_electronic = dossier.attachments.filter(kind=Attachment.Kind.RESULT).exists()
    move.fields.add("result_electronic")


def return_result(move: Move) -> None:
    move.dossier.returned_at = move.now
    move.fields.add("returned_at")


def check_other_agency(move: Move) -> None:
    if move.changes["agency"].pk == move.dossier.agency_id:
        raise DossierError(
            _("Hãy chọn một cơ quan khác để chuyển hồ sơ liên thông."), code="same_agency"
        )
