"""Dossier use cases: codes, fees, due dates, counter dossiers, drafts and stale objects."""

import datetime as dt

import pytest

from motcua.catalog.models import ServiceLevel
from motcua.dossiers.exceptions import DossierError, IllegalTransition
from motcua.dossiers.models import Channel, CodeCounter, Dossier, Status, StatusChange
from motcua.dossiers.services import (
    compute_due_date,
    create_draft,
    record_counter_dossier,
    transition,
)
from motcua.workdays.calendar import add_working_days
from tests.factories import procedure_version

from .helpers import local

pytestmark = pytest.mark.django_db

D = dt.date


def counter(applicant, version, agency, officer, at):
    return record_counter_dossier(
        applicant=applicant, version=version, agency=agency, by=officer, at=at
    )


# --- submit: code and fee -------------------------------------------------------------------


def test_submit_assigns_a_code_agency_yymmdd_sequence(make_dossier, officer):
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit", by=officer, at=local(2025, 3, 10, 9))
    dossier.refresh_from_db()
    assert dossier.code == "STP-250310-0001"


def test_submit_code_uses_the_local_date_not_the_utc_date(make_dossier, officer):
    dossier = make_dossier(Status.DRAFT)
    # 18:30 UTC on 10 March is 01:30 on 11 March in Việt Nam.
    transition(dossier, "submit", by=officer, at=dt.datetime(2025, 3, 10, 18, 30, tzinfo=dt.UTC))
    dossier.refresh_from_db()
    assert dossier.code == "STP-250311-0001"


def test_submit_code_follows_the_configured_format(make_dossier, officer, settings):
    settings.MOTCUA_DOSSIER_CODE_FORMAT = "{agency}/{date:%Y%m%d}/{seq:06d}"
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit", by=officer, at=local(2025, 3, 10))
    dossier.refresh_from_db()
    assert dossier.code == "STP/20250310/000001"


def test_submit_freezes_the_online_fee_after_a_percent_discount(make_dossier, officer, version):
    assert version.fee_vnd == 50000
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit", by=officer, at=local(2025, 3, 10))
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 40000  # 20 % off 50 000 đ


def test_submit_freezes_a_zero_fee_when_online_filing_is_exempt(make_dossier, officer):
    exempt = procedure_version("HT.02", fee_vnd=8000, online_fee_policy="exempt")
    dossier = make_dossier(Status.DRAFT, procedure_version=exempt)
    transition(dossier, "submit", by=officer, at=local(2025, 3, 10))
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 0


def test_submit_sets_submitted_at_and_leaves_the_due_date_for_receipt(make_dossier, officer):
    dossier = make_dossier(Status.DRAFT)
    at = local(2025, 3, 10, 14)
    transition(dossier, "submit", by=officer, at=at)
    dossier.refresh_from_db()
    assert dossier.submitted_at == at
    assert dossier.received_at is None
    assert dossier.due_date is None


# --- receive: received_at and due date ------------------------------------------------------


def test_receive_sets_received_at(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    at = local(2025, 3, 10, 10)
    transition(dossier, "receive", by=officer, at=at)
    dossier.refresh_from_db()
    assert dossier.received_at == at


def test_receive_sets_due_date_in_working_days_after_the_day_of_receipt(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    transition(dossier, "receive", by=officer, at=local(2025, 3, 12, 10))  # Wednesday
    dossier.refresh_from_db()
    assert dossier.due_date == D(2025, 3, 17)  # Thu, Fri, Mon
    assert dossier.due_date == add_working_days(D(2025, 3, 12), 3)


def test_receive_just_before_tet_2026_puts_the_due_date_after_the_holidays(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    transition(dossier, "receive", by=officer, at=local(2026, 2, 13, 16, 45))  # Friday
    dossier.refresh_from_db()
    # 14–22 February 2026 are off (weekends and Tết); then Mon 23, Tue 24, Wed 25.
    assert dossier.due_date == D(2026, 2, 25)


def test_receive_due_date_counts_from_the_local_day_of_receipt(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    # 17:30 UTC on Thu 12 Feb 2026 is 00:30 on Fri 13 Feb in Việt Nam.
    transition(dossier, "receive", by=officer, at=dt.datetime(2026, 2, 12, 17, 30, tzinfo=dt.UTC))
    dossier.refresh_from_db()
    assert dossier.due_date == D(2026, 2, 25)


def test_receive_keeps_the_code_given_at_submission(make_dossier, officer):
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit", by=officer, at=local(2025, 3, 10, 9))
    transition(dossier, "receive", by=officer, at=local(2025, 3, 11, 9))
    dossier.refresh_from_db()
    assert dossier.code == "STP-250310-0001"
    assert CodeCounter.objects.get().value == 1


def test_receive_gives_a_code_to_a_submitted_dossier_without_one(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED, code=None)
    transition(dossier, "receive", by=officer, at=local(2025, 3, 11, 9))
    dossier.refresh_from_db()
    assert dossier.code == "STP-250311-0001"


def test_accept_transfer_keeps_the_overall_deadline(make_dossier, officer):
    dossier = make_dossier(Status.TRANSFERRED, due_date=D(2026, 3, 2))
    transition(dossier, "accept_transfer", by=officer, at=local(2026, 2, 13, 9))
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == local(2026, 2, 13, 9)
    assert dossier.due_date == D(2026, 3, 2)


def test_accept_transfer_without_a_deadline_starts_the_clock(make_dossier, officer):
    dossier = make_dossier(Status.TRANSFERRED, due_date=None)
    transition(dossier, "accept_transfer", by=officer, at=local(2026, 2, 13, 9))
    dossier.refresh_from_db()
    assert dossier.due_date == D(2026, 2, 25)


def test_compute_due_date_for_a_zero_day_procedure_on_a_weekend_is_next_working_day():
    version = procedure_version("HT.03", processing_days=0)
    assert compute_due_date(version, local(2025, 3, 8, 9)) == D(2025, 3, 10)


# --- sequence ---------------------------------------------------------------------------


def test_sequence_increments_per_agency_on_the_same_day(applicant, version, agency, officer):
    first = counter(applicant, version, agency, officer, local(2025, 3, 10, 8))
    second = counter(applicant, version, agency, officer, local(2025, 3, 10, 16))
    assert first.code == "STP-250310-0001"
    assert second.code == "STP-250310-0002"


def test_sequence_is_separate_for_each_agency(applicant, version, agency, other_agency, officer):
    counter(applicant, version, agency, officer, local(2025, 3, 10, 8))
    other = counter(applicant, version, other_agency, officer, local(2025, 3, 10, 9))
    assert other.code == "UBXA-250310-0001"


def test_sequence_restarts_the_next_day(applicant, version, agency, officer):
    counter(applicant, version, agency, officer, local(2025, 3, 10, 8))
    counter(applicant, version, agency, officer, local(2025, 3, 10, 9))
    next_day = counter(applicant, version, agency, officer, local(2025, 3, 11, 8))
    assert next_day.code == "STP-250311-0001"


def test_online_and_counter_dossiers_share_the_daily_sequence(
    make_dossier, applicant, version, agency, officer
):
    counter(applicant, version, agency, officer, local(2025, 3, 10, 8))
    online = make_dossier(Status.DRAFT)
    transition(online, "submit", by=officer, at=local(2025, 3, 10, 9))
    online.refresh_from_db()
    assert online.code == "STP-250310-0002"


# --- counter dossiers ---------------------------------------------------------------------


def test_record_counter_dossier_creates_a_received_dossier(applicant, version, agency, officer):
    at = local(2025, 3, 12, 10)
    dossier = counter(applicant, version, agency, officer, at)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.channel == Channel.COUNTER
    assert dossier.code == "STP-250312-0001"
    assert dossier.submitted_at == at
    assert dossier.received_at == at
    assert dossier.due_date == D(2025, 3, 17)


def test_record_counter_dossier_charges_the_counter_fee(applicant, version, agency, officer):
    dossier = counter(applicant, version, agency, officer, local(2025, 3, 12))
    assert dossier.fee_vnd == 50000


def test_record_counter_dossier_writes_one_history_row(applicant, version, agency, officer):
    at = local(2025, 3, 12, 10)
    dossier = counter(applicant, version, agency, officer, at)
    change = StatusChange.objects.get(dossier=dossier)
    assert change.action == "receive"
    assert change.from_status == ""
    assert change.to_status == Status.RECEIVED
    assert change.actor == officer
    assert change.at == at
    assert change.note == "Tiếp nhận trực tiếp tại Bộ phận một cửa"


def test_record_counter_dossier_accepts_the_postal_channel(applicant, version, agency, officer):
    dossier = record_counter_dossier(
        applicant=applicant,
        version=version,
        agency=agency,
        by=officer,
        at=local(2025, 3, 12),
        channel=Channel.POSTAL,
    )
    assert dossier.channel == Channel.POSTAL


def test_record_counter_dossier_accepts_a_counter_only_procedure(applicant, agency, officer):
    counter_only = procedure_version(
        "HT.04", service_level=ServiceLevel.COUNTER, not_fully_online_reason="Cần bản gốc"
    )
    dossier = counter(applicant, counter_only, agency, officer, local(2025, 3, 12))
    assert dossier.status == Status.RECEIVED


# --- drafts ---------------------------------------------------------------------------


def test_create_draft_refuses_a_counter_only_procedure(applicant, agency):
    counter_only = procedure_version(
        "HT.04", service_level=ServiceLevel.COUNTER, not_fully_online_reason="Cần bản gốc"
    )
    with pytest.raises(DossierError) as excinfo:
        create_draft(applicant=applicant, version=counter_only, agency=agency)
    assert excinfo.value.code == "not_online"
    assert "Bộ phận một cửa" in excinfo.value.message
    assert not Dossier.objects.exists()


def test_create_draft_makes_an_online_draft_without_a_code(applicant, version, agency):
    dossier = create_draft(
        applicant=applicant, version=version, agency=agency, form_data={"ho_ten": "Nguyễn Văn A"}
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT
    assert dossier.channel == Channel.ONLINE
    assert dossier.code is None
    assert dossier.form_data == {"ho_ten": "Nguyễn Văn A"}
    assert not StatusChange.objects.exists()


def test_create_draft_accepts_a_partially_online_procedure(applicant, agency):
    partial = procedure_version(
        "HT.05", service_level=ServiceLevel.PARTIAL, not_fully_online_reason="Trả bản giấy"
    )
    dossier = create_draft(applicant=applicant, version=partial, agency=agency)
    assert dossier.status == Status.DRAFT


# --- stale objects ------------------------------------------------------------------------


def test_stale_object_cannot_repeat_an_action_already_applied(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    first = Dossier.objects.get(pk=dossier.pk)
    stale = Dossier.objects.get(pk=dossier.pk)
    transition(first, "receive", by=officer, at=local(2025, 3, 10, 9))
    assert stale.status == Status.SUBMITTED  # still believes it can be received
    with pytest.raises(IllegalTransition) as excinfo:
        transition(stale, "receive", by=officer, at=local(2025, 3, 10, 9, 1))
    assert "Đã tiếp nhận" in excinfo.value.message
    assert StatusChange.objects.filter(dossier=dossier).count() == 1
    dossier.refresh_from_db()
    assert dossier.received_at == local(2025, 3, 10, 9)


def test_stale_object_cannot_apply_an_action_from_its_outdated_status(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    first = Dossier.objects.get(pk=dossier.pk)
    stale = Dossier.objects.get(pk=dossier.pk)
    transition(first, "refuse", by=officer)
    with pytest.raises(IllegalTransition):
        transition(stale, "approve", by=officer)
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert StatusChange.objects.filter(dossier=dossier).count() == 1


def test_stale_object_may_apply_an_action_legal_from_the_current_status(make_dossier, officer):
    dossier = make_dossier(Status.RECEIVED)
    first = Dossier.objects.get(pk=dossier.pk)
    stale = Dossier.objects.get(pk=dossier.pk)
    transition(first, "start_processing", by=officer)
    transition(stale, "approve", by=officer)  # legal from in_process, the status in the DB
    assert stale.status == Status.APPROVED
    change = StatusChange.objects.filter(dossier=dossier).last()
    assert change.from_status == Status.IN_PROCESS


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_status_label_is_the_one_django_would_give(language):
    from django.utils import translation

    field = Dossier._meta.get_field("status")
    with translation.override(language):
        for value in [*Status.values, Status.SUBMITTED, "unknown", None]:
            dossier = Dossier(status=value)
            expected = Dossier._get_FIELD_display(dossier, field=field)
            assert dossier.get_status_display() == expected
        assert Dossier(status=Status.DRAFT).get_status_display() == str(Status.DRAFT.label)
