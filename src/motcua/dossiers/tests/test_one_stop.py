"""The one-stop rules of Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP
(docs/ONE_STOP.md): online intake within 8 working hours, one supplement request
listing everything with the time restarting from zero, closure after the supplement
limit, rescheduling at most once, stopping at the applicant's request."""

import datetime as dt

import pytest

from motcua.agencies.models import Role
from motcua.dossiers import deadlines, services, supplements, timelimits, workflow
from motcua.dossiers.exceptions import DossierError, IllegalTransition
from motcua.dossiers.models import ApologyLetter, Dossier, Status, SupplementRequest
from motcua.dossiers.services import perform, transition
from motcua.notifications.models import Notification
from tests.factories import ApplicantFactory, MembershipFactory, procedure_version

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


def _submitted(make_dossier, at, **fields):
    dossier = make_dossier(Status.DRAFT, **fields)
    return transition(dossier, "submit", at=at)


def _ten_day_version():
    return procedure_version("HT.10", processing_days=10)


# --- Intake -----------------------------------------------------------------------


def test_the_intake_limit_is_eight_working_hours_across_a_weekend(make_dossier):
    # Fri 14 Mar 2025 15:00: 2 h on Friday, 4 h Monday morning, 2 h after lunch.
    dossier = _submitted(make_dossier, local(2025, 3, 14, 15))
    assert dossier.intake_due_at == local(2025, 3, 17, 15)
    assert timelimits.working_hours_left(dossier.intake_due_at, local(2025, 3, 17, 11)) == 2.5
    assert (
        deadlines.check_deadlines(D(2025, 3, 17), now=local(2025, 3, 17, 14)).intake_overdue == []
    )
    report = deadlines.check_deadlines(D(2025, 3, 17), now=local(2025, 3, 17, 15, 30))
    assert report.intake_overdue == [dossier.code]
    dossier.refresh_from_db()
    assert dossier.intake_overdue_at == local(2025, 3, 17, 15, 30)
    # Flagged once.
    again = deadlines.check_deadlines(D(2025, 3, 17), now=local(2025, 3, 17, 16))
    assert again.intake_overdue == []


def test_a_submission_at_lunch_starts_counting_at_one(make_dossier):
    dossier = _submitted(make_dossier, local(2025, 3, 12, 12))  # Wed, lunch break
    # 13:00–17:00 (4 h) then Thu 07:30–11:30 (4 h).
    assert dossier.intake_due_at == local(2025, 3, 13, 11, 30)


def test_receipt_in_time_is_not_late_and_receipt_after_the_limit_is(make_dossier, officer):
    early = _submitted(make_dossier, local(2025, 3, 14, 15))
    transition(early, "receive", by=officer, at=local(2025, 3, 17, 14, 59))
    assert early.intake_overdue_at is None
    late = _submitted(make_dossier, local(2025, 3, 14, 15))
    transition(late, "receive", by=officer, at=local(2025, 3, 17, 15, 1))
    late.refresh_from_db()
    assert late.intake_overdue_at == local(2025, 3, 17, 15, 1)


def test_a_dossier_asked_to_complete_in_time_is_not_flagged(make_dossier, officer):
    dossier = _submitted(make_dossier, local(2025, 3, 14, 15))
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Tờ khai", "reason": "Chưa ký"}],
        note="",
        at=local(2025, 3, 17, 9),
    )
    report = deadlines.check_deadlines(D(2025, 3, 18), now=local(2025, 3, 18, 9))
    assert report.intake_overdue == []
    dossier.refresh_from_db()
    assert dossier.intake_overdue_at is None


def test_an_intake_request_after_the_limit_is_late_intake(make_dossier, officer):
    dossier = _submitted(make_dossier, local(2025, 3, 14, 15))
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Tờ khai", "reason": "Chưa ký"}],
        at=local(2025, 3, 18, 9),
    )
    dossier.refresh_from_db()
    assert dossier.intake_overdue_at == local(2025, 3, 18, 9)


# --- Supplements ------------------------------------------------------------------


def test_one_request_lists_every_item_with_its_reason(make_dossier, officer, version):
    form, birth = version.components.order_by("position")
    dossier = make_dossier(Status.IN_PROCESS)
    services.request_supplement(
        dossier,
        by=officer,
        items=[
            {"component": form.pk, "reason": "Thiếu chữ ký"},
            {"component": str(birth.pk), "reason": "Bản chụp mờ"},
            {"component": None, "label": "Giấy ủy quyền", "reason": "Người nộp thay"},
        ],
        note="Nộp bổ sung qua Cổng dịch vụ công.",
        at=local(2025, 3, 10, 9),
    )
    request = SupplementRequest.objects.get(dossier=dossier)
    assert request.number == 1 and not request.at_intake
    assert request.items == [
        {"component": form.pk, "label": form.name, "reason": "Thiếu chữ ký"},
        {"component": birth.pk, "label": birth.name, "reason": "Bản chụp mờ"},
        {"component": None, "label": "Giấy ủy quyền", "reason": "Người nộp thay"},
    ]
    # 15 working days from Mon 10 Mar 2025.
    assert request.due_date == D(2025, 3, 31)
    dossier.refresh_from_db()
    assert dossier.supplement_due_date == D(2025, 3, 31)
    assert dossier.supplement_requests == 1


def test_items_are_checked(make_dossier, officer):
    other = procedure_version("HT.77").components.first()
    dossier = make_dossier(Status.IN_PROCESS)
    cases = [
        ([{"component": other.pk, "reason": "x"}], "bad_component"),
        ([{"label": "Giấy tờ", "reason": "  "}], "item_reason"),
        ([{"label": "", "reason": "Thiếu"}], "item_label"),
    ]
    for items, code in cases:
        with pytest.raises(DossierError) as excinfo:
            services.request_supplement(dossier, by=officer, items=items)
        assert excinfo.value.code == code
    with pytest.raises(DossierError) as excinfo:
        services.request_supplement(dossier, by=officer, items=[], note="")
    assert excinfo.value.code == "no_items"
    assert not SupplementRequest.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS


def test_a_second_request_is_refused(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    item = [{"label": "Tờ khai", "reason": "Thiếu"}]
    services.request_supplement(dossier, by=officer, items=item, at=local(2025, 3, 10, 9))
    transition(dossier, "provide_supplement", at=local(2025, 3, 12, 9))
    with pytest.raises(DossierError) as excinfo:
        services.request_supplement(dossier, by=officer, items=item, at=local(2025, 3, 13, 9))
    assert excinfo.value.code == "supplement_limit"
    assert "chỉ cho phép 1 lần" in excinfo.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS
    assert dossier.supplement_requests == 1
    assert SupplementRequest.objects.filter(dossier=dossier).count() == 1


def test_a_request_at_intake_uses_the_only_allowed_request(make_dossier, officer):
    dossier = _submitted(make_dossier, local(2025, 3, 10, 9))
    item = [{"label": "Tờ khai", "reason": "Thiếu"}]
    services.request_supplement(dossier, by=officer, items=item, at=local(2025, 3, 10, 10))
    perform(dossier, "provide_supplement", by=officer)
    transition(dossier, "receive", by=officer, at=local(2025, 3, 11, 9))
    with pytest.raises(DossierError) as excinfo:
        services.request_supplement(dossier, by=officer, items=item)
    assert excinfo.value.code == "supplement_limit"


def test_a_second_request_counts_when_the_version_allows_two(make_dossier, officer, version):
    type(version).objects.filter(pk=version.pk).update(supplement_requests_allowed=2)
    dossier = make_dossier(Status.IN_PROCESS)
    item = [{"label": "Tờ khai", "reason": "Thiếu"}]
    services.request_supplement(dossier, by=officer, items=item, at=local(2025, 3, 10, 9))
    transition(dossier, "provide_supplement", at=local(2025, 3, 11, 9))
    services.request_supplement(dossier, by=officer, items=item, at=local(2025, 3, 12, 9))
    dossier.refresh_from_db()
    assert dossier.supplement_requests == 2  # the measurement counts it as late
    assert list(dossier.supplement_request_set.values_list("number", flat=True)) == [1, 2]
    transition(dossier, "provide_supplement", at=local(2025, 3, 13, 9))
    with pytest.raises(DossierError):
        services.request_supplement(dossier, by=officer, items=item)


def test_the_processing_time_restarts_from_zero(make_dossier, officer):
    version = _ten_day_version()
    dossier = make_dossier(Status.SUBMITTED, procedure_version=version)
    transition(dossier, "receive", by=officer, at=local(2025, 3, 3, 9))  # Mon, day 1
    transition(dossier, "start_processing", by=officer, at=local(2025, 3, 3, 10))
    assert dossier.due_date == D(2025, 3, 17)
    # Day 4 (Thu 6 Mar): the request; day 9 (Thu 13 Mar): the complete dossier.
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Sơ đồ", "reason": "Thiếu"}],
        at=local(2025, 3, 6, 9),
    )
    transition(dossier, "provide_supplement", by=officer, at=local(2025, 3, 13, 10))
    dossier.refresh_from_db()
    assert dossier.clock_started_at == local(2025, 3, 13, 10)
    # 10 working days after Thu 13 Mar — not the old due date moved by 5 waited days.
    assert dossier.due_date == D(2025, 3, 27)
    assert timezone_date(dossier.due_at) == D(2025, 3, 27)
    assert dossier.supplement_due_date is None and dossier.paused_at is None
    request = dossier.supplement_request_set.get()
    assert request.completed_at == local(2025, 3, 13, 10)
    periods = supplements.processing_periods(dossier)
    assert [(p.number, p.start, p.end) for p in periods] == [
        (1, local(2025, 3, 3, 9), local(2025, 3, 6, 9)),
        (2, local(2025, 3, 13, 10), None),
    ]


def timezone_date(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_a_completion_after_the_cutoff_starts_the_next_working_day(make_dossier, officer, settings):
    settings.MOTCUA_INTAKE_CUTOFF = "15:00"
    dossier = make_dossier(Status.IN_PROCESS, procedure_version=_ten_day_version())
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Sơ đồ", "reason": "Thiếu"}],
        at=local(2025, 3, 6, 9),
    )
    transition(dossier, "provide_supplement", at=local(2025, 3, 14, 16))  # Fri 16:00
    dossier.refresh_from_db()
    assert dossier.clock_started_at == local(2025, 3, 17, 7, 30)
    assert dossier.due_date == D(2025, 3, 31)


def test_a_request_at_intake_goes_back_to_the_desk(make_dossier, officer):
    dossier = _submitted(make_dossier, local(2025, 3, 10, 9))
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Tờ khai", "reason": "Chưa ký"}],
        at=local(2025, 3, 10, 10),
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT
    assert dossier.received_at is None and dossier.due_date is None
    request = dossier.supplement_request_set.get()
    assert request.at_intake
    # The processing action is refused for it: the desk receives the complete dossier.
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "provide_supplement", at=local(2025, 3, 12, 9))
    assert excinfo.value.code == "intake_supplement"
    perform(dossier, "provide_supplement", by=officer)  # dispatches to complete_intake
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.history.last().action == "complete_intake"
    request.refresh_from_db()
    assert request.completed_at is not None
    transition(dossier, "receive", by=officer, at=local(2025, 3, 20, 9))
    dossier.refresh_from_db()
    assert dossier.received_at == local(2025, 3, 20, 9)


def test_complete_intake_needs_an_intake_request(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    services.request_supplement(dossier, by=officer, items=[{"label": "A", "reason": "B"}])
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "complete_intake")
    assert excinfo.value.code == "not_intake_supplement"


def test_closure_on_day_sixteen_not_fifteen(make_dossier, officer):
    dossier = make_dossier(
        Status.IN_PROCESS, applicant=ApplicantFactory(email="hoa@example.vn", phone="0912345678")
    )
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Tờ khai", "reason": "Thiếu"}],
        at=local(2025, 3, 3, 9),  # Mon 3 Mar 2025
    )
    dossier.refresh_from_db()
    assert dossier.supplement_due_date == D(2025, 3, 24)  # the 15th working day
    assert deadlines.check_deadlines(D(2025, 3, 24)).supplements_closed == []
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT
    report = deadlines.check_deadlines(D(2025, 3, 25))  # day 16
    assert report.supplements_closed == [dossier.code]
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.finished_at is not None
    assert dossier.supplement_request_set.get().closed_at is not None
    # The applicant is told (e-mail/SMS outbox of ``notifications``).
    notices = Notification.objects.filter(dossier_code=dossier.code, event="expire_supplement")
    assert {n.channel for n in notices} == {"email", "sms"}
    assert "24/03/2025" in notices.get(channel="email").body


def test_a_completed_dossier_is_never_closed(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    services.request_supplement(
        dossier,
        by=officer,
        items=[{"label": "Tờ khai", "reason": "Thiếu"}],
        at=local(2025, 3, 3, 9),
    )
    transition(dossier, "provide_supplement", at=local(2025, 3, 24, 16))
    assert deadlines.check_deadlines(D(2025, 3, 25)).supplements_closed == []


# --- Rescheduling -----------------------------------------------------------------


def test_a_second_apology_is_refused(make_dossier, frozen_today, leader):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 14))
    frozen_today(D(2025, 3, 12))
    letter = deadlines.draft_apology(dossier, reason="Chờ xác minh", new_date=D(2025, 3, 20))
    deadlines.approve_apology(letter, by=leader)
    with pytest.raises(DossierError) as excinfo:
        deadlines.draft_apology(dossier, reason="Lần hai", new_date=D(2025, 3, 25), by=leader)
    assert excinfo.value.code == "apology_once"
    assert "chỉ được gia hạn một lần" in excinfo.value.message
    # Nor by the job, nor by approving a draft that slipped in.
    assert deadlines.check_deadlines(D(2025, 3, 19)).apologies_drafted == []
    stray = ApologyLetter.objects.create(
        dossier=dossier, reason="x", new_date=D(2025, 3, 28), drafted_at=letter.drafted_at
    )
    with pytest.raises(DossierError) as excinfo:
        deadlines.approve_apology(stray, by=leader)
    assert excinfo.value.code == "apology_once"
    assert ApologyLetter.objects.filter(status=ApologyLetter.Status.SENT).count() == 1


def test_an_apology_must_be_made_a_working_day_before_the_due_date(
    make_dossier, frozen_today, leader
):
    dossier = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 17))  # Mon
    frozen_today(D(2025, 3, 15))  # Sat: after Fri 14, the last allowed day
    with pytest.raises(DossierError) as excinfo:
        deadlines.draft_apology(dossier, reason="Chậm", new_date=D(2025, 3, 20), by=leader)
    assert excinfo.value.code == "apology_too_late"
    assert "17/03/2025" in excinfo.value.message
    frozen_today(D(2025, 3, 14))
    deadlines.draft_apology(dossier, reason="Chậm", new_date=D(2025, 3, 20), by=leader)


def test_the_job_drafts_on_the_last_allowed_day_and_may_draft_later(make_dossier, frozen_today):
    due_monday = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 17))
    # Fri 14 is one working day before Mon 17: the job drafts on that day.
    frozen_today(D(2025, 3, 14))
    assert deadlines.check_deadlines(D(2025, 3, 14)).apologies_drafted == [due_monday.code]
    # A dossier already past its last day (the job did not run) still gets a draft.
    overdue = make_dossier(Status.IN_PROCESS, due_date=D(2025, 3, 13))
    assert deadlines.check_deadlines(D(2025, 3, 14)).apologies_drafted == [overdue.code]


# --- Stopping ---------------------------------------------------------------------


def test_withdraw_only_before_receipt_and_stop_only_after(make_dossier, officer):
    # Waiting for a supplement: only one asked at intake (never received) is withdrawn.
    assert workflow.TRANSITIONS["withdraw"].sources == {
        Status.SUBMITTED,
        Status.WAITING_SUPPLEMENT,
    }
    assert workflow.TRANSITIONS["stop"].sources == {
        Status.RECEIVED,
        Status.IN_PROCESS,
        Status.WAITING_SUPPLEMENT,
    }
    submitted = make_dossier(Status.SUBMITTED)
    with pytest.raises(IllegalTransition):
        services.stop(submitted, by=officer, reason="Không còn nhu cầu")
    transition(submitted, "withdraw", note="Nộp nhầm")
    assert submitted.status == Status.WITHDRAWN
    for status in (Status.RECEIVED, Status.IN_PROCESS, Status.WAITING_SUPPLEMENT):
        dossier = make_dossier(status)
        with pytest.raises(DossierError):
            transition(dossier, "withdraw", note="Rút")
        services.stop(dossier, by=officer, reason="Người nộp đề nghị dừng", at=local(2025, 3, 10))
        dossier.refresh_from_db()
        assert dossier.status == Status.STOPPED
        assert dossier.finished_at == local(2025, 3, 10)
        assert dossier.history.get().note == "Người nộp đề nghị dừng"
        assert not dossier.is_open
    for status in (Status.APPROVED, Status.RESULT_ISSUED, Status.STOPPED):
        with pytest.raises(IllegalTransition):
            services.stop(make_dossier(status), by=officer, reason="x")
    assert Status.STOPPED in workflow.TERMINAL
    assert workflow.allowed_actions(Status.STOPPED) == []


def test_stop_needs_the_applicants_reason(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    with pytest.raises(DossierError) as excinfo:
        services.stop(dossier, by=officer, reason="  ")
    assert excinfo.value.code == "note_required"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.IN_PROCESS


def test_stopping_a_waiting_dossier_closes_its_request(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    services.request_supplement(dossier, by=officer, items=[{"label": "A", "reason": "B"}])
    services.stop(dossier, by=officer, reason="Không còn nhu cầu")
    assert dossier.supplement_request_set.get().closed_at is not None
    assert deadlines.check_deadlines(D(2030, 1, 1)).supplements_closed == []
