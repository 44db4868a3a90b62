"""Queues, search and keyset pages over the officer's dossiers."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from motcua.backoffice import selectors
from motcua.dossiers.models import Status
from motcua.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


def codes(page):
    return [d.code for d in page.dossiers]


def test_overdue_queue_contains_dossier_past_its_due_date(agency, officer_of, make_dossier):
    today = timezone.localdate()
    late = make_dossier(
        Status.IN_PROCESS,
        received_at=timezone.now() - dt.timedelta(days=20),
        due_date=today - dt.timedelta(days=1),
    )
    on_time = make_dossier(
        Status.IN_PROCESS, received_at=timezone.now(), due_date=today + dt.timedelta(days=10)
    )
    page = selectors.queue_page(officer_of(agency), "qua-han")
    assert late.code in codes(page)
    assert on_time.code not in codes(page)


def test_due_soon_queue_holds_dossiers_due_within_one_working_day(agency, officer_of, make_dossier):
    today = timezone.localdate()
    soon = make_dossier(
        Status.RECEIVED, received_at=timezone.now(), due_date=add_working_days(today, 1)
    )
    later = make_dossier(
        Status.RECEIVED, received_at=timezone.now(), due_date=add_working_days(today, 5)
    )
    page = selectors.queue_page(officer_of(agency), "sap-den-han")
    assert soon.code in codes(page)
    assert later.code not in codes(page)


def test_queue_counts_per_tab(agency, officer_of, make_dossier):
    make_dossier(Status.SUBMITTED)
    make_dossier(Status.SUBMITTED)
    make_dossier(Status.WAITING_SUPPLEMENT, received_at=timezone.now())
    counts = selectors.queue_counts(officer_of(agency))
    assert counts["moi"] == 2
    assert counts["cho-bo-sung"] == 1
    assert counts["dang-xu-ly"] == 0


def test_keyset_pagination_walks_60_dossiers_without_duplicates(agency, officer_of, make_dossier):
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(60):
        # Pairs share a timestamp so that the id breaks the tie.
        make_dossier(
            Status.RECEIVED,
            received_at=start + dt.timedelta(minutes=i // 2),
            due_date=timezone.localdate() + dt.timedelta(days=i // 2),
        )
    user = officer_of(agency)
    seen, after, sizes = [], "", []
    while True:
        page = selectors.queue_page(user, "dang-xu-ly", after=after)
        seen += codes(page)
        sizes.append(len(page.dossiers))
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert sizes == [25, 25, 10]
    assert len(seen) == len(set(seen)) == 60


def test_next_page_link_leads_to_the_next_25(client, agency, officer_of, make_dossier):
    start = timezone.now() - dt.timedelta(days=1)
    made = [
        make_dossier(Status.SUBMITTED, submitted_at=start + dt.timedelta(minutes=i))
        for i in range(30)
    ]
    client.force_login(officer_of(agency))
    first = client.get(reverse("backoffice:queue") + "?hang=moi")
    second = client.get(reverse("backoffice:queue") + first.context["next_url"])
    second_codes = [d.code for d, _ in second.context["rows"]]
    # New dossiers wait first come, first served: the oldest submissions come first.
    assert second_codes == [d.code for d in made[25:]]


def test_search_by_code_prefix_and_applicant_name(agency, officer_of, make_dossier):
    wanted = make_dossier(Status.SUBMITTED)
    wanted.applicant.name = "Nguyễn Thị Hoa"
    wanted.applicant.save()
    other = make_dossier(Status.SUBMITTED)
    user = officer_of(agency)
    by_code = selectors.queue_page(user, "moi", selectors.Search(code=wanted.code[:-1]))
    assert wanted.code in codes(by_code)
    by_name = selectors.queue_page(user, "moi", selectors.Search(applicant="thị hoa"))
    assert codes(by_name) == [wanted.code]
    assert other.code not in codes(by_name)


def test_search_by_procedure_code(agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    user = officer_of(agency)
    assert codes(selectors.queue_page(user, "moi", selectors.Search(procedure="HT.01"))) == [
        dossier.code
    ]
    assert codes(selectors.queue_page(user, "moi", selectors.Search(procedure="KHAC.99"))) == []


def test_search_by_received_date_range(agency, officer_of, make_dossier):
    now = timezone.now()
    old = make_dossier(Status.RECEIVED, received_at=now - dt.timedelta(days=40))
    recent = make_dossier(Status.RECEIVED, received_at=now)
    search = selectors.Search(received_from=timezone.localdate() - dt.timedelta(days=7))
    found = codes(selectors.queue_page(officer_of(agency), "tat-ca", search))
    assert recent.code in found
    assert old.code not in found


def test_malformed_cursor_shows_first_page(agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    assert codes(selectors.queue_page(officer_of(agency), "moi", after="rac_xyz")) == [dossier.code]


def test_queue_page_query_count_does_not_grow_with_rows(client, agency, officer_of, make_dossier):
    client.force_login(officer_of(agency))
    make_dossier(Status.SUBMITTED)
    for url in (reverse("backoffice:queue") + "?hang=moi", reverse("backoffice:queue")):
        client.get(url)  # warm the session and calendar caches
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for _ in range(20):
            make_dossier(Status.SUBMITTED)
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == len(one), url


def test_search_by_received_date_includes_the_whole_last_day(agency, officer_of, make_dossier):
    evening = timezone.make_aware(dt.datetime(2026, 3, 10, 22, 30))
    dossier = make_dossier(Status.RECEIVED, received_at=evening)
    day = dt.date(2026, 3, 10)
    search = selectors.Search(received_from=day, received_to=day)
    assert codes(selectors.queue_page(officer_of(agency), "tat-ca", search)) == [dossier.code]


def test_search_by_code_ignores_case(agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    found = selectors.queue_page(
        officer_of(agency), "moi", selectors.Search(code=dossier.code.lower())
    )
    assert codes(found) == [dossier.code]


def test_a_queue_can_be_read_in_reverse_order(client, agency, officer_of, make_dossier):
    start = timezone.now() - dt.timedelta(days=1)
    made = [
        make_dossier(Status.SUBMITTED, submitted_at=start + dt.timedelta(minutes=i))
        for i in range(3)
    ]
    client.force_login(officer_of(agency))
    oldest_first = client.get(reverse("backoffice:queue") + "?hang=moi")
    newest_first = client.get(reverse("backoffice:queue") + "?hang=moi&dao=1")
    assert [d.code for d, _ in oldest_first.context["rows"]] == [d.code for d in made]
    assert [d.code for d, _ in newest_first.context["rows"]] == [d.code for d in reversed(made)]
    assert "Đảo thứ tự" in newest_first.content.decode()


def test_a_supervisor_pages_through_several_agencies_in_one_order(
    agency, other_agency, officer_of, make_dossier
):
    from motcua.agencies.models import Agency, Role
    from tests.factories import AgencyFactory

    province = AgencyFactory(code="TINH", kind=Agency.Kind.PROVINCE)
    Agency.objects.filter(pk__in=[agency.pk, other_agency.pk]).update(parent=province)
    start = timezone.now() - dt.timedelta(days=2)
    made = [
        make_dossier(
            Status.RECEIVED,
            agency=(agency, other_agency)[i % 2],
            received_at=start + dt.timedelta(minutes=i // 3),
            due_date=timezone.localdate() + dt.timedelta(days=i // 3),
        )
        for i in range(60)
    ]
    supervisor = officer_of(province, Role.SUPERVISOR)
    seen, after = [], ""
    while True:
        page = selectors.queue_page(supervisor, "dang-xu-ly", after=after)
        seen += [d.pk for d in page.dossiers]
        if not page.next_cursor:
            break
        after = page.next_cursor
    expected = [d.pk for d in sorted(made, key=lambda d: (d.due_date, d.pk))]
    assert seen == expected


def test_badges_stop_counting_at_the_cap(agency, officer_of, make_dossier, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for _ in range(5):
        make_dossier(Status.SUBMITTED)
    assert selectors.queue_counts(officer_of(agency))["moi"] == 3


def test_opening_the_queue_does_not_run_the_deadline_job(client, agency, officer_of, make_dossier):
    # The daily job (apology drafts, overdue supplements) belongs to the scheduler
    # (Celery beat, cron, or `make run`'s start), never to a page view.
    from motcua.dossiers.models import ApologyLetter

    make_dossier(
        Status.IN_PROCESS,
        received_at=timezone.now() - dt.timedelta(days=20),
        due_date=timezone.localdate(),
    )
    client.force_login(officer_of(agency))
    assert client.get(reverse("backoffice:queue")).status_code == 200
    assert not ApologyLetter.objects.exists()
