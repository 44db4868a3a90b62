"""Time limits as the law states them: cut-off hour, units, the 8-hour intake limit."""

import datetime as dt

import pytest

from motcua.catalog.models import ProcessingUnit
from motcua.dossiers.effects import compute_due_date
from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.dossiers.timelimits import (
    clock_start,
    intake_cutoff,
    intake_deadline,
    legal_deadline,
    working_hours_left,
)
from motcua.workdays.calendar import is_working_day
from tests.factories import AgencyFactory, procedure_version

from .helpers import local

pytestmark = pytest.mark.django_db

D = dt.date
CUTOFF = dt.time(15, 0)


def version_in(unit, amount, code="TL.01"):
    return procedure_version(code, processing_days=amount, processing_unit=unit)


@pytest.fixture
def ward():
    return AgencyFactory(code="P.KB", intake_cutoff=CUTOFF)


# --- Where the clock starts ----------------------------------------------------------


def test_a_dossier_received_before_the_cut_off_counts_from_that_moment(ward):
    assert clock_start(ward, local(2025, 3, 12, 14, 59)) == local(2025, 3, 12, 14, 59)


def test_a_dossier_received_at_the_cut_off_still_counts_that_day(ward):
    assert clock_start(ward, local(2025, 3, 12, 15, 0)) == local(2025, 3, 12, 15, 0)


def test_a_dossier_received_after_the_cut_off_counts_from_the_next_morning(ward):
    assert clock_start(ward, local(2025, 3, 12, 15, 1)) == local(2025, 3, 13, 7, 30)


def test_friday_after_the_cut_off_counts_from_monday(ward):
    assert clock_start(ward, local(2025, 3, 14, 15, 1)) == local(2025, 3, 17, 7, 30)


def test_a_dossier_received_on_a_day_off_counts_from_the_next_working_day():
    agency = AgencyFactory()
    assert clock_start(agency, local(2025, 3, 15, 9, 0)) == local(2025, 3, 17, 7, 30)
    # Tết 2027: Thursday 4 to Wednesday 10 February.
    assert clock_start(agency, local(2027, 2, 8, 10, 0)) == local(2027, 2, 11, 7, 30)


def test_without_any_cut_off_the_close_of_office_hours_is_the_cut_off(settings):
    settings.MOTCUA_INTAKE_CUTOFF = ""
    agency = AgencyFactory()
    assert intake_cutoff(agency) is None
    # Up to the close (17:00) the day counts; after it, the next working day's opening.
    assert clock_start(agency, local(2025, 3, 12, 17, 0)) == local(2025, 3, 12, 17, 0)
    assert clock_start(agency, local(2025, 3, 12, 18, 30)) == local(2025, 3, 13, 7, 30)


def test_friday_evening_and_saturday_morning_are_due_on_the_same_day(settings):
    settings.MOTCUA_INTAKE_CUTOFF = ""
    agency = AgencyFactory()
    one_day = version_in(ProcessingUnit.WORKING_DAYS, 1)
    friday_evening = clock_start(agency, local(2025, 3, 14, 18, 0))
    saturday_morning = clock_start(agency, local(2025, 3, 15, 8, 0))
    assert friday_evening == saturday_morning == local(2025, 3, 17, 7, 30)
    # The moved-to Monday is not counted (as with a cut-off): due Tuesday at the close.
    due = legal_deadline(one_day, agency, friday_evening)
    assert due == legal_deadline(one_day, agency, saturday_morning) == local(2025, 3, 18, 17, 0)
    # Friday before the close counts Friday as the (uncounted) first day: due Monday.
    friday_afternoon = clock_start(agency, local(2025, 3, 14, 16, 0))
    assert legal_deadline(one_day, agency, friday_afternoon) == local(2025, 3, 17, 17, 0)


def test_a_cut_off_after_the_close_is_the_close(settings):
    settings.MOTCUA_INTAKE_CUTOFF = "20:00"
    agency = AgencyFactory()
    assert clock_start(agency, local(2025, 3, 12, 18, 0)) == local(2025, 3, 13, 7, 30)


def test_the_setting_is_the_cut_off_of_an_agency_without_one(settings):
    settings.MOTCUA_INTAKE_CUTOFF = "16:00"
    agency = AgencyFactory()
    assert clock_start(agency, local(2025, 3, 12, 15, 30)) == local(2025, 3, 12, 15, 30)
    assert clock_start(agency, local(2025, 3, 12, 16, 1)) == local(2025, 3, 13, 7, 30)
    assert clock_start(None, local(2025, 3, 12, 16, 1)) == local(2025, 3, 13, 7, 30)


def test_a_unit_inherits_the_cut_off_of_its_parent_agency(ward, settings):
    settings.MOTCUA_INTAKE_CUTOFF = "16:30"
    unit = AgencyFactory(code="P.KB.1", parent=ward)
    assert intake_cutoff(unit) == CUTOFF
    assert clock_start(unit, local(2025, 3, 12, 15, 30)) == local(2025, 3, 13, 7, 30)


def test_a_unit_s_own_cut_off_wins_over_its_parent_s(ward):
    unit = AgencyFactory(code="P.KB.1", parent=ward, intake_cutoff=dt.time(16, 0))
    assert clock_start(unit, local(2025, 3, 12, 15, 30)) == local(2025, 3, 12, 15, 30)


# --- The deadline in each unit ---------------------------------------------------------


def test_working_hours_deadline():
    version = version_in(ProcessingUnit.WORKING_HOURS, 8)
    # Monday 14:00–17:00, Tuesday 07:30–11:30 and 13:00–14:00.
    assert legal_deadline(version, None, local(2025, 3, 10, 14, 0)) == local(2025, 3, 11, 14, 0)


def test_working_days_deadline_ends_at_the_close_of_the_nth_working_day():
    version = version_in(ProcessingUnit.WORKING_DAYS, 15)
    # The start day is not counted: Tue 11 … Fri 14 (4), 17–21 (9), 24–28 (14), Mon 31.
    assert legal_deadline(version, None, local(2025, 3, 10, 10, 0)) == local(2025, 3, 31, 17, 0)


def test_working_days_deadline_skips_tet_2027():
    version = version_in(ProcessingUnit.WORKING_DAYS, 2)
    assert legal_deadline(version, None, local(2027, 2, 2, 9, 0)) == local(2027, 2, 11, 17, 0)


def test_calendar_days_count_weekends_and_holidays():
    version = version_in(ProcessingUnit.CALENDAR_DAYS, 30)
    # Monday 2 March 2026 + 30 days = Wednesday 1 April 2026.
    assert legal_deadline(version, None, local(2026, 3, 2, 9, 0)) == local(2026, 4, 1, 17, 0)


def test_calendar_days_ending_on_a_holiday_end_on_the_next_working_day():
    # Civil Code 2015 Art. 148(5). 31 March + 30 days = Thursday 30 April 2026
    # (Reunification day), then 1 May (Labour day) and the weekend.
    version = version_in(ProcessingUnit.CALENDAR_DAYS, 30)
    assert not is_working_day(D(2026, 4, 30))
    assert legal_deadline(version, None, local(2026, 3, 31, 9, 0)) == local(2026, 5, 4, 17, 0)


def test_calendar_days_ending_on_a_saturday_end_on_monday():
    version = version_in(ProcessingUnit.CALENDAR_DAYS, 5)
    assert legal_deadline(version, None, local(2025, 3, 10, 9, 0)) == local(2025, 3, 17, 17, 0)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (local(2029, 1, 31), local(2029, 2, 28, 17, 0)),
        (local(2028, 1, 31), local(2028, 2, 29, 17, 0)),  # leap year
        (local(2026, 3, 16), local(2026, 4, 16, 17, 0)),
    ],
    ids=str,
)
def test_one_month_ends_on_the_same_date_or_the_last_day_of_the_month(start, end):
    assert legal_deadline(version_in(ProcessingUnit.MONTHS, 1), None, start) == end


def test_months_ending_on_a_day_off_end_on_the_next_working_day():
    version = version_in(ProcessingUnit.MONTHS, 3)
    # 31 January 2026 + 3 months = 30 April 2026, a holiday → Monday 4 May.
    assert legal_deadline(version, None, local(2026, 1, 30, 9, 0)) == local(2026, 5, 4, 17, 0)


def test_compute_due_date_applies_the_cut_off_and_the_unit(ward):
    version = version_in(ProcessingUnit.WORKING_DAYS, 1)
    assert compute_due_date(version, local(2025, 3, 14, 14, 59), ward) == D(2025, 3, 17)
    assert compute_due_date(version, local(2025, 3, 14, 15, 1), ward) == D(2025, 3, 18)


# --- The 8-hour intake limit and the hours left -----------------------------------------


def test_an_online_dossier_must_be_received_within_8_working_hours():
    # Friday 15:00–17:00, Monday 07:30–11:30 and 13:00–15:00.
    assert intake_deadline(local(2025, 3, 14, 15, 0)) == local(2025, 3, 17, 15, 0)


def test_an_online_dossier_arriving_at_night_is_due_at_the_next_close():
    assert intake_deadline(local(2025, 3, 11, 22, 0)) == local(2025, 3, 12, 17, 0)


def test_an_online_dossier_arriving_before_tet_2027():
    # Wednesday 16:00–17:00, then Thursday 11 February 07:30–11:30 and 13:00–16:00.
    assert intake_deadline(local(2027, 2, 3, 16, 0)) == local(2027, 2, 11, 16, 0)


def test_working_hours_left_before_and_after_the_deadline():
    deadline = local(2025, 3, 17, 15, 0)
    assert working_hours_left(deadline, local(2025, 3, 14, 15, 0)) == 8
    assert working_hours_left(deadline, local(2025, 3, 17, 13, 0)) == 2
    assert working_hours_left(deadline, local(2025, 3, 18, 8, 30)) == -3


# --- A received dossier ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "amount", "due_at"),
    [
        (ProcessingUnit.WORKING_HOURS, 8, local(2025, 3, 13, 14, 0)),
        (ProcessingUnit.WORKING_DAYS, 3, local(2025, 3, 17, 17, 0)),
        (ProcessingUnit.CALENDAR_DAYS, 3, local(2025, 3, 17, 17, 0)),  # Sat 15 → Mon 17
        (ProcessingUnit.MONTHS, 1, local(2025, 4, 14, 17, 0)),  # Sun 12 April → Mon 14
    ],
    ids=str,
)
def test_a_received_dossier_gets_its_deadline_in_the_procedure_s_unit(
    unit, amount, due_at, make_dossier, officer
):
    dossier = make_dossier(Status.SUBMITTED, procedure_version=version_in(unit, amount))
    transition(dossier, "receive", by=officer, at=local(2025, 3, 12, 14, 0))
    dossier.refresh_from_db()
    assert dossier.clock_started_at == local(2025, 3, 12, 14, 0)
    assert dossier.due_at == due_at
    assert dossier.due_date == due_at.date()


def test_a_dossier_received_after_the_agency_s_cut_off_starts_the_next_morning(
    make_dossier, officer
):
    ward = AgencyFactory(code="P.VC", intake_cutoff=CUTOFF)
    version = version_in(ProcessingUnit.WORKING_DAYS, 1)
    dossier = make_dossier(Status.SUBMITTED, procedure_version=version, agency=ward)
    transition(dossier, "receive", by=officer, at=local(2025, 3, 14, 15, 1))  # Friday
    dossier.refresh_from_db()
    assert dossier.clock_started_at == local(2025, 3, 17, 7, 30)
    assert dossier.due_at == local(2025, 3, 18, 17, 0)
    assert dossier.due_date == D(2025, 3, 18)


def test_a_transferred_dossier_keeps_its_deadline(make_dossier, officer):
    started, due = local(2025, 3, 3, 9, 0), local(2025, 3, 20, 17, 0)
    dossier = make_dossier(
        Status.TRANSFERRED, clock_started_at=started, due_at=due, due_date=due.date()
    )
    transition(dossier, "accept_transfer", by=officer, at=local(2025, 3, 12, 10, 0))
    dossier.refresh_from_db()
    assert (dossier.clock_started_at, dossier.due_at, dossier.due_date) == (
        started,
        due,
        due.date(),
    )
