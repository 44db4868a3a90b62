"""Each indicator on a small hand-built data set; the expected values are worked out by hand.

The calendar of October 2026 has no holiday: Mon 5, Tue 6, Wed 7, Thu 8, Fri 9,
Mon 12, Tue 13 … are working days. The fixture procedure takes 3 working days, so a
dossier received on Mon 5 October is due on Thu 8 October.
"""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion, ServiceLevel
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier
from motcua.monitoring.indicators import grade_of, median
from motcua.monitoring.models import Indicator
from motcua.monitoring.periods import current_month, parse
from motcua.monitoring.reports import kpi_report
from motcua.monitoring.selectors import Context, Filters, figures_for, ranking
from motcua.monitoring.tests.conftest import local
from tests.factories import AgencyFactory, procedure_version

pytestmark = pytest.mark.django_db

OCTOBER = parse("2026-10")


def figures(node, period=OCTOBER, **filters):
    node_id = node.pk if node is not None else None
    return figures_for([node_id], period, filters=Filters(**filters), ctx=Context())[node_id]


def value(node, indicator, period=OCTOBER, **filters):
    return figures(node, period, **filters).value(indicator)


# --- Dossiers filed online ------------------------------------------------------------


def test_online_share_counts_received_dossiers_by_channel(world, version, department):
    for day in (5, 6, 7):
        world.online(version, department, local(2026, 10, day))
    world.counter(version, department, local(2026, 10, 8))
    world.counter(version, department, local(2026, 10, 9), channel=Channel.POSTAL)
    # Not counted: refused at intake (never received), and received in September.
    refused = services.create_draft(applicant=world.applicant, version=version, agency=department)
    services.transition(refused, "submit", at=local(2026, 10, 12))
    services.transition(refused, "refuse_intake", at=local(2026, 10, 12), note="Sai thủ tục")
    world.online(version, department, local(2026, 9, 30))

    # 3 online of 5 received: 60 %.
    assert figures(department).received == 5
    assert value(department, Indicator.ONLINE_DOSSIERS) == pytest.approx(60.0)


def test_an_agency_without_dossiers_has_no_online_share_rather_than_zero(department):
    assert value(department, Indicator.ONLINE_DOSSIERS) is None


def test_reuse_share_counts_dossiers_with_data_reused_from_registries(world, version, department):
    world.online(version, department, local(2026, 10, 5), reused=True)
    world.online(version, department, local(2026, 10, 5))
    world.counter(version, department, local(2026, 10, 6))
    world.counter(version, department, local(2026, 10, 6))

    # 1 of 4 received dossiers reused registry data: 25 %.
    assert value(department, Indicator.REUSE) == pytest.approx(25.0)


def test_any_date_range_counts_the_days_in_it(world, version, department):
    for day in (dt.date(2026, 9, 30), dt.date(2026, 10, 5), dt.date(2026, 11, 2)) + (
        dt.date(2026, 11, 20),
    ):
        world.counter(version, department, local(day.year, day.month, day.day))

    # Part of September, all of October (read month-wise), part of November.
    assert figures(department, parse("2026-09-30..2026-11-02")).received == 3
    assert figures(department, parse("2026-Q4")).received == 3
    assert figures(department, parse("2026-11-03..2026-11-30")).received == 1
    assert figures(department, parse("2026")).received == 4


def test_periods_split_into_whole_months_and_the_days_around_them():
    from motcua.monitoring.selectors import _spans

    d = dt.date
    assert _spans(d(2026, 10, 1), d(2026, 12, 31)) == ((d(2026, 10, 1), d(2026, 12, 1)), [])
    assert _spans(d(2026, 9, 30), d(2026, 11, 2)) == (
        (d(2026, 10, 1), d(2026, 10, 1)),
        [(d(2026, 9, 30), d(2026, 9, 30)), (d(2026, 11, 1), d(2026, 11, 2))],
    )
    assert _spans(d(2026, 10, 5), d(2026, 10, 20)) == (None, [(d(2026, 10, 5), d(2026, 10, 20))])


# --- Timeliness -------------------------------------------------------------------------


def test_early_on_time_and_late_compare_the_decision_day_with_the_due_date(
    world, version, department
):
    early, on_time, late, withdrawn = (
        world.counter(version, department, local(2026, 10, 5)) for _ in range(4)
    )
    assert early.due_date == dt.date(2026, 10, 8)
    world.decide(early, local(2026, 10, 7))
    world.decide(on_time, local(2026, 10, 8, 16))
    world.decide(late, local(2026, 10, 9))
    # Stopped at the applicant's request after receipt (was: withdrawn): not a decision.
    services.transition(withdrawn, "stop", at=local(2026, 10, 6), note="Không còn nhu cầu")

    fig = figures(department)
    assert (fig.early, fig.on_time, fig.late, fig.finished) == (1, 1, 1, 3)
    # 2 of 3 decided by the due date.
    assert fig.value(Indicator.ON_TIME) == pytest.approx(200 / 3)


def test_a_complete_supplement_restarts_the_due_date(world, version, department):
    # Was: the pause moved the due date by the waited days. Decree 118/2025: from zero.
    dossier = world.counter(version, department, local(2026, 10, 5))
    services.transition(dossier, "start_processing", at=local(2026, 10, 5, 10))
    services.transition(
        dossier, "request_supplement", at=local(2026, 10, 6), note="Thiếu giấy chứng sinh"
    )
    services.transition(dossier, "provide_supplement", at=local(2026, 10, 9))
    dossier.refresh_from_db()
    # Completed Fri 9: 3 working days from then, Wed 14 (the first due date was Thu 8).
    assert dossier.due_date == dt.date(2026, 10, 14)
    services.transition(dossier, "approve", at=local(2026, 10, 12))

    fig = figures(department)
    # Decided Mon 12 before Wed 14: early, although after the first due date.
    assert (fig.early, fig.late) == (1, 0)
    # The processing time (AVG_DAYS) from the clock's periods is the measurement's
    # (monitoring, issue #19): the due date no longer says how long the dossier waited.


def test_a_dossier_closed_while_waiting_for_a_supplement_is_not_judged_on_time(
    world, version, department
):
    dossier = world.counter(version, department, local(2026, 10, 5))
    services.transition(dossier, "request_supplement", at=local(2026, 10, 6), note="Thiếu giấy")
    services.transition(dossier, "refuse", at=local(2026, 10, 30), note="Không bổ sung")
    decided = world.counter(version, department, local(2026, 10, 5))
    world.decide(decided, local(2026, 10, 8))

    fig = figures(department)
    assert (fig.received, fig.finished, fig.on_time) == (2, 1, 1)
    assert fig.value(Indicator.ON_TIME) == 100


def test_average_and_median_processing_days(world, department):
    long_procedure = procedure_version("KT.15", processing_days=15)
    # Received Mon 5 October, decided after 1, 2, 3 and 10 working days.
    for decided in (dt.date(2026, 10, 6), dt.date(2026, 10, 7), dt.date(2026, 10, 8)) + (
        dt.date(2026, 10, 19),
    ):
        dossier = world.counter(long_procedure, department, local(2026, 10, 5))
        world.decide(dossier, local(decided.year, decided.month, decided.day))

    fig = figures(department)
    assert fig.value(Indicator.AVG_DAYS) == pytest.approx((1 + 2 + 3 + 10) / 4)  # 4.0
    assert fig.value(Indicator.MEDIAN_DAYS) == pytest.approx((2 + 3) / 2)  # 2.5


def test_processing_time_runs_from_the_restarted_clock(world, version, department):
    # Received Mon 5, waiting Tue 6 → Fri 9 (complete: the clock restarts from zero on
    # Fri 9), decided Tue 13: 2 working days (Mon 12, Tue 13), the waiting time left out.
    dossier = world.counter(version, department, local(2026, 10, 5))
    services.transition(dossier, "start_processing", at=local(2026, 10, 5, 10))
    services.transition(dossier, "request_supplement", at=local(2026, 10, 6), note="Thiếu")
    services.transition(dossier, "provide_supplement", at=local(2026, 10, 9))
    services.transition(dossier, "approve", at=local(2026, 10, 13))
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.clock_started_at).date() == dt.date(2026, 10, 9)

    fig = figures(department)
    assert fig.value(Indicator.AVG_DAYS) == 2
    assert fig.days == {2: 1}


def test_processing_time_is_in_working_days_whatever_the_unit_of_the_time_limit(world, department):
    from motcua.catalog.models import ProcessingUnit

    # A one-month limit: received Mon 5 October, due Thu 5 November. Decided Mon 12
    # October: 5 working days (the due date says nothing about any pause).
    monthly = procedure_version("KT.M1", processing_days=1, processing_unit=ProcessingUnit.MONTHS)
    dossier = world.counter(monthly, department, local(2026, 10, 5))
    assert dossier.due_date == dt.date(2026, 11, 5)
    world.decide(dossier, local(2026, 10, 12))
    # Ten calendar days: due Thu 15; decided Fri 9, 4 working days.
    calendar = procedure_version(
        "KT.C10", processing_days=10, processing_unit=ProcessingUnit.CALENDAR_DAYS
    )
    other = world.counter(calendar, department, local(2026, 10, 5))
    world.decide(other, local(2026, 10, 9))

    fig = figures(department)
    assert fig.days == {5: 1, 4: 1}
    assert fig.value(Indicator.AVG_DAYS) == pytest.approx(4.5)
    assert (fig.early, fig.late) == (2, 0)


def test_median_of_a_histogram():
    assert median({}) is None
    assert median({4: 1}) == 4
    assert median({1: 2, 7: 1}) == 1  # 1, 1, 7
    assert median({1: 1, 2: 1, 9: 2}) == 5.5  # 1, 2, 9, 9


# --- Inter-agency (liên thông) --------------------------------------------------------


def test_a_transferred_dossier_is_received_by_the_first_agency_and_decided_by_the_second(
    world, version, province, department, commune
):
    dossier = world.online(version, department, local(2026, 10, 5))
    services.transition(
        dossier, "transfer", at=local(2026, 10, 6), note="Chuyển xã xác minh", agency=commune
    )
    services.transition(dossier, "accept_transfer", at=local(2026, 10, 7))
    services.transition(dossier, "start_processing", at=local(2026, 10, 7))
    services.transition(dossier, "approve", at=local(2026, 10, 8))

    at_department, at_commune, at_province = (
        figures(department),
        figures(commune),
        figures(province),
    )
    assert (at_department.received, at_department.finished) == (1, 0)
    assert at_department.value(Indicator.ONLINE_DOSSIERS) == 100
    assert (at_commune.received, at_commune.finished, at_commune.on_time) == (0, 1, 1)
    # Processing time runs from the first receipt (Mon 5) to the decision (Thu 8).
    assert at_commune.value(Indicator.AVG_DAYS) == 3
    # The province counts the dossier once.
    assert (at_province.received, at_province.finished) == (1, 1)


# --- Catalogue: procedures offered fully online --------------------------------------


def _publish_at(version: ProcedureVersion, day: dt.date) -> None:
    ProcedureVersion.objects.filter(pk=version.pk).update(
        published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    )


def test_a_procedure_changing_service_level_counts_with_the_version_in_force_at_period_end(
    department,
):
    changing = procedure_version("KT.20", service_level=ServiceLevel.PARTIAL)
    _publish_at(changing, dt.date(2026, 1, 1))
    changing.agencies.add(department)
    upgraded = procedure_version("KT.20", service_level=ServiceLevel.FULL)  # version 2
    _publish_at(upgraded, dt.date(2026, 10, 15))
    ineligible = procedure_version(
        "KT.21",
        service_level=ServiceLevel.PARTIAL,
        not_fully_online_reason="Phải kiểm tra thực địa",
    )
    _publish_at(ineligible, dt.date(2026, 1, 1))
    ineligible.agencies.add(department)
    september = parse("2026-09")

    # September: v1 (partial, no reason: eligible) and KT.21 (partial with a reason).
    assert value(department, Indicator.FULL_ONLINE_PROCEDURES, september) == 0  # 0 of 2
    assert value(department, Indicator.ELIGIBLE_FULL_ONLINE, september) == 0  # 0 of 1
    # October ends with v2 in force: fully online.
    assert value(department, Indicator.FULL_ONLINE_PROCEDURES) == 50  # 1 of 2
    assert value(department, Indicator.ELIGIBLE_FULL_ONLINE) == 100  # 1 of 1


def test_share_of_online_services_that_received_an_online_dossier(world, department):
    full = procedure_version("KT.30", service_level=ServiceLevel.FULL)
    partial = procedure_version("KT.31", service_level=ServiceLevel.PARTIAL)
    counter_only = procedure_version(
        "KT.32", service_level=ServiceLevel.COUNTER, not_fully_online_reason="Cấp tại chỗ"
    )
    for version in (full, partial, counter_only):
        version.agencies.add(department)
    world.online(full, department, local(2026, 10, 5))
    world.counter(partial, department, local(2026, 10, 5))  # a counter dossier does not count

    fig = figures(department)
    assert (fig.online_services, fig.online_services_used) == (2, 1)
    assert fig.value(Indicator.ONLINE_SERVICES_USED) == 50


# --- Payment, electronic results, fully-online processing ----------------------------


def test_online_payment_share_among_dossiers_that_owe_a_fee(world, version, department):
    free = procedure_version("KT.40", fee_vnd=0)
    paid_online = [world.online(version, department, local(2026, 10, 5)) for _ in range(2)]
    paid_at_desk = world.counter(version, department, local(2026, 10, 5))
    world.counter(version, department, local(2026, 10, 5))  # not paid yet
    world.online(free, department, local(2026, 10, 5))  # owes nothing: not counted
    for dossier in paid_online:
        services.record_fee_payment(dossier, online=True, at=local(2026, 10, 5, 10))
    services.record_fee_payment(paid_at_desk, online=False, at=local(2026, 10, 5, 10))

    fig = figures(department)
    assert fig.fee_required == 4
    assert fig.value(Indicator.ONLINE_PAYMENT) == 50  # 2 of 4


def test_electronic_result_share_among_issued_results(world, version, department):
    for electronic in (True, True, False):
        dossier = world.counter(version, department, local(2026, 10, 5))
        world.settle(dossier, local(2026, 10, 7), electronic=electronic)
    approved_only = world.counter(version, department, local(2026, 10, 5))
    world.decide(approved_only, local(2026, 10, 7))  # no result issued yet

    assert value(department, Indicator.E_RESULT) == pytest.approx(200 / 3)  # 2 of 3


def test_fully_online_processing_needs_online_filing_payment_and_result(world, version, department):
    free = procedure_version("KT.41", fee_vnd=0)
    full = world.online(version, department, local(2026, 10, 5))
    services.record_fee_payment(full, online=True, at=local(2026, 10, 5, 10))
    paid_at_desk = world.online(version, department, local(2026, 10, 5))
    services.record_fee_payment(paid_at_desk, online=False, at=local(2026, 10, 5, 10))
    free_online = world.online(free, department, local(2026, 10, 5))
    at_counter = world.counter(free, department, local(2026, 10, 5))
    for dossier in (full, paid_at_desk, free_online, at_counter):
        world.settle(dossier, local(2026, 10, 7), electronic=True)

    fig = figures(department)
    # Fully online: `full` and `free_online`; 2 of the 4 results.
    assert (fig.fully_online, fig.results) == (2, 4)
    assert fig.value(Indicator.FULLY_ONLINE_DOSSIERS) == 50


# --- Satisfaction ---------------------------------------------------------------------


def test_satisfaction_average_and_share_satisfied(world, version, department):
    for score in (5, 4, 2):
        dossier = world.counter(version, department, local(2026, 10, 5))
        world.settle(dossier, local(2026, 10, 7))
        services.rate(dossier, score=score)
    this_month = current_month()  # ratings count on the day they are given (today)

    fig = figures(department, this_month)
    assert fig.value(Indicator.AVG_RATING) == pytest.approx(11 / 3)  # (5 + 4 + 2) / 3
    assert fig.value(Indicator.SATISFIED) == pytest.approx(200 / 3)  # 4 and 5: 2 of 3


# --- Grade (the national score: test_national.py) ----------------------------------


def test_grades_follow_the_national_bands():
    assert [grade_of(s) for s in (100, 90, 89.9, 80, 79.9, 65, 64.9, 50, 49.9, 0)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
        "D",
        "E",
        "E",
    ]
    assert grade_of(None) == ""


# --- Roll-up through the hierarchy and across the 2025 mergers ------------------------


def test_a_province_counts_its_departments_and_communes(
    world, version, province, department, commune
):
    world.counter(version, department, local(2026, 10, 5))
    world.online(version, commune, local(2026, 10, 5))
    world.online(version, commune, local(2026, 10, 6))

    assert figures(province).received == 3
    assert value(province, Indicator.ONLINE_DOSSIERS) == pytest.approx(200 / 3)


def test_a_merged_province_is_credited_to_its_successor(world, version):
    successor = AgencyFactory(
        code="TINHMOI", name="Tỉnh Mới", kind=Agency.Kind.PROVINCE, valid_from=dt.date(2025, 7, 1)
    )
    merged = AgencyFactory(
        code="TINHCU",
        name="Tỉnh Cũ",
        kind=Agency.Kind.PROVINCE,
        valid_until=dt.date(2025, 6, 30),
        successor=successor,
    )
    old_department = AgencyFactory(code="TINHCU.STP", name="Sở Tư pháp tỉnh Cũ", parent=merged)
    june = parse("2025-06")
    world.online(version, old_department, local(2025, 6, 10))
    world.counter(version, old_department, local(2025, 6, 11))

    ctx = Context()
    rows = {row.name: row for row in ranking(june, None, ctx=ctx)}
    assert "Tỉnh Cũ" not in rows
    assert rows["Tỉnh Mới"].figures.received == 2
    assert rows["Tỉnh Mới"].figures.value(Indicator.ONLINE_DOSSIERS) == 50
    report = kpi_report(june)
    codes = {entry["code"]: entry for entry in report["agencies"]}
    assert "TINHCU" not in codes and "TINHCU.STP" not in codes
    assert codes["TINHMOI"]["counts"]["received"] == 2


def test_sector_filter_keeps_only_that_sectors_procedures(world, version, department):
    land = procedure_version("KT.60", sector="Đất đai", name="Đăng ký đất đai")
    world.counter(version, department, local(2026, 10, 5))
    world.online(land, department, local(2026, 10, 5))

    land_sector = Dossier.objects.filter(procedure_version=land).first().procedure_version.sector
    fig = figures(department, sector_id=land_sector.pk)
    assert fig.received == 1
    assert fig.value(Indicator.ONLINE_DOSSIERS) == 100


def test_the_trend_gives_each_month_the_figures_of_that_month(world, version, department):
    from motcua.monitoring.periods import month_period
    from motcua.monitoring.selectors import trend

    world.counter(version, department, local(2026, 9, 10))
    world.decide(world.counter(version, department, local(2026, 10, 5)), local(2026, 10, 6))
    world.counter(version, department, local(2026, 10, 20))
    months = [month_period(2026, 8), month_period(2026, 9), month_period(2026, 10)]
    ctx = Context()
    by_month = trend(department.pk, months, ctx=ctx)
    assert [fig.received for _m, fig in by_month] == [0, 1, 2]
    for month, fig in by_month:
        alone = figures_for([department.pk], month, ctx=ctx)[department.pk]
        assert (fig.received, fig.finished, fig.online) == (
            alone.received,
            alone.finished,
            alone.online,
        )
