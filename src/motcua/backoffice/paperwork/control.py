"""Form 06, Phiếu kiểm soát quá trình giải quyết hồ sơ (Circular 03/2025/TT-VPCP,
Appendix I; form 05 of Circular 01/2018/TT-VPCP): every hand-over of the dossier, from
which unit and officer to which, when, and how the giving step ended against its
deadline (before, on or after it), with a signature cell for who gave and who took.

Built from what the platform recorded: the internal steps (``StepRecord``: a step closes
when the next opens), the transfers to other agencies (``AgencyPart``), and the
hand-overs to and from the applicant in the history (a supplement asked and provided,
the result returned).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.agencies.models import Role
from motcua.dossiers.models import Dossier, Status

from . import common

APPLICANT_ACTIONS = (
    "request_supplement",
    "provide_supplement",
    "complete_intake",
    "stop",
    "return_result",
)


@dataclass
class Handover:
    giver_unit: str
    giver: str
    taker_unit: str
    taker: str
    at: dt.datetime
    result: str = ""
    note: str = ""

    @property
    def moment(self) -> str:
        return common.spoken_moment(self.at)


def _step_unit(record) -> str:
    unit = record.step.unit_name if record.step_id and record.step else ""
    role = Role(record.role).label if record.role in Role.values else record.role
    label = f"{record.name} ({unit or role})"
    if record.agency_id:
        label += f" – {record.agency.name}"
    return label


def _desk(dossier: Dossier) -> str:
    return _("Bộ phận Một cửa – %(agency)s") % {"agency": common.issuing_agency(dossier).name}


def step_handovers(dossier: Dossier) -> list[Handover]:
    records = list(
        dossier.steps.select_related("step", "agency", "assignee", "finished_by").order_by(
            "started_at", "pk"
        )
    )
    rows: list[Handover] = []
    if records and records[0].role != Role.DESK_OFFICER and dossier.received_at:
        received = common.first_change(dossier, to_status=Status.RECEIVED)
        rows.append(
            Handover(
                _desk(dossier),
                common.person_name(received.actor if received else None),
                _step_unit(records[0]),
                common.person_name(records[0].assignee),
                records[0].started_at,
            )
        )
    for current, following in zip(records, records[1:], strict=False):
        rows.append(
            Handover(
                _step_unit(current),
                common.person_name(current.finished_by),
                _step_unit(following),
                common.person_name(following.assignee),
                current.finished_at or following.started_at,
                common.timeliness(current.finished_at, current.due_date),
                current.opinion,
            )
        )
    return rows


def transfer_handovers(dossier: Dossier) -> list[Handover]:
    parts = list(dossier.agency_parts.select_related("agency").order_by("sent_at", "pk"))
    rows = []
    for previous, part in zip(parts, parts[1:], strict=False):
        if part.sent_at is None:
            continue
        note = _("Giao %(days)s ngày làm việc") % {"days": part.days}
        if part.started_at:
            note += "; " + _("nhận lúc %(at)s") % {"at": common.spoken_moment(part.started_at)}
        rows.append(
            Handover(
                previous.agency.name,
                "",
                part.agency.name,
                "",
                part.sent_at,
                common.timeliness(previous.finished_at, previous.due_date),
                note,
            )
        )
    return rows


def legal_timeliness(dossier: Dossier, finished: dt.datetime) -> str:
    """Form 06's result against the legal due date (``due_at`` to the minute when known):
    an apology's appointment date does not make a late dossier on time."""
    if dossier.due_at and finished > dossier.due_at:
        return _("Quá hạn")
    return common.timeliness(finished, dossier.due_date)


def applicant_handovers(dossier: Dossier) -> list[Handover]:
    applicant = dossier.applicant.name
    rows = []
    changes = dossier.history.filter(action__in=APPLICANT_ACTIONS).select_related("actor")
    for change in changes.order_by("at", "pk"):
        officer = common.person_name(change.actor)
        if change.action in ("provide_supplement", "complete_intake"):
            rows.append(
                Handover(
                    _("Người nộp hồ sơ"),
                    applicant,
                    _desk(dossier),
                    officer,
                    change.at,
                    note=_("Nộp hồ sơ bổ sung") + (f": {change.note}" if change.note else ""),
                )
            )
            continue
        if change.action == "request_supplement":
            note = _("Yêu cầu bổ sung, hoàn thiện hồ sơ") + (
                f": {change.note}" if change.note else ""
            )
            result = ""
        elif change.action == "stop":
            note = _("Dừng giải quyết theo đề nghị của người nộp") + (
                f": {change.note}" if change.note else ""
            )
            result = ""
        else:
            note = _("Trả kết quả")
            result = legal_timeliness(dossier, dossier.finished_at or change.at)
        rows.append(
            Handover(
                _desk(dossier), officer, _("Người nộp hồ sơ"), applicant, change.at, result, note
            )
        )
    return rows


def build_control(dossier: Dossier) -> dict:
    rows = step_handovers(dossier) + transfer_handovers(dossier) + applicant_handovers(dossier)
    rows.sort(key=lambda row: row.at)
    partners = sorted(
        {part.agency.name for part in dossier.agency_parts.select_related("agency")}
        - {dossier.agency.name}
    )
    return {
        "made_at": dossier.received_at,
        "handovers": rows,
        "partners": partners,
        "register": common.register_entry(dossier),
    }
