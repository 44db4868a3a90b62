"""Apology letters for late dossiers and the overdue-supplement job."""

import datetime as dt

import pytest
from django.core.management import call_command

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.dossiers import deadlines
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import ApologyLetter, Status
from motcua.dossiers.services import transition
from motcua.dossiers.signals import dossier_event
from tests.factories import MembershipFactory, procedure_version

from .helpers import local

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def leader(agency):
    return MembershipFactory(agency=agency, role=Role.LEADER).user


@pytest.fixture
def frozen_today(monkeypatch):
    def freeze(day: dt.date):
        monkeypatch.setattr(deadlines, "_today", lambda: day)

    return freeze


def test_a_dossier_due_tomorrow_gets_a_draft_apology(make_dossier, frozen_today):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    report = deadlines.check_deadlines(D(2025, 3, 13))
    assert report.apologies_drafted == [dossier.code]
    letter = ApologyLetter.objects.get(dossier=dossier)
    assert letter.status == ApologyLetter.Status.DRAFT
    assert letter.drafted_by is None  # drafted by the system
    assert letter.new_date > D(2025, 3, 14)


def test_a_dossier_with_time_left_gets_no_apology(make_dossier):
    make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 20))
    assert deadlines.check_deadlines(D(2025, 3, 13)).apologies_drafted == []


def test_the_job_does_not_draft_a_second_letter(make_dossier, frozen_today):
    make_dossier(Status.RECEIVED, due_date=D(2025, 3, 12))
    frozen_today(D(2025, 3, 13))
    deadlines.check_deadlines(D(2025, 3, 13))
    deadlines.check_deadlines(D(2025, 3, 13))
    assert ApologyLetter.objects.count() == 1


def test_a_second_draft_by_hand_is_refused(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 20), by=leader)
    with pytest.raises(DossierError) as excinfo:
        deadlines.draft_apology(dossier, reason="Lần hai", new_date=D(2025, 3, 21), by=leader)
    assert "đang chờ lãnh đạo duyệt" in excinfo.value.message
    assert excinfo.value.code == "apology_exists"


def test_approving_sends_the_letter_and_sets_the_new_appointment(
    make_dossier, frozen_today, leader
):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    letter = deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 19))
    sent = []

    def listen(sender, **kwargs):
        sent.append((kwargs["event"], kwargs["data"]))

    dossier_event.connect(listen)
    try:
        deadlines.approve_apology(letter, by=leader, new_date=D(2025, 3, 20))
    finally:
        dossier_event.disconnect(listen)
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.status == ApologyLetter.Status.SENT and letter.decided_by == leader
    assert dossier.appointment_date == D(2025, 3, 20)
    assert dossier.due_date == D(2025, 3, 14)  # still counts as late
    assert sent == [("apology_sent", {"new_date": "2025-03-20", "reason": "Chờ xác minh"})]
    assert AuditRecord.objects.filter(action="dossier.apology_sent").count() == 1


def test_a_letter_is_approved_only_once(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    letter = deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 19))
    deadlines.approve_apology(letter, by=leader)
    with pytest.raises(DossierError):
        deadlines.approve_apology(letter, by=leader)


def test_the_new_date_must_be_in_the_future(make_dossier, frozen_today):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    with pytest.raises(DossierError) as excinfo:
        deadlines.draft_apology(dossier, reason="x", new_date=D(2025, 3, 13))
    assert "sau ngày hôm nay" in excinfo.value.message


def test_a_waiting_dossier_from_before_the_requests_counts_from_paused_at(make_dossier):
    # Updated for Decree 118/2025: no more "flagged only"; 15 working days by default.
    dossier = make_dossier(Status.WAITING_SUPPLEMENT, paused_at=local(2025, 3, 3, 9))
    # 15 working days from Mon 3 Mar 2025: Mon 24 Mar.
    assert deadlines.supplement_deadline(dossier) == D(2025, 3, 24)
    assert deadlines.check_deadlines(D(2025, 3, 24)).supplements_closed == []
    report = deadlines.check_deadlines(D(2025, 3, 25))
    assert report.supplements_closed == [dossier.code]
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED


def test_an_overdue_supplement_is_closed_whatever_the_procedure_said(make_dossier, applicant):
    # close_when_supplement_expires=False no longer keeps it open (Decree 118/2025).
    version = procedure_version(
        "HT.09", supplement_days=5, close_when_supplement_expires=False, processing_days=3
    )
    dossier = make_dossier(
        Status.WAITING_SUPPLEMENT, procedure_version=version, paused_at=local(2025, 3, 3, 9)
    )
    report = deadlines.check_deadlines(D(2025, 3, 11))
    assert report.supplements_closed == [dossier.code]
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.finished_at is not None
    assert "Quá thời hạn bổ sung" in dossier.history.get().note


def test_check_deadlines_command_reports_in_vietnamese(make_dossier, capsys):
    make_dossier(Status.WAITING_SUPPLEMENT, paused_at=local(2025, 3, 3, 9))
    call_command("check_deadlines", "--date", "2025-04-16")
    assert "đã kết thúc do quá hạn bổ sung: 1" in capsys.readouterr().out


def test_a_cancelled_letter_is_not_drafted_again(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    deadlines.check_deadlines(D(2025, 3, 13))
    deadlines.cancel_apology(ApologyLetter.objects.get(dossier=dossier), by=leader)
    assert deadlines.check_deadlines(D(2025, 3, 14)).apologies_drafted == []


def test_a_letter_whose_date_has_passed_is_not_sent(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    letter = deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 17))
    frozen_today(D(2025, 3, 18))
    with pytest.raises(DossierError):
        deadlines.approve_apology(letter, by=leader)
    deadlines.approve_apology(letter, by=leader, new_date=D(2025, 3, 20))


def test_a_letter_for_a_decided_dossier_is_not_sent(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 13))
    letter = deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 19))
    transition(dossier, "approve", by=leader)
    with pytest.raises(DossierError) as excinfo:
        deadlines.approve_apology(letter, by=leader)
    assert "đã được giải quyết" in excinfo.value.message
