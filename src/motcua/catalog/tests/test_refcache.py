"""The per-process memo of reference data (``motcua.lib.refcache``) as the catalogue,
the portal and the events app use it: a hit reads nothing, a change anywhere is seen
at the next read, the cache out of reach falls back to the database, and a rolled-back
change leaves nothing behind.

Transactional tests: the rows the fixtures write are committed, as on a running server
(while the test's own transaction holds memoised rows it has written, the memo steps
aside — the last test shows it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.agencies.models import Agency
from motcua.catalog import fees, selectors
from motcua.catalog.eform import codelists
from motcua.catalog.models import FeeRule, ProcedureComponent, ProcedureVersion
from motcua.events import services as events
from motcua.events.models import Subscriber
from motcua.lib import refcache
from motcua.portal import selectors as portal
from tests.factories import AgencyFactory, offered_version

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def version():
    desk = AgencyFactory(code="BN.KB", name="UBND Phường Kinh Bắc", kind=Agency.Kind.COMMUNE)
    return offered_version("RC.01", [desk])


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        value = call()
    return value, len(captured.captured_queries)


def _other_process_changed() -> None:
    """What another process's bump leaves in the shared cache: a token of its own."""
    cache.set(refcache.KEY, "another-process-token", refcache.GENERATION_SECONDS)


def test_a_memoised_read_takes_no_query_and_hands_out_fresh_instances(version):
    first, reads = _queries(lambda: selectors.procedure_by_code("RC.01"))
    assert reads == 1
    second, reads = _queries(lambda: selectors.procedure_by_code("RC.01"))
    assert reads == 0
    assert second.current_version.pk == version.pk
    assert second.current_version.sector.name == "Hộ tịch"
    assert second is not first and second.current_version is not first.current_version
    first.current_version.name = "changed by a caller"
    first.current_version.form_schema["format"] = "changed by a caller"
    third = selectors.procedure_by_code("RC.01")
    assert third.current_version.name == "Đăng ký khai sinh"
    assert third.current_version.form_schema == version.form_schema


def test_every_memoised_read_of_a_filing_is_served_from_memory(version):
    desk = version.agencies.get()
    FeeRule.objects.create(
        procedure=version.procedure, fee_vnd=5_000, valid_from=dt.date(2020, 1, 1)
    )
    Subscriber.objects.create(name="portal", url="https://example.test/hook", secret="s" * 32)
    today = dt.date.today()

    def everything():
        return (
            [a.code for a in portal.receiving_agencies(version)],
            [c.name for c in selectors.components_of(version)],
            selectors.component(version.pk, version.components.first().pk).name,
            fees.quote(version, desk).counter_vnd,
            [pk for pk, _types in events.active_subscribers()],
            codelists.province_names(today),
        )

    version = ProcedureVersion.objects.get(pk=version.pk)
    cold, _reads = _queries(everything)
    warm, reads = _queries(everything)
    assert warm == cold
    assert warm[:4] == (["BN.KB"], ["Tờ khai", "Giấy chứng sinh"], "Tờ khai", 5_000)
    # One query left: version.components.first() above is not memoised.
    assert reads == 1


def test_a_change_in_another_process_is_seen_at_the_next_read(version):
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đăng ký khai sinh"
    # Another process changes the row (no signal here) and bumps the shared generation.
    ProcedureVersion.objects.filter(pk=version.pk).update(name="Đăng ký khai tử")
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đăng ký khai sinh"
    _other_process_changed()
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đăng ký khai tử"


def test_a_saved_row_is_seen_at_the_next_read(version):
    component = ProcedureComponent.objects.get(version=version, position=1)
    assert selectors.components_of(version)[0].name == "Tờ khai"
    component.name = "Tờ khai đăng ký khai sinh"
    component.save()
    assert selectors.components_of(version)[0].name == "Tờ khai đăng ký khai sinh"
    desk = version.agencies.get()
    assert [a.name for a in portal.receiving_agencies(version)] == ["UBND Phường Kinh Bắc"]
    version.agencies.remove(desk)  # m2m_changed
    assert portal.receiving_agencies(version) == []


def test_an_emptied_cache_makes_a_new_random_generation(version):
    before = refcache.generation()
    assert selectors.procedure_by_code("RC.01") is not None
    cache.clear()  # e.g. Redis restarted without its data
    after = refcache.generation()
    assert after and after != before
    ProcedureVersion.objects.filter(pk=version.pk).update(name="Đổi khi bộ nhớ đệm trống")
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đổi khi bộ nhớ đệm trống"


def test_update_paths_bump_the_generation(version):
    Subscriber.objects.create(
        name="old", url="https://example.test/a", secret="s" * 32, managed=True
    )
    assert [s for s in events.active_subscribers()]  # memoised: one active subscriber
    # sync_subscribers deactivates the declared subscriber no longer listed with .update().
    events.sync_subscribers("")
    assert events.active_subscribers() == ()
    # publish_version marks the previous version superseded with .update().
    old = version.pk
    draft = selectors.procedure_by_code("RC.01")
    assert draft.current_version.pk == old
    newer = offered_version("RC.01", list(version.agencies.all()), name="Khai sinh (mới)")
    assert selectors.procedure_by_code("RC.01").current_version.pk == newer.pk


def test_a_fee_rule_change_is_seen_at_the_next_quote(version):
    assert fees.quote(version).counter_vnd == 10_000
    rule = FeeRule.objects.create(
        procedure=version.procedure, fee_vnd=20_000, valid_from=dt.date(2020, 1, 1)
    )
    assert fees.quote(version).counter_vnd == 20_000
    rule.delete()
    assert fees.quote(version).counter_vnd == 10_000


def test_the_cache_out_of_reach_falls_back_to_the_database(version, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("redis down")

            return fail

    monkeypatch.setattr(refcache, "cache", Down())
    monkeypatch.setattr(refcache, "_down_until", 0.0)
    for _ in range(2):
        found, reads = _queries(lambda: selectors.procedure_by_code("RC.01"))
        assert found.current_version.pk == version.pk and reads == 1
    # A change while the cache is down: a bump cannot reach it, the reads stay right.
    ProcedureVersion.objects.filter(pk=version.pk).update(name="Khi Redis không trả lời")
    refcache.bump()
    assert selectors.procedure_by_code("RC.01").current_version.name == "Khi Redis không trả lời"


def test_a_rolled_back_change_leaves_nothing_stale(version):
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đăng ký khai sinh"
    with pytest.raises(RuntimeError), transaction.atomic():
        v = ProcedureVersion.objects.get(pk=version.pk)
        v.name = "Chưa cam kết"
        v.save()
        # The writer sees its own change, and it is not memoised for other threads.
        assert selectors.procedure_by_code("RC.01").current_version.name == "Chưa cam kết"
        _found, reads = _queries(lambda: selectors.procedure_by_code("RC.01"))
        assert reads == 1
        raise RuntimeError("rollback")
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đăng ký khai sinh"
    _found, reads = _queries(lambda: selectors.procedure_by_code("RC.01"))
    assert reads == 0  # the memo serves again after the rollback


def test_a_committed_change_bumps_again_on_commit(version):
    with transaction.atomic():
        v = ProcedureVersion.objects.get(pk=version.pk)
        v.name = "Đã cam kết"
        v.save()
        during = refcache.generation()
    assert refcache.generation() != during
    assert selectors.procedure_by_code("RC.01").current_version.name == "Đã cam kết"


def test_a_request_reads_the_generation_once(monkeypatch):
    reads = []
    real_get = refcache.cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(refcache.cache, "get", counting_get)

    def view(request):
        return [refcache.generation() for _ in range(3)]

    tokens = refcache.RequestScopeMiddleware(view)(None)
    assert len(set(tokens)) == 1 and tokens[0]
    assert reads.count(refcache.KEY) == 1


def test_a_dossiers_version_and_agency_chain_come_from_the_memo(version):
    agency = version.agencies.first()
    selectors.version_with_procedure(version.pk)
    from motcua.agencies import selectors as agencies

    agencies.with_parents(agency.pk)
    found, queries = _queries(lambda: selectors.version_with_procedure(version.pk))
    assert queries == 0 and found.pk == version.pk
    assert found.procedure.code == "RC.01"
    chain, queries = _queries(lambda: agencies.with_parents(agency.pk))
    assert queries == 0 and chain.pk == agency.pk
    assert (chain.parent.pk if chain.parent else None) == agency.parent_id
    assert selectors.version_with_procedure(-1) is None and agencies.with_parents(-1) is None


def test_a_published_version_from_the_memo_still_refuses_an_edited_form(version):
    from django.core.exceptions import ValidationError

    selectors.version_with_procedure(version.pk)
    memoised = selectors.version_with_procedure(version.pk)
    assert memoised.form_schema == version.form_schema
    memoised.save()  # unchanged: saved
    memoised.form_schema["title"] = "Đã sửa tại chỗ"  # changed in place
    with pytest.raises(ValidationError):
        memoised.save()
