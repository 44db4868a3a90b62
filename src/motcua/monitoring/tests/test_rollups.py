"""The rollups kept up to date from dossier events equal the ones rebuilt from the dossiers."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.monitoring.models import (
    COUNTERS,
    DailyRollup,
    DossierFact,
    MonthlyProcessingDaysCount,
    MonthlyRollup,
    ProcessingDaysCount,
)
from motcua.monitoring.periods import parse
from motcua.monitoring.rebuild import rebuild
from motcua.monitoring.tests.conftest import local
from tests.factories import procedure_version

pytestmark = pytest.mark.django_db


def snapshot():
    """Non-zero daily and monthly rollup rows, histogram buckets and facts, as plain data."""
    rollups = {
        (model.__name__, r.day, r.agency_id, r.procedure_id): tuple(getattr(r, c) for c in COUNTERS)
        for model in (DailyRollup, MonthlyRollup)
        for r in model.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }
    buckets = {
        (model.__name__, b.day, b.agency_id, b.procedure_id, b.days): b.count
        for model in (ProcessingDaysCount, MonthlyProcessingDaysCount)
        for b in model.objects.all()
        if b.count
    }
    facts = set(DossierFact.objects.values_list())
    return rollups, buckets, facts


def live_sequence(world, version, department, commune):
    """A month of ordinary life: every kind of event a dossier sends."""
    free = procedure_version("KT.90", fee_vnd=0)
    a = world.online(version, department, local(2026, 10, 5), reused=True)
    services.record_fee_payment(a, online=True, at=local(2026, 10, 5, 11))
    world.settle(a, local(2026, 10, 7), electronic=True)
    services.rate(a, score=4)
    b = world.counter(version, department, local(2026, 10, 5))
    services.transition(b, "start_processing", at=local(2026, 10, 6))
    services.transition(b, "request_supplement", at=local(2026, 10, 6), note="Thiếu giấy")
    services.transition(b, "provide_supplement", at=local(2026, 10, 9))
    services.transition(b, "approve", at=local(2026, 10, 16))
    c = world.online(version, department, local(2026, 10, 8))
    services.transition(c, "transfer", at=local(2026, 10, 9), note="Liên thông", agency=commune)
    services.transition(c, "accept_transfer", at=local(2026, 10, 12))
    world.settle(c, local(2026, 10, 14))
    services.rate(c, score=2)
    d = world.online(free, commune, local(2026, 10, 30))
    # Received, so stopped at the applicant's request (was: withdrawn; Decree 118/2025).
    services.transition(d, "stop", at=local(2026, 11, 2), note="Không còn nhu cầu")
    e = world.counter(version, commune, local(2026, 10, 31))
    services.transition(e, "request_supplement", at=local(2026, 11, 2), note="Thiếu giấy")
    services.transition(e, "refuse", at=local(2026, 11, 20), note="Không bổ sung")
    # Just after midnight in Vietnam, still 31 October in UTC: counts on 1 November.
    world.counter(version, commune, local(2026, 11, 1, 0, 30))
    f = world.online(version, commune, local(2026, 11, 2))
    services.record_fee_payment(f, online=False, at=local(2026, 11, 3))
    world.decide(f, local(2026, 11, 10), action="refuse")


def test_incremental_rollups_equal_the_rebuilt_ones(world, version, department, commune):
    live_sequence(world, version, department, commune)
    live = snapshot()
    assert live[0], "the live events wrote rollups"
    assert ("DailyRollup", dt.date(2026, 11, 1), commune.pk, version.procedure_id) in live[0]

    rebuild()

    assert snapshot() == live


def test_rebuilt_processing_days_follow_the_restarted_clock_and_any_unit(
    world, version, department
):
    from motcua.catalog.models import ProcessingUnit

    monthly = procedure_version("KT.M1", processing_days=1, processing_unit=ProcessingUnit.MONTHS)
    a = world.counter(monthly, department, local(2026, 10, 5))
    world.decide(a, local(2026, 10, 12))  # Mon 5 → Mon 12: 5 working days
    b = world.counter(version, department, local(2026, 10, 5))
    services.transition(b, "start_processing", at=local(2026, 10, 5, 10))
    services.transition(b, "request_supplement", at=local(2026, 10, 6), note="Thiếu giấy")
    services.transition(b, "provide_supplement", at=local(2026, 10, 9))
    services.transition(b, "approve", at=local(2026, 10, 13))  # restarted Fri 9: 2 days
    c = world.counter(version, department, local(2026, 10, 5))
    Dossier.objects.filter(pk=c.pk).update(clock_started_at=None)  # older rows: received_at
    world.decide(c, local(2026, 10, 7))  # 2 days
    live = snapshot()
    days = {
        (key[1], key[3], key[4]): n for key, n in live[1].items() if key[0] == "ProcessingDaysCount"
    }
    assert days == {
        (dt.date(2026, 10, 12), monthly.procedure_id, 5): 1,
        (dt.date(2026, 10, 13), version.procedure_id, 2): 1,
        (dt.date(2026, 10, 7), version.procedure_id, 2): 1,
    }

    rebuild()

    assert snapshot() == live


def test_a_bulk_loaded_dossier_counts_only_after_the_rebuild(world, version, department):
    world.counter(version, department, local(2026, 10, 5))
    # A bulk insert (like seed_demo's raw SQL) sends no signal: no figure exists yet.
    DossierFact.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()

    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)

    assert "1 hồ sơ được tính" in out.getvalue()
    assert DailyRollup.objects.get(day=dt.date(2026, 10, 5)).received == 1
    assert MonthlyRollup.objects.get(day=dt.date(2026, 10, 1)).received == 1


def test_rebuilding_one_period_rewrites_only_that_period(world, version, department, commune):
    live_sequence(world, version, department, commune)
    before = snapshot()
    # Damage October and November; rebuild only October.
    DailyRollup.objects.update(received=99)
    rebuild(parse("2026-10"))

    rollups = snapshot()[0]
    daily = {k: v for k, v in rollups.items() if k[0] == "DailyRollup"}
    for key, counters in daily.items():
        if key[1].month == 10:
            assert counters == before[0][key]
        else:
            assert counters[0] == 99
    october = {k for k in rollups if k[1].month == 10}
    assert october == {k for k in before[0] if k[1].month == 10}
    assert all(rollups[k] == before[0][k] for k in october)


def test_rebuild_period_must_be_valid():
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("rebuild_rollups", "--period", "tháng 10", stdout=io.StringIO())


def test_rollups_roll_back_with_the_transaction_that_changed_the_dossier(
    world, version, department
):
    dossier = world.counter(version, department, local(2026, 10, 5))
    before = snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.decide(dossier, local(2026, 10, 7))
        assert snapshot() != before  # written in the same transaction…
        raise RuntimeError("the caller fails after the decision")
    assert snapshot() == before  # …and gone with it
    assert Dossier.objects.get(pk=dossier.pk).status == "received"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province with 400 bulk-loaded dossiers (no signals), once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_demo",
            "--dossiers",
            "400",
            "--walkthrough",
            "0",
            "--signed-results",
            "0",
            stdout=io.StringIO(),
        )
        rebuild()
        yield
        transaction.set_rollback(True)


def test_rebuilt_rollups_count_the_bulk_loaded_demo_dossiers(demo):
    from django.utils import timezone

    received = Dossier.objects.filter(received_at__isnull=False)
    assert sum(r.received for r in DailyRollup.objects.all()) == received.count()
    online = received.filter(channel="online").count()
    assert sum(r.online for r in DailyRollup.objects.all()) == online
    settled = sum(r.finished for r in DailyRollup.objects.all())
    decided = received.filter(status__in=["approved", "result_issued", "returned", "refused"])
    assert 0 < settled <= decided.count()
    # Each rollup day is the local day the dossiers were received.
    first = received.order_by("received_at").first()
    day = timezone.localtime(first.received_at).date()
    assert DailyRollup.objects.filter(day=day, received__gt=0).exists()
