"""The 766 sync figures per agency, the sync page and exchange_status."""

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.exchange import metrics
from motcua.exchange.models import InMessage, Link, OutMessage
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 10, 5, 9, 0))


def sent(link, seq, *, after_s=None, at=T0):
    return OutMessage.objects.create(
        peer=link.peer,
        link=link,
        type="t",
        seq=seq,
        created_at=at,
        next_attempt_at=at,
        state="delivered" if after_s is not None else "pending",
        delivered_at=at + dt.timedelta(seconds=after_s) if after_s is not None else None,
    )


def received(link, seq, *, after_s, applied=True, at=T0):
    return InMessage.objects.create(
        message_id=uuid.uuid4(),
        peer=link.peer,
        link=link,
        sender_id=link.remote_id,
        type="t",
        seq=seq,
        created_at=at,
        sent_at=at,
        received_at=at + dt.timedelta(seconds=after_s),
        applied_at=at + dt.timedelta(seconds=after_s) if applied else None,
    )


@pytest.fixture
def figures(peer, make_dossier):
    other = AgencyFactory(code="HNI.SXD", name="Sở Xây dựng Hà Nội")

    def link(agency=None):
        dossier = make_dossier(**({"agency": agency} if agency else {}))
        return Link.objects.create(dossier=dossier, peer=peer, side="front", remote_id=uuid.uuid4())

    one, two, three, four = link(), link(), link(other), link(other)
    sent(one, 1, after_s=10)
    sent(one, 2, after_s=30)
    received(one, 1, after_s=50)
    sent(two, 1)  # still waiting: two is not synced
    received(three, 1, after_s=5)
    received(three, 2, after_s=7, applied=False)  # received, not applied: not synced
    received(four, 1, after_s=3600)
    sent(four, 1, after_s=1, at=T0 - dt.timedelta(days=40))  # outside the period
    return other


def test_sync_by_agency_counts_dossiers_synced_rate_and_delays(figures, agency):
    rows = metrics.sync_by_agency(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert [row.agency.code for row in rows] == ["HNI.STP", "HNI.SXD"]
    stp, sxd = rows
    assert (stp.dossiers, stp.synced, stp.rate) == (2, 1, 0.5)
    assert (stp.delay_p50_s, stp.delay_max_s) == (30, 50)  # median of 10, 30, 50
    assert (sxd.dossiers, sxd.synced, sxd.rate) == (2, 1, 0.5)
    assert (sxd.delay_p50_s, sxd.delay_max_s) == (1802.5, 3600)  # 5 and 3600 s (7: not applied)
    total = metrics.total(rows)
    assert (total.dossiers, total.synced, total.rate) == (4, 2, 0.5)
    assert metrics.sync_by_agency(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []


def test_durations_are_shown_in_vietnamese():
    assert metrics.duration_label(None) == "–"
    assert metrics.duration_label(45.4) == "45 giây"
    assert metrics.duration_label(200) == "3 phút 20 giây"
    assert metrics.duration_label(7500) == "2 giờ 5 phút"


def test_the_sync_page_shows_the_table_to_staff_only(client, figures):
    url = "/lien-thong/dong-bo/?tu=2026-10-01&den=2026-10-31"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(UserFactory(is_staff=False))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đồng bộ hồ sơ lên Cổng DVCQG" in html
    assert "Sở Xây dựng Hà Nội" in html and "1 giờ 0 phút" in html and "50,0 %" in html


def test_the_national_ranking_links_to_the_sync_page(client, settings, exchange_settings):
    settings.MOTCUA_FEDERATION_MODE = "national"
    client.force_login(UserFactory(is_staff=True))
    assert "/lien-thong/dong-bo/" in client.get("/lien-thong/xep-hang/").content.decode()
    settings.MOTCUA_EXCHANGE_ROLE = "off"
    assert "/lien-thong/dong-bo/" not in client.get("/lien-thong/xep-hang/").content.decode()


def test_exchange_status_prints_each_peer_and_the_sync_table(figures):
    out = io.StringIO()
    call_command("exchange_status", "--from", "2026-10-01", "--to", "2026-10-31", stdout=out)
    text = out.getvalue()
    assert "HNI " in text and "HNI.SXD" in text and "50.0%" in text
    out = io.StringIO()
    call_command(
        "exchange_status", "--from", "2026-10-01", "--to", "2026-10-31", "--json", stdout=out
    )
    import json

    data = json.loads(out.getvalue())
    (peer,) = data["peers"]
    assert (peer["code"], peer["pending"], peer["delivered"], peer["waiting_in"]) == (
        "HNI",
        1,
        3,
        1,
    )
    assert data["sync"][-1]["dossiers"] == 4 and data["sync"][-1]["synced"] == 2
