"""Requests to complete a dossier and the processing time they restart.

Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP (form 02, "Phiếu yêu cầu bổ sung,
hoàn thiện hồ sơ"), docs/ONE_STOP.md "Supplements":

* everything missing or wrong is listed **in one request** (``SupplementRequest.items``:
  the components of the version and free items, each with its reason), made at receipt
  (``request_supplement`` from ``submitted``, before the clock starts: ``at_intake``) or
  during processing; the procedure version says how many requests it allows
  (``supplement_requests_allowed``, 1 by default); every request counts
  (``Dossier.supplement_requests``; the national measurement treats more than one as late);
* the applicant has ``supplement_days`` working days (15 by default) to complete it
  (``supplement_due_date``); after that the dossier is closed (``deadlines``);
* when the complete dossier arrives the processing time **restarts from zero**
  (``clock_started_at``, ``due_at``/``due_date`` and the step deadlines from the
  completion moment), not moved by the days it waited;
* a request made at receipt is completed back into the desk's "new" queue
  (``complete_intake``: ``waiting_supplement`` → ``submitted``), where the desk receives
  the now complete dossier and the clock starts at that receipt.

The functions named after actions are the workflow's effects (``workflow.TRANSITIONS``);
they run under the dossier's row lock inside ``services.transition``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureComponent
from motcua.workdays.calendar import add_working_days

from . import timelimits
from .effects import Move, keep_revision, local_date, mark_late_intake
from .exceptions import DossierError
from .models import Dossier, FormRevision, Status, SupplementRequest

# Working days the applicant has when the version does not say (Decree 118/2025).
DEFAULT_SUPPLEMENT_DAYS = 15
MAX_ITEMS = 50


def open_request(dossier: Dossier) -> SupplementRequest | None:
    """The request the dossier is waiting on (neither completed nor closed), if any."""
    return (
        dossier.supplement_request_set.filter(completed_at=None, closed_at=None)
        .order_by("-number")
        .first()
    )


def waiting_at_intake(dossier: Dossier) -> bool:
    """Whether ``dossier`` waits for a supplement asked at intake (never received): the
    applicant withdraws it rather than asking to stop it."""
    return dossier.status == Status.WAITING_SUPPLEMENT and open_request_at_intake(dossier)


def open_request_at_intake(dossier: Dossier) -> bool:
    """Whether the request the dossier waits on (if any) was made at intake."""
    request = open_request(dossier)
    return request is not None and request.at_intake


def completion_action(dossier: Dossier) -> str:
    """The action that completes the dossier's open request: ``complete_intake`` for a
    request made at receipt (the dossier goes back to the desk), else
    ``provide_supplement`` (processing restarts)."""
    request = open_request(dossier)
    if request is not None and request.at_intake:
        return "complete_intake"
    return "provide_supplement"


def requested_components(request: SupplementRequest | None) -> dict[int, str]:
    """The components a request asks files for (id → label); free-text items need none."""
    if request is None:
        return {}
    return {int(i["component"]): i["label"] for i in request.items if i.get("component")}


def check_components_provided(request: SupplementRequest | None, provided) -> None:
    """Raise DossierError listing the requested components ``provided`` (component ids
    given at least one file) leaves out: the one allowed request is completed only when
    every requested component has its file (Decree 118/2025/NĐ-CP)."""
    given = {int(c) for c in provided}
    missing = [label for pk, label in requested_components(request).items() if pk not in given]
    if missing:
        raise DossierError(
            _(
                "Chưa bổ sung đủ các thành phần hồ sơ được yêu cầu; vui lòng gửi tệp cho: "
                "%(missing)s."
            )
            % {"missing": "; ".join(missing)},
            code="supplement_incomplete",
        )


def supplement_days(version) -> int:
    return version.supplement_days or DEFAULT_SUPPLEMENT_DAYS


def clean_items(version, items, note: str) -> list[dict]:
    """The request's items as stored: ``[{"component", "label", "reason"}]``.

    ``items`` are dicts with ``component`` (a component id of ``version``, or None for a
    free item), ``label`` (free items; a component's label is its name) and ``reason``.
    Without items the note is the one free item (the API's and old callers' request).
    Raises DossierError when an item names a component of another version, has no label
    or no reason.
    """
    if not items:
        text = (note or "").strip()
        if not text:
            raise DossierError(
                _("Vui lòng liệt kê các nội dung cần bổ sung, hoàn thiện."), code="no_items"
            )
        return [{"component": None, "label": text[:500], "reason": ""}]
    if len(items) > MAX_ITEMS:
        raise DossierError(_("Yêu cầu có quá nhiều nội dung."), code="too_many_items")
    names = dict(ProcedureComponent.objects.filter(version=version).values_list("pk", "name"))
    cleaned, seen = [], set()
    for item in items:
        component = item.get("component")
        reason = str(item.get("reason") or "").strip()[:1000]
        if component not in (None, ""):
            try:
                component = int(component)
            except (TypeError, ValueError):
                component = -1
            if component not in names:
                raise DossierError(
                    _("Thành phần hồ sơ được chọn không thuộc thủ tục này."), code="bad_component"
                )
            if component in seen:
                continue
            seen.add(component)
            label = names[component]
        else:
            component = None
            label = str(item.get("label") or "").strip()[:500]
            if not label:
                raise DossierError(_("Vui lòng ghi tên nội dung cần bổ sung."), code="item_label")
        if not reason:
            raise DossierError(
                _("Vui lòng ghi lý do cần bổ sung, hoàn thiện “%(label)s”.") % {"label": label},
                code="item_reason",
            )
        cleaned.append({"component": component, "label": label, "reason": reason})
    return cleaned


def request_supplement(move: Move) -> None:
    """Effect of ``request_supplement``: one request listing everything (form 02)."""
    dossier, now = move.dossier, move.now
    version = dossier.procedure_version
    allowed = version.supplement_requests_allowed
    if dossier.supplement_requests >= allowed:
        raise DossierError(
            _(
                "Hồ sơ đã được yêu cầu bổ sung %(count)d lần; thủ tục này chỉ cho phép "
                "%(allowed)d lần. Theo Nghị định 118/2025/NĐ-CP, mọi nội dung cần bổ sung "
                "phải được nêu đầy đủ trong một lần yêu cầu."
            )
            % {"count": dossier.supplement_requests, "allowed": allowed},
            code="supplement_limit",
        )
    items = clean_items(version, move.changes.pop("supplement_items", None), move.note)
    at_intake = move.from_status == Status.SUBMITTED
    number = dossier.supplement_requests + 1
    due = add_working_days(local_date(now), supplement_days(version))
    SupplementRequest.objects.create(
        dossier=dossier,
        number=number,
        items=items,
        note=move.note,
        requested_at=now,
        requested_by=move.by,
        at_intake=at_intake,
        due_date=due,
    )
    dossier.supplement_requests = number
    dossier.supplement_due_date = due
    # "Waiting since" (the back office's queue order).
    dossier.paused_at = now
    move.fields |= {"supplement_requests", "supplement_due_date", "paused_at"}
    if at_intake:
        mark_late_intake(move)


def _complete(move: Move, request: SupplementRequest | None) -> None:
    dossier = move.dossier
    if request is not None:
        request.completed_at = move.now
        request.save(update_fields=["completed_at"])
    dossier.paused_at = None
    dossier.supplement_due_date = None
    dossier.supplement_overdue_at = None
    move.fields |= {"paused_at", "supplement_due_date", "supplement_overdue_at"}
    data = move.changes.get("form_data", dossier.form_data)
    keep_revision(dossier, data, FormRevision.Reason.SUPPLEMENT, move.by, move.now)


def provide_supplement(move: Move) -> None:
    """Effect of ``provide_supplement``: the processing time restarts from zero at the
    completion moment (the cut-off rule applies), and the deadlines with it."""
    dossier = move.dossier
    request = open_request(dossier)
    if request is not None and request.at_intake:
        raise DossierError(
            _(
                "Hồ sơ này được yêu cầu bổ sung khi tiếp nhận: sau khi bổ sung, hồ sơ trở về "
                "Bộ phận một cửa để tiếp nhận."
            ),
            code="intake_supplement",
        )
    _complete(move, request)
    start = timelimits.clock_start(dossier.agency, move.now)
    dossier.clock_started_at = start
    dossier.due_at = timelimits.legal_deadline(dossier.procedure_version, dossier.agency, start)
    dossier.due_date = local_date(dossier.due_at)
    move.restarted_at = start
    move.fields |= {"clock_started_at", "due_at", "due_date"}
    # An appointment promised by an apology before the restart is void once the new
    # legal due date is later: the time counts from zero (Decree 118/2025/NĐ-CP).
    if dossier.appointment_date and dossier.appointment_date < dossier.due_date:
        dossier.appointment_date = None
        move.fields.add("appointment_date")


def complete_intake(move: Move) -> None:
    """Effect of ``complete_intake``: a request made at receipt is completed; the dossier
    is back in the desk's "new" queue with a new 8-working-hour intake limit."""
    dossier = move.dossier
    request = open_request(dossier)
    if request is None or not request.at_intake:
        raise DossierError(
            _("Hồ sơ này không chờ bổ sung khi tiếp nhận."), code="not_intake_supplement"
        )
    _complete(move, request)
    dossier.intake_due_at = timelimits.intake_deadline(move.now)
    move.fields.add("intake_due_at")


@dataclass(frozen=True)
class Period:
    """One processing period: from receipt (or a completed supplement) to a request."""

    number: int
    start: dt.datetime
    end: dt.datetime | None


def processing_periods(dossier: Dossier) -> list[Period]:
    """The processing periods the history shows ("Lần 1: từ … đến …; Lần 2: từ …").

    The first starts at receipt; each request made during processing ends the current
    one, and its completion starts the next from zero.
    """
    start = dossier.received_at
    if start is None:
        return []
    periods: list[Period] = []
    requests = dossier.supplement_request_set.filter(at_intake=False, requested_at__gte=start)
    for request in requests.order_by("number"):
        periods.append(Period(len(periods) + 1, start, request.requested_at))
        if request.completed_at is None:
            return periods
        start = request.completed_at
    end = dossier.finished_at if dossier.finished_at and dossier.finished_at >= start else None
    periods.append(Period(len(periods) + 1, start, end))
    return periods
