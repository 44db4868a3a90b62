"""The desk hands the result to the post; the post's signed events (or the answers to
polling) return the dossier once, or bring the parcel back to the desk. Over real HTTP:
MotCua → simulator (book), simulator → MotCua (signed webhook)."""

import io
import json

import pytest
import requests
from django.core.management import call_command
from django.test import Client

from motcua.audit.models import AuditRecord
from motcua.dossiers.models import ResultDelivery, Status, StatusChange
from motcua.notifications.models import Notification
from motcua.postal import services, signing
from motcua.postal.models import Shipment, ShipmentEvent
from motcua.postsim.models import SimShipment
from motcua.postsim.services import advance

pytestmark = pytest.mark.django_db(transaction=True)


def sim(shipment):
    return SimShipment.objects.get(tracking_number=shipment.tracking_number)


def returns(dossier) -> int:
    return StatusChange.objects.filter(dossier=dossier, action="return_result").count()


def post_event(url, payload, *, key=None):
    body = signing.dumps(payload)
    return requests.post(url, data=body, headers=signing.signed_headers(body, key), timeout=10)


def test_the_desk_hands_the_result_to_the_post(post, callback, make_dossier, desk):
    dossier = make_dossier()
    client = Client()
    client.force_login(desk)

    page = client.get(f"/mot-cua/ho-so/{dossier.public_id}/")
    assert "Chuyển kết quả qua bưu chính" in page.text
    assert "Phường Võ Cường, Tỉnh Bắc Ninh" in page.text and "22.000" in page.text

    answer = client.post(f"/mot-cua/ho-so/{dossier.public_id}/buu-chinh/", follow=True)
    shipment = Shipment.objects.get(dossier=dossier)
    assert f"số hiệu bưu gửi {shipment.tracking_number}" in answer.text
    assert shipment.tracking_number in answer.text
    assert "Chuyển kết quả qua bưu chính" not in answer.text  # on its way: not twice
    assert shipment.created_by == desk and shipment.postage_vnd == 22_000
    assert sim(shipment).address["commune"] == "Phường Võ Cường"
    assert AuditRecord.objects.filter(action="postal.shipment_created").count() == 1
    assert Notification.objects.filter(event="postal_sent").exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_ISSUED


def test_delivery_returns_the_dossier_once_at_the_delivery_time(post, callback, make_dossier, desk):
    dossier = make_dossier()
    shipment = services.send_result(dossier, by=desk, callback_url=callback)

    events = advance(sim(shipment), "delivered")

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert [e.answer_status for e in sim(shipment).events.exclude(status="created")] == [200] * 3
    assert shipment.status == "delivered" and shipment.delivered_at == events[-1].at
    assert dossier.status == Status.RETURNED
    assert dossier.returned_at == events[-1].at
    change = StatusChange.objects.get(dossier=dossier, action="return_result")
    assert change.actor is None and shipment.tracking_number in change.note
    # The post says it again (its retry, or polling): nothing more happens.
    assert services.poll(shipment) == 1  # only "created", which came by no event
    assert returns(dossier) == 1
    assert ShipmentEvent.objects.filter(shipment=shipment).count() == 4


def test_a_duplicate_event_is_ignored(post, callback, make_dossier, desk):
    dossier = make_dossier()
    shipment = services.send_result(dossier, by=desk, callback_url=callback)
    event = {
        "event_id": "6b1f2c1e-0d7a-4f3e-9f77-0a1b2c3d4e5f",
        "tracking_number": shipment.tracking_number,
        "status": "delivered",
        "at": "2026-03-02T09:30:00+07:00",
        "note": "Đã phát",
    }
    first = post_event(callback, event)
    second = post_event(callback, event)

    assert first.status_code == second.status_code == 200
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    assert ShipmentEvent.objects.filter(event_id=event["event_id"]).count() == 1
    assert returns(dossier) == 1


def test_an_event_with_a_bad_signature_is_refused(post, callback, make_dossier, desk):
    dossier = make_dossier()
    shipment = services.send_result(dossier, by=desk, callback_url=callback)
    event = {
        "event_id": "forged-1",
        "tracking_number": shipment.tracking_number,
        "status": "delivered",
        "at": "2026-03-02T09:30:00+07:00",
    }
    forged = post_event(callback, event, key="khoa-gia-mao")
    unsigned = requests.post(callback, data=json.dumps(event), timeout=10)
    stale_headers = signing.signed_headers(signing.dumps(event))
    stale_headers[signing.TIMESTAMP_HEADER] = "1000000000"
    stale = requests.post(callback, data=signing.dumps(event), headers=stale_headers, timeout=10)

    assert forged.status_code == unsigned.status_code == stale.status_code == 401
    assert not ShipmentEvent.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_ISSUED


def test_an_event_about_an_unknown_parcel_is_a_404(post, callback, db):
    answer = post_event(
        callback,
        {"event_id": "x", "tracking_number": "EB1VN", "status": "delivered", "at": "2026-01-01"},
    )
    assert answer.status_code == 404


def test_returned_to_sender_tells_the_applicant_and_the_desk_may_resend(
    post, callback, make_dossier, desk
):
    dossier = make_dossier()
    shipment = services.send_result(dossier, by=desk, callback_url=callback)

    advance(sim(shipment), "returned", note="Người nhận vắng nhà 3 lần")

    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.status == "returned" and shipment.returned_at is not None
    assert dossier.status == Status.RESULT_ISSUED  # the result is back at the desk
    told = Notification.objects.filter(event="postal_returned")
    assert told.count() == 2  # email and SMS
    assert any("Người nhận vắng nhà 3 lần" in n.body for n in told)
    assert AuditRecord.objects.filter(action="postal.returned_to_sender").count() == 1

    client = Client()
    client.force_login(desk)
    page = client.get(f"/mot-cua/ho-so/{dossier.public_id}/")
    assert "Bưu chính trả lại" in page.text
    assert "Chuyển kết quả qua bưu chính" in page.text  # resend
    citizen_page = Client()
    citizen_page.force_login(dossier.applicant.user)
    assert "Bưu chính trả lại" in citizen_page.get(f"/ho-so/{dossier.public_id}/").text

    again = services.send_result(dossier, by=desk, callback_url=callback)
    assert again.tracking_number != shipment.tracking_number
    advance(sim(again), "delivered")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and returns(dossier) == 1


def test_a_parcel_on_its_way_is_not_sent_twice(post, callback, make_dossier, desk):
    dossier = make_dossier()
    services.send_result(dossier, by=desk, callback_url=callback)
    with pytest.raises(services.DossierError):
        services.send_result(dossier, by=desk, callback_url=callback)
    assert Shipment.objects.filter(dossier=dossier).count() == 1


def test_only_a_postal_result_that_is_issued_goes_to_the_post(post, callback, make_dossier, desk):
    for dossier in (
        make_dossier(status=Status.APPROVED),
        make_dossier(delivery=ResultDelivery.DESK),
    ):
        with pytest.raises(services.DossierError):
            services.send_result(dossier, by=desk, callback_url=callback)
    assert not Shipment.objects.exists() and not SimShipment.objects.exists()


def test_polling_finds_the_delivery_when_the_event_was_lost(post, make_dossier, desk):
    dossier = make_dossier()
    # The callback points nowhere: the post's events are lost.
    shipment = services.send_result(
        dossier, by=desk, callback_url="http://127.0.0.1:9/buu-chinh/su-kien/"
    )
    out = io.StringIO()
    call_command("postsim_deliver", stdout=out)
    assert "1 parcel(s) delivered" in out.getvalue()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_ISSUED

    out = io.StringIO()
    call_command("poll_shipments", stdout=out)

    assert "1 parcel(s) asked, 4 new event(s), 0 failure(s)" in out.getvalue()
    dossier.refresh_from_db()
    shipment.refresh_from_db()
    assert dossier.status == Status.RETURNED and shipment.status == "delivered"
    assert set(shipment.events.values_list("source", flat=True)) == {"poll"}


def test_the_desk_already_handed_it_over_so_the_delivery_changes_nothing(
    post, callback, make_dossier, desk
):
    from motcua.dossiers import services as dossier_services

    dossier = make_dossier()
    shipment = services.send_result(dossier, by=desk, callback_url=callback)
    dossier_services.transition(dossier, "return_result", by=desk)
    advance(sim(shipment), "delivered")
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and returns(dossier) == 1


def test_delivered_by_post_counts_dossiers_of_the_agencies_in_the_period(
    post, callback, make_dossier, desk, geography
):
    import datetime as dt

    from django.utils import timezone

    from motcua.postal.selectors import delivered_by_post

    delivered, returned = make_dossier(), make_dossier()
    advance(sim(services.send_result(delivered, by=desk, callback_url=callback)), "delivered")
    advance(sim(services.send_result(returned, by=desk, callback_url=callback)), "returned")
    today = timezone.localdate()
    agency = [geography["kinh_bac"].pk]

    assert delivered_by_post(agency, today, today) == 1
    assert delivered_by_post(agency, today - dt.timedelta(days=9), today - dt.timedelta(1)) == 0
    assert delivered_by_post([geography["ha_noi"].pk], today, today) == 0
