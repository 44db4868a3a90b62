"""The national indicator set: every sub-indicator on hand-built counts with known answers,
under each formula version, then the counts read from hand-built dossiers.

October 2026 has no holiday; the fixture procedure takes 3 working days, so a dossier
received on Mon 5 October is due on Thu 8 October (see test_indicators.py).
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest

from motcua.dossiers.models import Attachment, Dossier
from motcua.monitoring.national import formulas
from motcua.monitoring.national.compute import (
    INSUFFICIENT,
    NOT_MEASURED,
    SCORED,
    NationalFacts,
    evaluate,
)
from motcua.monitoring.periods import parse
from motcua.monitoring.selectors import Context, figures_for
from motcua.monitoring.tests.conftest import local
from tests.factories import UserFactory

OCTOBER = parse("2026-10")
V2022, V2026 = formulas.VERSIONS["qd766-2022"], formulas.VERSIONS["dvcqg-2026"]


@dataclass
class FakePakn:
    """What ``feedback.public.pakn_facts`` returns, built by hand."""

    received: int = 0
    due_in_period: int = 0
    handled: int = 0
    handled_on_time: int = 0
    late: int = 0
    rated: int = 0
    satisfied: int = 0
    dossiers_complained: set = field(default_factory=set)


def row(result, code):
    found = result.by_code(code)
    assert found is not None, code
    return found


# --- The registry ---------------------------------------------------------------------


@pytest.mark.parametrize("version", [V2022, V2026], ids=lambda v: v.code)
def test_every_version_gives_100_points_and_documents_each_indicator(version):
    assert version.total_points == 100
    for group in version.groups:
        assert sum(i.points for i in group.indicators) == group.points, group.code
    codes = [i.code for _g, i in version.indicators]
    assert len(codes) == len(set(codes))
    for _group, indicator in version.indicators:
        assert indicator.name and indicator.formula and 0 < indicator.threshold <= 100
    docs = formulas.__file__.rsplit("/src/", 1)[0] + "/docs/INDICATORS.md"
    text = open(docs, encoding="utf-8").read()
    assert version.code in text
    for code in codes:
        assert f"`{code}`" in text, f"{code} is not in docs/INDICATORS.md"


def test_the_groups_of_each_version():
    assert [(g.code, g.points) for g in V2022.groups] == [
        ("cong_khai", 18),
        ("tien_do", 20),
        ("so_hoa", 22),
        ("dvc_truc_tuyen", 22),
        ("hai_long", 18),
    ]
    assert [(g.code, g.points) for g in V2026.groups] == [
        ("cong_khai", 18),
        ("tien_do", 20),
        ("dvc_truc_tuyen", 12),
        ("thanh_toan", 10),
        ("so_hoa", 22),
        ("hai_long", 18),
    ]


def test_the_default_version_is_the_one_in_force_at_the_period_end(settings):
    settings.MOTCUA_KPI_FORMULA = ""
    assert formulas.get(on=dt.date(2025, 12, 31)) is V2022
    assert formulas.get(on=dt.date(2026, 10, 31)) is V2026
    assert formulas.get("qd766-2022", on=dt.date(2026, 10, 31)) is V2022
    settings.MOTCUA_KPI_FORMULA = "qd766-2022"
    assert formulas.get(on=dt.date(2026, 10, 31)) is V2022
    with pytest.raises(formulas.UnknownFormula):
        formulas.get("qd999")


# --- Each sub-indicator on hand-built counts -------------------------------------------


def test_on_time_counts_the_dossiers_in_process_under_the_portal_formula():
    facts = NationalFacts(
        received=10,
        ended=6,
        ended_late=1,
        in_process=4,
        in_process_late=1,
        settled=5,
        settled_on_time=5,
    )
    # Portal: (6 + 4 − 2) ÷ 10 = 80 % → full points from 80 %: 20.
    portal = row(evaluate(facts, None, V2026, min_dossiers=5), "td_dung_han")
    assert (portal.numerator, portal.denominator, portal.rate) == (8, 10, 80.0)
    assert portal.points == 20
    # 2022: settled only, 5 of 5 on time → 100 % × 20.
    old = row(evaluate(facts, None, V2022, min_dossiers=5), "td_dung_han")
    assert (old.rate, old.points) == (100.0, 20)


def test_below_the_threshold_points_are_proportional():
    facts = NationalFacts(received=10, ended=10, ended_late=3, in_process=0, in_process_late=0)
    portal = row(evaluate(facts, None, V2026, min_dossiers=5), "td_dung_han")
    assert portal.rate == 70.0
    assert portal.points == pytest.approx(20 * 70 / 80)  # 17.5


def test_online_dossiers_of_eligible_procedures_full_points_from_half():
    facts = NationalFacts(received=100, eligible_received=80, online_fully=30, online=40)
    portal = row(evaluate(facts, None, V2026, min_dossiers=5), "tt_ho_so_truc_tuyen")
    assert portal.rate == pytest.approx(37.5)  # 30 ÷ 80
    assert portal.points == pytest.approx(12 * 37.5 / 50)  # 9.0
    old = row(evaluate(facts, None, V2022, min_dossiers=5), "tt_ho_so_truc_tuyen")
    assert old.points == pytest.approx(12 * 0.375)  # 4.5: linear
    half = NationalFacts(received=10, eligible_received=10, online_fully=6)
    assert row(evaluate(half, None, V2026, min_dossiers=5), "tt_ho_so_truc_tuyen").points == 12


def test_payment_sub_indicators():
    facts = NationalFacts(
        received=20,
        fee_required=10,
        paid_online=4,
        procedures_with_fee=4,
        procedures_fee_online=4,
        procedures_paid_online=1,
    )
    result = evaluate(facts, None, V2026, min_dossiers=5)
    assert row(result, "tt_tthc_cho_phep").points == 2  # 100 %
    assert row(result, "tt_tthc_phat_sinh").points == pytest.approx(2 * 25 / 80)
    assert row(result, "tt_ho_so").points == pytest.approx(6 * 40 / 80)  # 3.0
    group = next(g for g in result.groups() if g["group"].code == "thanh_toan")
    assert group["points"] == pytest.approx(2 + 0.625 + 3)


def test_digitisation_sub_indicators():
    facts = NationalFacts(
        received=10,
        reused=8,
        datastore_used=2,
        population_dossiers=5,
        results=10,
        results_electronic=6,
        paper_components=4,
        paper_components_digitised=4,
        procedures_used=2,
        procedures_population=1,
    )
    result = evaluate(facts, None, V2026, min_dossiers=5)
    assert row(result, "sh_ket_qua").points == pytest.approx(6 * 60 / 80)  # 4.5
    # 4 components < 5: too few to score.
    assert row(result, "sh_thanh_phan").status == INSUFFICIENT
    assert row(result, "sh_tai_su_dung").points == 2  # 80 %
    assert row(result, "sh_kho_du_lieu").rate == pytest.approx(40.0)  # (2 + 6) ÷ (10 + 10)
    assert row(result, "sh_dan_cu_ho_so").points == pytest.approx(2 * 50 / 80)
    assert row(result, "sh_dan_cu_tthc").rate == 50.0  # procedures: no minimum
    assert row(result, "sh_chung_thuc").status == NOT_MEASURED


def test_pakn_on_time_and_satisfaction_from_the_feedback_facts():
    facts = NationalFacts(received=10, ended=10, ended_late=0, in_process=0, in_process_late=0)
    pakn = FakePakn(
        received=12, due_in_period=10, handled=9, handled_on_time=7, late=3, rated=4, satisfied=4
    )
    portal = evaluate(facts, pakn, V2026, min_dossiers=5)
    assert row(portal, "hl_pakn_dung_han").points == pytest.approx(6 * 70 / 80)  # 5.25
    assert row(portal, "hl_pakn_hai_long").points == 6
    old = evaluate(facts, pakn, V2022, min_dossiers=5)
    assert row(old, "hl_pakn_dung_han").points == pytest.approx(4.2)
    # No PAKN due: not "0 %", too few to score.
    none_due = evaluate(facts, FakePakn(), V2026, min_dossiers=5)
    assert row(none_due, "hl_pakn_dung_han").status == INSUFFICIENT
    # Without the feedback facts at all: not measured.
    assert row(evaluate(facts, None, V2026), "hl_pakn_dung_han").status == NOT_MEASURED


def test_satisfaction_in_settling_dossiers_subtracts_late_complaints_and_dislikes():
    facts = NationalFacts(
        received=10,
        ended=8,
        ended_late=1,
        in_process=2,
        in_process_late=0,
        complained=1,
        disliked=1,
        ratings=8,
        satisfied_ratings=6,
    )
    portal = row(evaluate(facts, None, V2026, min_dossiers=5), "hl_giai_quyet")
    assert portal.rate == pytest.approx(70.0)  # 100 % − 10 % − 10 % − 10 %
    assert portal.points == pytest.approx(6 * 70 / 90)
    old = row(evaluate(facts, None, V2022, min_dossiers=5), "hl_giai_quyet")
    assert old.rate == 75.0 and old.points == pytest.approx(4.5)  # 6 of 8 ratings


def test_sync_is_not_measured_without_a_national_portal_subscriber():
    facts = NationalFacts(received=10, synced=None)
    assert row(evaluate(facts, None, V2026), "ck_dong_bo").status == NOT_MEASURED
    facts.synced = 9
    synced = row(evaluate(facts, None, V2026, min_dossiers=5), "ck_dong_bo")
    assert synced.status == SCORED and synced.points == 6  # 90 % ≥ 80 %


def test_an_agency_without_dossiers_is_not_graded():
    result = evaluate(NationalFacts(), None, V2026, min_dossiers=5)
    assert not result.graded and result.score is None and result.grade == ""
    assert row(result, "td_dung_han").status == INSUFFICIENT
    assert row(result, "td_dung_han").status_label == "chưa đủ dữ liệu"


def test_fewer_dossiers_than_the_minimum_is_not_graded():
    facts = NationalFacts(received=4, ended=4, ended_late=0, in_process=0, in_process_late=0)
    assert not evaluate(facts, None, V2026, min_dossiers=5).graded
    facts = NationalFacts(received=5, ended=5, ended_late=0, in_process=0, in_process_late=0)
    result = evaluate(facts, None, V2026, min_dossiers=5)
    assert result.graded and result.score is not None and result.grade
    assert row(result, "td_dung_han").points == 20


def test_one_agency_month_under_both_versions():
    """A month with every kind of count; the score is scaled over the measured points."""
    facts = NationalFacts(
        received=20,
        fee_required=10,
        paid_online=5,
        reused=10,
        eligible_received=20,
        online_fully=8,
        online=8,
        datastore_used=0,
        population_dossiers=10,
        synced=20,
        procedures_used=2,
        procedures_with_fee=1,
        procedures_fee_online=1,
        procedures_paid_online=1,
        procedures_population=1,
        settled=10,
        settled_on_time=9,
        results=10,
        results_electronic=10,
        ended=10,
        ended_late=1,
        in_process=10,
        in_process_late=3,
        paper_components=10,
        paper_components_digitised=5,
        ratings=5,
        satisfied_ratings=5,
        disliked=0,
        complained=0,
    )
    pakn = FakePakn(due_in_period=4, handled_on_time=4, rated=2, satisfied=1)
    old = evaluate(facts, pakn, V2022, min_dossiers=5)
    new = evaluate(facts, pakn, V2026, min_dossiers=5)
    # Measured: everything but 3 transparency items (12) and e-certified copies (2): 86.
    assert old.points_measured == new.points_measured == 86
    # 2022 (linear): sync 6 + on time 20×0.9=18 + e-results 6 + digitised 4×0.5=2
    # + reuse 2×0.5=1 + data store 4×(0+10)/(20+10)=1.333 + population 1 + 1
    # + online 12×0.4=4.8 + payment 2+2+6×0.5=3 + PAKN 6+6×0.5=3 + ratings 6 = 63.133
    assert old.points_earned == pytest.approx(63.1333, abs=1e-3)
    # 2026: sync 6 + on time (20−4)/20=80 % → 20 + e-results 6 + digitised 4×0.5/0.8=2.5
    # + reuse 1.25 + data store 4×(1/3)/0.8=1.667 + population 1.25 + 1.25
    # + online 12×0.4/0.5=9.6 + payment 2+2+6×0.5/0.8=3.75 + PAKN 6+3.75
    # + satisfaction 6×(16/20)/0.9=5.333 = 72.35
    assert new.points_earned == pytest.approx(72.35, abs=1e-3)
    assert old.score == pytest.approx(100 * 63.1333 / 86, abs=1e-3)  # 73.4
    assert new.score == pytest.approx(100 * 72.35 / 86, abs=1e-3)  # 84.1
    assert old.grade == "C" and new.grade == "B"


# --- Counts read from the dossiers -----------------------------------------------------


@pytest.fixture
def few(settings):
    """These hand-built months have a handful of dossiers: score them anyway."""
    settings.MOTCUA_KPI_MIN_DOSSIERS = 1


def national(node, period=OCTOBER, formula=""):
    node_id = node.pk if node is not None else None
    fig = figures_for([node_id], period, ctx=Context(), formula=formula)[node_id]
    return fig, fig.national_input()


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_dossiers_in_process_at_the_period_end_count_on_time_or_late(world, version, department):
    on_time = world.online(version, department, local(2026, 10, 5))
    world.decide(on_time, local(2026, 10, 7))  # due Thu 8: early
    late = world.counter(version, department, local(2026, 10, 5))
    world.decide(late, local(2026, 10, 12))  # late
    world.counter(version, department, local(2026, 10, 5))  # open, due 8 Oct: late at 31 Oct
    world.counter(version, department, local(2026, 10, 29))  # open, due 3 Nov: on time
    stopped = world.online(version, department, local(2026, 10, 6))
    from motcua.dossiers import services

    # Since Decree 118/2025 a received dossier is stopped at the applicant's request (Art.
    # 21), not withdrawn; it counts as ended.
    services.transition(stopped, "stop", at=local(2026, 10, 7), note="Không cần nữa")

    fig, facts = national(department)
    assert (facts.ended, facts.ended_late) == (3, 1)  # the stop ended on time
    assert (facts.in_process, facts.in_process_late) == (2, 1)
    assert fig.national("dvcqg-2026").by_code("td_dung_han").rate == pytest.approx(60.0)
    # 2022 counts the settled dossiers only: 1 early of 2.
    assert fig.national("qd766-2022").by_code("td_dung_han").rate == pytest.approx(50.0)


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_a_repeated_supplement_request_or_a_late_intake_makes_a_dossier_late(
    world, version, department
):
    early = [world.counter(version, department, local(2026, 10, 5)) for _ in range(3)]
    for dossier in early:
        world.decide(dossier, local(2026, 10, 6))
    Dossier.objects.filter(pk=early[0].pk).update(supplement_requests=2)
    Dossier.objects.filter(pk=early[1].pk).update(supplement_requests=1)
    Dossier.objects.filter(pk=early[2].pk).update(intake_overdue_at=local(2026, 10, 5, 17))

    fig, facts = national(department)
    assert (facts.ended, facts.ended_late) == (3, 2)
    assert fig.national("qd766-2022").by_code("td_dung_han").numerator == 3  # all on time


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_the_deadline_to_the_minute_is_used_when_set(world, version, department):
    dossier = world.counter(version, department, local(2026, 10, 5))
    world.decide(dossier, local(2026, 10, 8, 16))
    Dossier.objects.filter(pk=dossier.pk).update(due_at=local(2026, 10, 8, 11))
    _fig, facts = national(department)
    assert facts.ended_late == 1  # decided the due day, after the hour


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_assisted_digitised_population_and_datastore_counts(world, version, department):
    version.agencies.add(department)
    online = world.online(version, department, local(2026, 10, 5))
    assisted = world.counter(version, department, local(2026, 10, 5))
    paper = world.counter(version, department, local(2026, 10, 6))
    agent = UserFactory(username="dai.ly")
    Dossier.objects.filter(pk=assisted.pk).update(filed_by=agent)
    Dossier.objects.filter(pk=online.pk).update(prefill_sources={"ho_ten": "dan_cu"})
    for i, done in enumerate((True, False)):
        Attachment.objects.create(
            dossier=paper,
            kind=Attachment.Kind.COMPONENT,
            file=f"dossiers/giay-{i}.pdf",
            original_name=f"giay-{i}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_at=local(2026, 10, 6),
            digitised=done,
        )
    Attachment.objects.create(
        dossier=online,
        kind=Attachment.Kind.COMPONENT,
        source=Attachment.Source.DATASTORE,
        file="dossiers/kho.pdf",
        original_name="kho.pdf",
        content_type="application/pdf",
        size=10,
        sha256="1" * 64,
        uploaded_at=local(2026, 10, 5),
    )
    _fig, facts = national(department)
    assert facts.received == 3
    assert facts.online == 2  # online + assisted (filed by an agent)
    assert (facts.online_fully, facts.eligible_received) == (2, 3)
    assert (facts.paper_components, facts.paper_components_digitised) == (2, 1)
    assert facts.population_dossiers == 1 and facts.procedures_population == 1
    assert facts.datastore_used == 1 and facts.reused == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_the_sync_rate_reads_the_deliveries_to_the_national_portal(world, version, department):
    from motcua.events.models import Delivery, Subscriber

    dossiers = [world.counter(version, department, local(2026, 10, 5)) for _ in range(2)]
    _fig, facts = national(department)
    assert facts.synced is None  # no national-portal subscriber: not measured
    portal = Subscriber.objects.create(
        name="Cổng DVCQG",
        url="https://dvc.example/su-kien",
        secret="s",
        kind=Subscriber.Kind.PORTAL_SYNC,
    )
    from motcua.events.models import OutboxEvent

    event = OutboxEvent.objects.filter(dossier=dossiers[0]).first()
    assert event is not None
    Delivery.objects.filter(event=event).delete()
    Delivery.objects.create(
        event=event,
        subscriber=portal,
        dossier_id=dossiers[0].pk,
        sequence=1,
        status=Delivery.Status.DELIVERED,
        next_attempt_at=local(2026, 10, 5),
    )
    _fig, facts = national(department)
    assert facts.synced == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_a_dossier_waiting_for_a_supplement_is_not_late_in_process(world, version, department):
    from motcua.dossiers import services

    # Due Thu 8 October, waiting since Tue 6: the clock restarts from zero when the
    # complete dossier arrives (Decree 118/2025), so the stale due date is not held
    # against the agency at the end of October.
    waiting = world.counter(version, department, local(2026, 10, 5))
    services.transition(waiting, "request_supplement", at=local(2026, 10, 6), note="Thiếu giấy")
    # Asked a second time: late whatever the deadline (the agency's own fault).
    asked_twice = world.counter(version, department, local(2026, 10, 5))
    services.transition(asked_twice, "request_supplement", at=local(2026, 10, 6), note="Thiếu giấy")
    Dossier.objects.filter(pk=asked_twice.pk).update(supplement_requests=2)
    # Waiting only since November: still in process and past its due date on 31 October.
    late_then = world.counter(version, department, local(2026, 10, 5))
    services.transition(late_then, "request_supplement", at=local(2026, 11, 2), note="Thiếu")
    # Open and past its due date: late.
    world.counter(version, department, local(2026, 10, 5))

    _fig, facts = national(department)
    assert (facts.in_process, facts.in_process_late) == (4, 3)
    Dossier.objects.filter(pk=asked_twice.pk).update(supplement_requests=1)
    _fig, facts = national(department)
    assert (facts.in_process, facts.in_process_late) == (4, 2)


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_a_dossier_closed_while_waiting_for_a_supplement_did_not_end_late(
    world, version, department
):
    from motcua.dossiers import services

    # Due Thu 8 October; the applicant never completed it: closed on the 29th by the
    # deadline job, or refused by an officer on the 30th. Neither is late for the agency.
    expired, refused = (world.counter(version, department, local(2026, 10, 5)) for _ in "ab")
    for dossier in (expired, refused):
        services.transition(dossier, "request_supplement", at=local(2026, 10, 6), note="Thiếu")
    services.transition(
        expired, "expire_supplement", at=local(2026, 10, 29), note="Quá hạn bổ sung"
    )
    services.transition(refused, "refuse", at=local(2026, 10, 30), note="Không bổ sung")
    # Decided after its due date without any supplement: late.
    late = world.counter(version, department, local(2026, 10, 5))
    world.decide(late, local(2026, 10, 12), action="refuse")

    _fig, facts = national(department)
    assert (facts.ended, facts.ended_late) == (3, 1)
    assert (facts.in_process, facts.in_process_late) == (0, 0)


@pytest.mark.django_db
@pytest.mark.usefixtures("few")
def test_the_national_counts_follow_the_sector_and_level_filters(world, version, department):
    from motcua.catalog.models import AuthorityLevel
    from motcua.monitoring.selectors import Filters
    from tests.factories import procedure_version

    land = procedure_version("DD.01", sector="Đất đai", level=AuthorityLevel.PROVINCE)
    world.counter(version, department, local(2026, 10, 5))  # Hộ tịch, commune level: open
    for _ in range(2):
        world.counter(land, department, local(2026, 10, 5))  # Đất đai, province level
    decided = world.counter(land, department, local(2026, 10, 5))
    world.decide(decided, local(2026, 10, 7))

    def counts(**filters):
        fig = figures_for([department.pk], OCTOBER, filters=Filters(**filters), ctx=Context())
        fig = fig[department.pk]
        facts = fig.national_input()
        return fig.received, facts.received, facts.in_process, facts.ended

    assert counts() == (4, 4, 3, 1)
    assert counts(sector_id=land.sector_id) == (3, 3, 2, 1)
    assert counts(sector_id=version.sector_id) == (1, 1, 1, 0)
    assert counts(level=AuthorityLevel.PROVINCE) == (3, 3, 2, 1)
    assert counts(level=AuthorityLevel.COMMUNE) == (1, 1, 1, 0)
    assert counts(sector_id=version.sector_id, level=AuthorityLevel.PROVINCE) == (0, 0, 0, 0)
