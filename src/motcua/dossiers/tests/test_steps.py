"""The dossier's path through the internal process, transfers and their timing."""

import datetime as dt

import pytest

from motcua.agencies.models import Role
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import AgencyPart, Dossier, Status, StepRecord
from motcua.dossiers.services import transition
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

from .helpers import local

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def staff(agency):
    """A desk officer, a specialist and a leader of the dossier's agency."""
    return {
        role: MembershipFactory(agency=agency, role=role).user
        for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
    }


def _received(make_dossier, staff, at=None):
    dossier = make_dossier(Status.SUBMITTED)
    transition(dossier, "receive", by=staff[Role.DESK_OFFICER], at=at or local(2025, 3, 10, 9))
    return dossier


def test_receiving_puts_the_dossier_at_the_desk_step(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    assert dossier.current_step.name == "Tiếp nhận hồ sơ"
    assert dossier.step_due_date == D(2025, 3, 10)
    assert StepRecord.objects.get(dossier=dossier).finished_at is None


def test_handing_over_gives_the_specialist_step_its_own_deadline(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    specialist = staff[Role.SPECIALIST]
    transition(
        dossier,
        "start_processing",
        by=staff[Role.DESK_OFFICER],
        at=local(2025, 3, 10, 10),
        assignee=specialist,
    )
    dossier.refresh_from_db()
    assert dossier.current_step.role == Role.SPECIALIST
    assert dossier.assignee == specialist
    assert dossier.step_due_date == D(2025, 3, 12)  # 2 working days
    desk_step, specialist_step = StepRecord.objects.filter(dossier=dossier)
    assert desk_step.finished_at == local(2025, 3, 10, 10)
    assert specialist_step.assignee == specialist and specialist_step.finished_at is None


def test_a_step_cannot_be_given_to_an_officer_without_its_role(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    with pytest.raises(DossierError) as excinfo:
        transition(
            dossier, "start_processing", by=staff[Role.DESK_OFFICER], assignee=staff[Role.LEADER]
        )
    assert "không có vai trò" in excinfo.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.current_step.role == Role.DESK_OFFICER


def test_an_officer_of_another_agency_cannot_be_assigned(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    stranger = MembershipFactory(agency=AgencyFactory(), role=Role.SPECIALIST).user
    with pytest.raises(DossierError):
        transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER], assignee=stranger)


def test_the_specialists_opinion_is_kept_and_the_dossier_goes_to_the_leader(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER])
    transition(dossier, "assign", by=staff[Role.SPECIALIST], assignee=staff[Role.SPECIALIST])
    transition(
        dossier,
        "give_opinion",
        by=staff[Role.SPECIALIST],
        note="Hồ sơ đủ điều kiện, đề nghị cấp.",
        assignee=staff[Role.LEADER],
    )
    dossier.refresh_from_db()
    assert dossier.current_step.role == Role.LEADER
    assert dossier.assignee == staff[Role.LEADER]
    examined = StepRecord.objects.get(dossier=dossier, role=Role.SPECIALIST)
    assert examined.opinion == "Hồ sơ đủ điều kiện, đề nghị cấp."
    assert examined.finished_by == staff[Role.SPECIALIST]


def test_a_dossier_walks_every_step_to_the_returned_result(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    desk, specialist, leader = (staff[r] for r in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER))
    transition(dossier, "start_processing", by=desk, assignee=specialist)
    transition(dossier, "give_opinion", by=specialist, note="Đủ điều kiện")
    transition(dossier, "approve", by=leader)
    assert dossier.current_step.name == "Trả kết quả"
    transition(dossier, "issue_result", by=desk)
    transition(dossier, "return_result", by=desk)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.current_step is None and dossier.assignee is None
    names = list(StepRecord.objects.filter(dossier=dossier).values_list("name", flat=True))
    assert names == [
        "Tiếp nhận hồ sơ",
        "Thẩm định, xử lý hồ sơ",
        "Phê duyệt kết quả",
        "Trả kết quả",
    ]
    assert not StepRecord.objects.filter(dossier=dossier, finished_at=None).exists()


def test_at_the_leaders_step_the_dossier_is_decided_not_forwarded(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER])
    transition(dossier, "forward", by=staff[Role.SPECIALIST])
    assert dossier.current_step.role == Role.LEADER
    with pytest.raises(DossierError) as excinfo:
        transition(dossier, "forward", by=staff[Role.LEADER])
    assert "phê duyệt hoặc từ chối" in excinfo.value.message
    transition(dossier, "approve", by=staff[Role.LEADER])
    assert dossier.status == Status.APPROVED


def test_approving_at_the_last_step_closes_the_process(make_dossier, staff, version):
    version.steps.filter(position__gt=3).delete()  # the process ends with the leader
    dossier = _received(make_dossier, staff)
    transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER])
    transition(dossier, "forward", by=staff[Role.SPECIALIST])
    transition(dossier, "approve", by=staff[Role.LEADER])
    dossier.refresh_from_db()
    assert dossier.status == Status.APPROVED and dossier.current_step is None
    assert not StepRecord.objects.filter(dossier=dossier, finished_at=None).exists()


def test_a_stale_page_cannot_hand_on_a_step_twice(make_dossier, staff):
    from motcua.dossiers.exceptions import ConcurrentChange

    dossier = _received(make_dossier, staff)
    transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER])
    first = Dossier.objects.get(pk=dossier.pk)
    second = Dossier.objects.get(pk=dossier.pk)
    transition(first, "give_opinion", by=staff[Role.SPECIALIST], note="Đủ điều kiện")
    with pytest.raises(ConcurrentChange):
        transition(second, "give_opinion", by=staff[Role.SPECIALIST], note="Đủ điều kiện")
    assert Dossier.objects.get(pk=dossier.pk).current_step.role == Role.LEADER


def test_a_transfer_on_the_due_day_gives_at_least_one_day_not_the_full_time(
    make_dossier, staff, other_agency
):
    dossier = _received(make_dossier, staff)  # received Mon 10 Mar, due Thu 13 Mar
    transition(
        dossier,
        "transfer",
        by=staff[Role.LEADER],
        note="Chuyển phối hợp",
        at=local(2025, 3, 13, 9),
        agency=other_agency,
    )
    assert AgencyPart.objects.get(dossier=dossier, agency=other_agency).days == 1


def test_step_deadlines_skip_tet(make_dossier, staff):
    # Received on Friday 13 Feb 2026, the last working day before Tết Bính Ngọ.
    dossier = _received(make_dossier, staff, at=local(2026, 2, 13, 9))
    transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER], at=local(2026, 2, 13, 10))
    dossier.refresh_from_db()
    assert dossier.due_date == D(2026, 2, 25)
    assert dossier.step_due_date == D(2026, 2, 24)  # 2 working days after Tết


def test_a_complete_supplement_restarts_the_step_deadline_too(make_dossier, staff):
    # Was: moved by the paused days. Decree 118/2025: the time restarts from zero.
    dossier = _received(make_dossier, staff)
    transition(dossier, "start_processing", by=staff[Role.SPECIALIST], at=local(2025, 3, 10, 10))
    transition(
        dossier,
        "request_supplement",
        by=staff[Role.SPECIALIST],
        note="Thiếu giấy chứng sinh",
        at=local(2025, 3, 11, 9),
    )
    transition(dossier, "provide_supplement", at=local(2025, 3, 14, 9))
    dossier.refresh_from_db()
    # Completed Fri 14: the specialist's step (2 days, was due Wed 12) restarts: Tue 18;
    # the dossier's 3 working days restart too: Wed 19.
    assert dossier.step_due_date == D(2025, 3, 18)
    assert StepRecord.objects.get(dossier=dossier, finished_at=None).due_date == D(2025, 3, 18)
    assert dossier.due_date == D(2025, 3, 19)


def test_a_transfer_times_each_agencys_part(make_dossier, staff, other_agency):
    dossier = _received(make_dossier, staff)
    origin = dossier.agency
    transition(
        dossier,
        "transfer",
        by=staff[Role.LEADER],
        note="Chuyển UBND xã xác minh",
        at=local(2025, 3, 11, 9),
        agency=other_agency,
        part_days=2,
    )
    transition(dossier, "accept_transfer", at=local(2025, 3, 12, 9))
    dossier.refresh_from_db()
    assert dossier.agency == other_agency
    assert dossier.due_date == D(2025, 3, 13)  # the overall deadline is kept
    first, second = AgencyPart.objects.filter(dossier=dossier)
    assert (first.agency, first.finished_at) == (origin, local(2025, 3, 11, 9))
    assert (second.agency, second.days) == (other_agency, 2)
    assert second.started_at == local(2025, 3, 12, 9)
    assert second.due_date == D(2025, 3, 14)
    assert dossier.current_step.name == "Tiếp nhận hồ sơ"


def test_a_failed_step_change_leaves_nothing_behind(make_dossier, staff):
    dossier = _received(make_dossier, staff)
    before = StepRecord.objects.count()
    with pytest.raises(DossierError):
        transition(dossier, "start_processing", by=staff[Role.DESK_OFFICER], assignee=UserFactory())
    assert StepRecord.objects.count() == before
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
