"""The dossier lifecycle: one explicit, table-driven state machine.

Every allowed move is one row of ``TRANSITIONS``: an action name, the statuses
it may start from, and the status it leads to. Nothing else may change
``Dossier.status``; ``services.transition`` applies a row atomically.

    draft ─submit→ submitted ─receive→ received ─start→ in_process ─approve→ approved
                      │  └refuse_intake→ refused       │   ⇅ request/provide supplement
                      │                                 └refuse→ refused
    approved ─issue_result→ result_issued ─return_result→ returned
    submitted/received/in_process/waiting_supplement ─withdraw→ withdrawn
    received/in_process ─transfer→ transferred ─accept_transfer→ received
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str
    # Fields the caller may set in the same step (everything else is the service's).
    fields: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()


def _t(action: str, sources: set[str], target: str, label, fields=(), required=()) -> Transition:
    return Transition(
        action, frozenset(sources), target, label, frozenset(fields), frozenset(required)
    )


OPEN_BEFORE_DECISION = {
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROCESS,
    Status.WAITING_SUPPLEMENT,
}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("submit", {Status.DRAFT}, Status.SUBMITTED, _("Nộp hồ sơ")),
        _t("receive", {Status.SUBMITTED}, Status.RECEIVED, _("Tiếp nhận hồ sơ")),
        _t("refuse_intake", {Status.SUBMITTED}, Status.REFUSED, _("Từ chối tiếp nhận")),
        _t("start_processing", {Status.RECEIVED}, Status.IN_PROCESS, _("Chuyển xử lý")),
        _t(
            "request_supplement",
            {Status.RECEIVED, Status.IN_PROCESS},
            Status.WAITING_SUPPLEMENT,
            _("Yêu cầu bổ sung hồ sơ"),
        ),
        _t(
            "provide_supplement",
            {Status.WAITING_SUPPLEMENT},
            Status.IN_PROCESS,
            _("Bổ sung hồ sơ"),
            fields={"form_data"},
        ),
        _t("approve", {Status.IN_PROCESS}, Status.APPROVED, _("Phê duyệt")),
        _t(
            "refuse",
            {Status.RECEIVED, Status.IN_PROCESS, Status.WAITING_SUPPLEMENT},
            Status.REFUSED,
            _("Từ chối giải quyết"),
        ),
        _t("issue_result", {Status.APPROVED}, Status.RESULT_ISSUED, _("Ban hành kết quả")),
        _t("return_result", {Status.RESULT_ISSUED}, Status.RETURNED, _("Trả kết quả")),
        _t("withdraw", OPEN_BEFORE_DECISION, Status.WITHDRAWN, _("Rút hồ sơ")),
        _t(
            "transfer",
            {Status.RECEIVED, Status.IN_PROCESS},
            Status.TRANSFERRED,
            _("Chuyển cơ quan khác (liên thông)"),
            fields={"agency"},
            required={"agency"},
        ),
        _t("accept_transfer", {Status.TRANSFERRED}, Status.RECEIVED, _("Tiếp nhận liên thông")),
    ]
}

TERMINAL = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN})


def allowed_actions(status: str) -> list[str]:
    """The actions that may start from ``status``."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]
