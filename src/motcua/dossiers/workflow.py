"""The dossier lifecycle: one explicit, table-driven state machine.

Every allowed move is one row of ``TRANSITIONS``: an action name, the statuses
it may start from, and the status it leads to. Nothing else may change
``Dossier.status``; ``services.transition`` applies a row atomically.

    draft ─submit→ submitted ─receive→ received ─start→ in_process ─approve→ approved
                      │  └refuse_intake→ refused       │   ⇅ request/provide supplement
                      │                                 └refuse→ refused
    approved ─issue_result→ result_issued ─return_result→ returned
    submitted ─withdraw→ withdrawn                     (only before receipt)
    received/in_process/waiting_supplement ─stop→ stopped   (at the applicant's request)
    submitted ⇄ waiting_supplement   (request_supplement at receipt / complete_intake)
    received/in_process ─transfer→ transferred ─accept_transfer→ received
    waiting_supplement ─expire_supplement→ refused   (the deadline job, after supplement_days)

Inside ``in_process`` the dossier moves along the procedure version's internal
process (``ProcessStep``s): ``assign`` gives the current step to an officer,
``give_opinion`` (the specialist's opinion) and ``forward`` hand it to the next
step's unit. These are self-loops of the machine, recorded like any other move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import effects, supplements
from .models import Status

# Who starts an action: an officer (back office and API), the applicant, or the system.
OFFICER, APPLICANT, SYSTEM = "officer", "applicant", "system"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str
    # Fields the caller may set in the same step (everything else is the service's).
    fields: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    # What the action does besides the status (``effects``); run under the row lock.
    effect: Callable[[effects.Move], None] | None = None
    actor: str = OFFICER
    # The note is the reason given to the citizen or the next officer.
    note_required: bool = False


def _t(
    action: str,
    sources: set[str],
    target: str,
    label,
    fields=(),
    required=(),
    *,
    effect=None,
    actor=OFFICER,
    note_required=False,
) -> Transition:
    return Transition(
        action,
        frozenset(sources),
        target,
        label,
        frozenset(fields),
        frozenset(required),
        effect,
        actor,
        note_required,
    )


OPEN_BEFORE_DECISION = {
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROCESS,
    Status.WAITING_SUPPLEMENT,
}
# Where the applicant may ask to stop the processing (Decree 118/2025/NĐ-CP Art. 21):
# once received and not yet decided (before receipt they withdraw).
STOPPABLE = {Status.RECEIVED, Status.IN_PROCESS, Status.WAITING_SUPPLEMENT}


def may_withdraw(dossier) -> bool:
    """Whether the applicant withdraws ``dossier`` (never received: submitted, or waiting
    for a supplement asked at intake)."""
    return dossier.status == Status.SUBMITTED or supplements.waiting_at_intake(dossier)


def may_stop(dossier) -> bool:
    """Whether the applicant may ask to stop ``dossier`` (received and not yet decided)."""
    return dossier.status in STOPPABLE and not supplements.waiting_at_intake(dossier)


# Rows in the order the back office shows their buttons.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t(
            "submit",
            {Status.DRAFT},
            Status.SUBMITTED,
            _("Nộp hồ sơ"),
            # What the submission records of the applicant's sign-in (the e-ID level, an
            # agent's draft confirmed by the applicant signing in): the same UPDATE.
            ("identity_assurance", "on_behalf_confirmation", "on_behalf_confirmed_at"),
            effect=effects.submit,
            actor=APPLICANT,
        ),
        _t(
            "receive",
            {Status.SUBMITTED},
            Status.RECEIVED,
            _("Tiếp nhận hồ sơ"),
            effect=effects.receive_submitted,
        ),
        _t(
            "refuse_intake",
            {Status.SUBMITTED},
            Status.REFUSED,
            _("Từ chối tiếp nhận"),
            effect=effects.finish,
            note_required=True,
        ),
        _t(
            "start_processing",
            {Status.RECEIVED},
            Status.IN_PROCESS,
            _("Chuyển xử lý"),
            fields={"assignee"},
        ),
        _t(
            "assign",
            {Status.IN_PROCESS},
            Status.IN_PROCESS,
            _("Phân công xử lý"),
            fields={"assignee"},
            required={"assignee"},
        ),
        _t(
            "give_opinion",
            {Status.IN_PROCESS},
            Status.IN_PROCESS,
            _("Cho ý kiến thẩm định và chuyển bước tiếp theo"),
            fields={"assignee"},
            note_required=True,
        ),
        _t(
            "forward",
            {Status.IN_PROCESS},
            Status.IN_PROCESS,
            _("Chuyển bước tiếp theo"),
            fields={"assignee"},
        ),
        # At receipt (from submitted: before the clock starts) or during processing;
        # one request lists everything (form 02, Decree 118/2025/NĐ-CP).
        _t(
            "request_supplement",
            {Status.SUBMITTED, Status.RECEIVED, Status.IN_PROCESS},
            Status.WAITING_SUPPLEMENT,
            _("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
            fields={"supplement_items"},
            effect=supplements.request_supplement,
            note_required=True,
        ),
        _t(
            "provide_supplement",
            {Status.WAITING_SUPPLEMENT},
            Status.IN_PROCESS,
            _("Bổ sung hồ sơ"),
            fields={"form_data"},
            effect=supplements.provide_supplement,
        ),
        # A request made at receipt, completed: the dossier is back at the desk.
        _t(
            "complete_intake",
            {Status.WAITING_SUPPLEMENT},
            Status.SUBMITTED,
            _("Bổ sung hồ sơ khi tiếp nhận"),
            fields={"form_data"},
            effect=supplements.complete_intake,
            actor=APPLICANT,
        ),
        _t(
            "approve",
            {Status.IN_PROCESS},
            Status.APPROVED,
            _("Phê duyệt"),
            effect=effects.finish,
        ),
        _t(
            "refuse",
            {Status.RECEIVED, Status.IN_PROCESS, Status.WAITING_SUPPLEMENT},
            Status.REFUSED,
            _("Từ chối giải quyết"),
            effect=effects.finish,
            note_required=True,
        ),
        _t(
            "transfer",
            {Status.RECEIVED, Status.IN_PROCESS},
            Status.TRANSFERRED,
            _("Chuyển cơ quan khác (liên thông)"),
            fields={"agency"},
            required={"agency"},
            effect=effects.check_other_agency,
            note_required=True,
        ),
        _t(
            "accept_transfer",
            {Status.TRANSFERRED},
            Status.RECEIVED,
            _("Tiếp nhận liên thông"),
            effect=effects.receive,
        ),
        _t(
            "issue_result",
            {Status.APPROVED},
            Status.RESULT_ISSUED,
            _("Ban hành kết quả"),
            effect=effects.mark_result_electronic,
        ),
        _t(
            "return_result",
            {Status.RESULT_ISSUED},
            Status.RETURNED,
            _("Trả kết quả"),
            effect=effects.return_result,
        ),
        # Before receipt the applicant withdraws; after it they ask to stop (Art. 21).
        _t(
            "withdraw",
            # Waiting: only a supplement asked at intake (never received; effects.withdraw).
            {Status.SUBMITTED, Status.WAITING_SUPPLEMENT},
            Status.WITHDRAWN,
            _("Rút hồ sơ"),
            effect=effects.withdraw,
            actor=APPLICANT,
        ),
        _t(
            "stop",
            STOPPABLE,
            Status.STOPPED,
            _("Dừng giải quyết theo đề nghị của người nộp"),
            effect=effects.stop,
            note_required=True,
        ),
        _t(
            "expire_supplement",
            {Status.WAITING_SUPPLEMENT},
            Status.REFUSED,
            _("Kết thúc do quá hạn bổ sung"),
            effect=effects.finish,
            actor=SYSTEM,
        ),
    ]
}

# Derived from the table (never listed by hand elsewhere):
# the actions an officer does, in the order of the back office's buttons and the API's;
OFFICER_ACTIONS: tuple[str, ...] = tuple(
    name for name, t in TRANSITIONS.items() if t.actor == OFFICER
)
# those whose note is required;
NOTE_REQUIRED = frozenset(name for name, t in TRANSITIONS.items() if t.note_required)
# those whose caller may name the officer the (next) step is given to;
ASSIGNING = frozenset(name for name, t in TRANSITIONS.items() if "assignee" in t.fields)
# those that move the dossier along its process without changing its status.
STEP_MOVES = frozenset(
    name for name, t in TRANSITIONS.items() if t.sources == frozenset({t.target})
)

# The applicant may rate the handling once the result exists.
RATEABLE = frozenset({Status.RESULT_ISSUED, Status.RETURNED})

TERMINAL = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})


def allowed_actions(status: str) -> list[str]:
    """The actions that may start from ``status``."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]
