"""Review fixes of the one-stop rules (docs/ONE_STOP.md): the supplement due-date backfill
and the job's dry run, apologies against restarts from zero, the apology lead time and a
late approval, withdrawing a dossier asked to complete at intake."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.dossiers import deadlines, services, workflow
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import ApologyLetter, Status
from motcua.dossiers.services import transition
from tests.factories import MembershipFactory, procedure_version

from .helpers import local

pytestmark = pytest.mark.django_db
D = dt.date

backfill = importlib.import_module(
    "motcua.dossiers.migrations.0008_backfill_supplement_due_date"
).backfill_supplement_due_dates


@pytest.fixture
def leader(agency):
    return MembershipFactory(agency=agency, role=Role.LEADER).user


@pytest.fixture
def frozen_today(monkeypatch):
    def freeze(day: dt.date):
        monkeypatch.setattr(deadlines, "_today", lambda: day)

    return freeze


# --- Backfill and dry run -------------------------------------------------------------


def test_the_backfill_counts_the_limit_from_the_migration_day(make_dossier):
    old = procedure_version("HT.30", supplement_days=30, close_when_supplement_expires=False)
    short = procedure_version("HT.05", supplement_days=5)
    long_waiting = make_dossier(
        Status.WAITING_SUPPLEMENT, procedure_version=old, paused_at=local(2024, 1, 3, 9)
    )
    short_waiting = make_dossier(
        Status.WAITING_SUPPLEMENT, procedure_version=short, paused_at=local(2024, 1, 3, 9)
    )
    already = make_dossier(Status.WAITING_SUPPLEMENT, supplement_due_date=D(2025, 3, 20))
    running = make_dossier(Status.IN_PROCESS)
    assert backfill(apps, None, today=D(2025, 3, 10)) == 2
    for dossier in (long_waiting, short_waiting, already, running):
        dossier.refresh_from_db()
    # Mon 10 Mar 2025 + 30 working days (Mon 7 Apr, Hùng Kings' day, is off) = Tue 22 Apr;
    # a 5-day version gets the minimum 15.
    assert long_waiting.supplement_due_date == D(2025, 4, 22)
    assert short_waiting.supplement_due_date == D(2025, 3, 31)
    assert already.supplement_due_date == D(2025, 3, 20)
    assert running.supplement_due_date is None
    # So the first run after deploying closes none of them.
    assert deadlines.check_deadlines(D(2025, 3, 11)).supplements_closed == []
    assert backfill(apps, None, today=D(2025, 3, 11)) == 0  # safe to run again


def test_the_dry_run_lists_and_writes_nothing(make_dossier, frozen_today):
    late_intake = make_dossier(Status.SUBMITTED, intake_due_at=local(2025, 3, 10, 9))
    due_soon = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 12))
    overdue = make_dossier(Status.WAITING_SUPPLEMENT, supplement_due_date=D(2025, 3, 7))
    frozen_today(D(2025, 3, 10))
    report = deadlines.check_deadlines(D(2025, 3, 10), now=local(2025, 3, 10, 10), dry_run=True)
    assert report.dry_run
    assert report.intake_overdue == [late_intake.code]
    assert report.apologies_drafted == [due_soon.code]
    assert report.supplements_closed == [overdue.code]
    for dossier in (late_intake, due_soon, overdue):
        dossier.refresh_from_db()
    assert late_intake.intake_overdue_at is None
    assert overdue.status == Status.WAITING_SUPPLEMENT
    assert not ApologyLetter.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="dossier.").exists()
    out = io.StringIO()
    call_command("check_deadlines", "--date", "2025-03-10", "--dry-run", stdout=out)
    assert "--dry-run" in out.getvalue() and overdue.code in out.getvalue()
    overdue.refresh_from_db()
    assert overdue.status == Status.WAITING_SUPPLEMENT


# --- Apologies and the restart from zero ------------------------------------------------


def test_no_apology_while_waiting_for_a_supplement(make_dossier, frozen_today, leader, officer):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 12))
    letter = deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 20))
    services.request_supplement(
        dossier, by=officer, items=[{"label": "Sơ đồ", "reason": "Thiếu"}], at=local(2025, 3, 12, 9)
    )
    dossier.refresh_from_db()
    with pytest.raises(DossierError) as excinfo:
        deadlines.approve_apology(letter, by=leader)
    assert excinfo.value.code == "apology_waiting_supplement"
    assert "tính lại từ đầu" in excinfo.value.message
    letter.refresh_from_db()
    assert letter.status == ApologyLetter.Status.DRAFT
    deadlines.cancel_apology(letter, by=leader)
    with pytest.raises(DossierError) as excinfo:
        deadlines.draft_apology(dossier, reason="x", new_date=D(2025, 3, 20), by=leader)
    assert excinfo.value.code == "apology_waiting_supplement"


def test_a_restart_voids_an_earlier_appointment(make_dossier, officer):
    version = procedure_version("HT.10", processing_days=10)
    dossier = make_dossier(
        Status.IN_PROCESS,
        procedure_version=version,
        due_date=D(2025, 3, 14),
        appointment_date=D(2025, 3, 20),
    )
    services.request_supplement(
        dossier, by=officer, items=[{"label": "Sơ đồ", "reason": "Thiếu"}], at=local(2025, 3, 12, 9)
    )
    transition(dossier, "provide_supplement", at=local(2025, 3, 13, 10))
    dossier.refresh_from_db()
    assert dossier.due_date == D(2025, 3, 27)
    assert dossier.appointment_date is None


def test_the_job_drafts_the_lead_days_ahead(make_dossier, frozen_today, settings):
    settings.MOTCUA_APOLOGY_LEAD_DAYS = 2
    due_tuesday = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 18))
    due_wednesday = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 19))
    frozen_today(D(2025, 3, 14))  # Fri: Tue 18 is two working days away
    assert deadlines.check_deadlines(D(2025, 3, 14)).apologies_drafted == [due_tuesday.code]
    settings.MOTCUA_APOLOGY_LEAD_DAYS = 3
    assert deadlines.check_deadlines(D(2025, 3, 14)).apologies_drafted == [due_wednesday.code]


def test_a_late_approval_is_sent_and_recorded_as_late(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 18))  # Tue
    frozen_today(D(2025, 3, 14))
    letter = deadlines.draft_apology(dossier, reason="Chậm", new_date=D(2025, 3, 25))
    assert not deadlines.approval_is_late(dossier, D(2025, 3, 17))  # Mon: the last day
    frozen_today(D(2025, 3, 18))  # the due date itself
    assert deadlines.approval_is_late(dossier)
    deadlines.approve_apology(letter, by=leader)
    letter.refresh_from_db()
    assert letter.status == ApologyLetter.Status.SENT
    audit = AuditRecord.objects.get(action="dossier.apology_sent")
    assert audit.data["late"] is True


def test_an_approval_in_time_is_not_late(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 18))
    frozen_today(D(2025, 3, 17))
    letter = deadlines.draft_apology(dossier, reason="Chậm", new_date=D(2025, 3, 25))
    deadlines.approve_apology(letter, by=leader)
    assert AuditRecord.objects.get(action="dossier.apology_sent").data["late"] is False


# --- Withdraw or stop ---------------------------------------------------------------------


def test_a_dossier_asked_to_complete_at_intake_is_withdrawn_not_stopped(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    services.request_supplement(
        dossier, by=officer, items=[{"label": "Tờ khai", "reason": "Chưa ký"}]
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT
    assert workflow.may_withdraw(dossier) and not workflow.may_stop(dossier)
    with pytest.raises(DossierError) as excinfo:
        services.stop(dossier, by=officer, reason="Không cần nữa")
    assert excinfo.value.code == "stop_not_received"
    transition(dossier, "withdraw", note="Không cần nữa")
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.supplement_request_set.get().closed_at is not None


def test_a_received_waiting_dossier_is_stopped_not_withdrawn(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    services.request_supplement(dossier, by=officer, items=[{"label": "Sơ đồ", "reason": "Thiếu"}])
    dossier.refresh_from_db()
    assert workflow.may_stop(dossier) and not workflow.may_withdraw(dossier)
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "withdraw", note="Rút")
    assert excinfo.value.code == "withdraw_received"


def test_form_06_measures_against_the_legal_due_date_not_the_appointment():
    from motcua.backoffice.paperwork import control
    from motcua.dossiers.models import Dossier

    late = Dossier(
        due_date=D(2025, 3, 14), due_at=local(2025, 3, 14, 17), appointment_date=D(2025, 3, 20)
    )
    assert control.legal_timeliness(late, local(2025, 3, 18, 9)) == "Quá hạn"
    assert control.legal_timeliness(late, local(2025, 3, 14, 17, 30)) == "Quá hạn"
    assert control.legal_timeliness(late, local(2025, 3, 14, 16)) == "Đúng hạn"
    assert control.legal_timeliness(late, local(2025, 3, 13, 9)) == "Trước hạn"
    assert {"complete_intake", "stop"} <= set(control.APPLICANT_ACTIONS)
