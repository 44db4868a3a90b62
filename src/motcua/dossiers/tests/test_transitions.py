"""Every cell of the workflow table: legal moves succeed and are recorded, the rest change nothing.

The cases are generated from ``workflow.TRANSITIONS`` and ``Status``, so a new
status or action is covered without editing this file.
"""

import pytest

from motcua.dossiers.exceptions import DossierError, IllegalTransition
from motcua.dossiers.models import (
    CodeCounter,
    Dossier,
    Status,
    StatusChange,
    SupplementRequest,
)
from motcua.dossiers.services import transition
from motcua.dossiers.workflow import TRANSITIONS, allowed_actions
from tests.factories import AgencyFactory

from .helpers import local


def _extra(action):
    """What an action needs besides the actor (a transfer names the receiving agency;
    an assignment names the officer, or None to give the step back to its unit)."""
    required = TRANSITIONS[action].required
    extra = {"agency": AgencyFactory()} if "agency" in required else {}
    if "assignee" in required:
        extra["assignee"] = None
    if action == "request_supplement":
        # One request lists everything (Decree 118/2025): at least one item.
        extra["supplement_items"] = [{"component": None, "label": "Giấy tờ", "reason": "Thiếu"}]
    return extra


def _dossier(make_dossier, action, source):
    """A dossier in ``source``; one waiting on a request made at receipt for the action
    that completes such a request, and for a withdrawal while waiting (only a dossier
    never received may be withdrawn)."""
    dossier = make_dossier(source)
    if action == "complete_intake" or (action == "withdraw" and source == "waiting_supplement"):
        SupplementRequest.objects.create(
            dossier=dossier, number=1, requested_at=AT, at_intake=True, due_date=AT.date()
        )
    return dossier


pytestmark = pytest.mark.django_db

LEGAL = [
    (action, source) for action, rule in TRANSITIONS.items() for source in sorted(rule.sources)
]
ILLEGAL = [
    (action, status)
    for action, rule in TRANSITIONS.items()
    for status in Status.values
    if status not in rule.sources
]
AT = local(2025, 3, 10, 9, 30)


def _ids(pair):
    return f"{pair[0]}-from-{pair[1]}"


def _row(dossier):
    return Dossier.objects.filter(pk=dossier.pk).values().get()


def test_the_table_has_legal_and_illegal_pairs_for_every_action():
    assert {action for action, _ in LEGAL} == set(TRANSITIONS)
    assert len(LEGAL) + len(ILLEGAL) == len(TRANSITIONS) * len(Status.values)


def test_every_status_is_reachable_or_the_start():
    targets = {rule.target for rule in TRANSITIONS.values()}
    assert set(Status.values) - targets == {Status.DRAFT}


@pytest.mark.parametrize(("action", "source"), LEGAL, ids=map(_ids, LEGAL))
def test_legal_transition_moves_the_dossier_to_the_target_status(
    action, source, make_dossier, officer
):
    dossier = _dossier(make_dossier, action, source)
    transition(dossier, action, by=officer, note="Ghi chú kiểm thử", at=AT, **_extra(action))
    dossier.refresh_from_db()
    assert dossier.status == TRANSITIONS[action].target


@pytest.mark.parametrize(("action", "source"), LEGAL, ids=map(_ids, LEGAL))
def test_legal_transition_writes_exactly_one_history_row(action, source, make_dossier, officer):
    dossier = _dossier(make_dossier, action, source)
    transition(dossier, action, by=officer, note="Ghi chú kiểm thử", at=AT, **_extra(action))
    change = StatusChange.objects.get(dossier=dossier)
    assert change.action == action
    assert change.from_status == source
    assert change.to_status == TRANSITIONS[action].target
    assert change.actor == officer
    assert change.note == "Ghi chú kiểm thử"
    assert change.at == AT


@pytest.mark.parametrize(("action", "source"), LEGAL, ids=map(_ids, LEGAL))
def test_legal_transition_updates_the_object_passed_in(action, source, make_dossier, officer):
    dossier = _dossier(make_dossier, action, source)
    returned = transition(dossier, action, by=officer, at=AT, **_extra(action))
    assert dossier.status == TRANSITIONS[action].target
    assert returned.status == TRANSITIONS[action].target
    assert returned.pk == dossier.pk


@pytest.mark.parametrize(("action", "status"), ILLEGAL, ids=map(_ids, ILLEGAL))
def test_illegal_transition_raises_with_a_vietnamese_message(action, status, make_dossier, officer):
    dossier = make_dossier(status)
    with pytest.raises(IllegalTransition) as excinfo:
        transition(dossier, action, by=officer, at=AT)
    message = excinfo.value.message
    assert message.startswith("Không thể thực hiện “")
    assert f"“{TRANSITIONS[action].label}”" in message
    assert f"trạng thái “{Status(status).label}”" in message
    assert excinfo.value.code == "illegal_transition"


@pytest.mark.parametrize(("action", "status"), ILLEGAL, ids=map(_ids, ILLEGAL))
def test_illegal_transition_changes_nothing(action, status, make_dossier, officer):
    dossier = make_dossier(status)
    before = _row(dossier)
    with pytest.raises(IllegalTransition):
        transition(dossier, action, by=officer, at=AT)
    assert _row(dossier) == before
    assert dossier.status == status
    assert StatusChange.objects.filter(dossier=dossier).count() == 0
    assert CodeCounter.objects.count() == 0


@pytest.mark.parametrize("status", Status.values)
def test_allowed_actions_lists_exactly_the_legal_actions(status):
    assert set(allowed_actions(status)) == {a for a, s in LEGAL if s == status}


def test_unknown_action_raises_dossier_error(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    before = _row(dossier)
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "publish_on_facebook", by=officer)
    assert not isinstance(excinfo.value, IllegalTransition)
    assert excinfo.value.code == "unknown_action"
    assert excinfo.value.message == "Thao tác không hợp lệ."
    assert _row(dossier) == before
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    ("action", "source", "field"),
    [
        ("submit", Status.DRAFT, "submitted_at"),
        ("receive", Status.SUBMITTED, "received_at"),
        ("accept_transfer", Status.TRANSFERRED, "received_at"),
        ("approve", Status.IN_PROCESS, "finished_at"),
        ("refuse", Status.IN_PROCESS, "finished_at"),
        ("refuse_intake", Status.SUBMITTED, "finished_at"),
        ("return_result", Status.RESULT_ISSUED, "returned_at"),
    ],
)
def test_transition_stamps_its_moment(action, source, field, make_dossier, officer):
    dossier = make_dossier(source)
    transition(dossier, action, by=officer, at=AT)
    dossier.refresh_from_db()
    assert getattr(dossier, field) == AT


def test_supplement_request_marks_the_waiting_time(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    transition(dossier, "request_supplement", by=officer, note="Thiếu tờ khai", at=AT)
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT
    assert dossier.paused_at == AT
    assert dossier.supplement_requests == 1


def test_providing_the_supplement_restarts_the_processing_time(make_dossier, officer):
    # Was: the due date moved by the paused working days. Decree 118/2025: from zero.
    import datetime as dt

    dossier = make_dossier(Status.IN_PROCESS, due_date=dt.date(2025, 3, 14))
    transition(dossier, "request_supplement", by=officer, note="Thiếu", at=AT)  # Mon 10 Mar
    transition(dossier, "provide_supplement", by=officer, at=local(2025, 3, 17, 9))
    dossier.refresh_from_db()
    assert dossier.paused_at is None
    assert dossier.clock_started_at == local(2025, 3, 17, 9)
    assert dossier.due_date == dt.date(2025, 3, 20)  # 3 working days after Mon 17


def test_a_caller_cannot_set_lifecycle_fields_through_a_transition(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "approve", by=officer, status=Status.RETURNED)
    assert excinfo.value.code == "invalid_changes"
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS


def test_transfer_needs_another_agency(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    with pytest.raises(DossierError):
        transition(dossier, "transfer", by=officer)
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "transfer", by=officer, agency=dossier.agency)
    assert excinfo.value.code == "same_agency"
    other = AgencyFactory()
    transition(dossier, "transfer", by=officer, agency=other)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.agency) == (Status.TRANSFERRED, other)


def test_history_records_a_whole_lifecycle_in_order(make_dossier, officer):
    dossier = make_dossier(Status.DRAFT)
    path = [
        "submit",
        "receive",
        "start_processing",
        "request_supplement",
        "provide_supplement",
        "approve",
        "issue_result",
        "return_result",
    ]
    for minute, action in enumerate(path):
        note = "Thiếu giấy chứng sinh" if action == "request_supplement" else ""
        transition(dossier, action, by=officer, note=note, at=local(2025, 3, 10, 9, minute))
    history = list(StatusChange.objects.filter(dossier=dossier))
    assert [h.action for h in history] == path
    assert [h.from_status for h in history[1:]] == [h.to_status for h in history[:-1]]
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert not dossier.is_open
