"""The HTTP connector against the postal simulator, over real HTTP: quote, book, track,
and the signatures both ways."""

import pytest

from motcua.postal.connector import InvalidSignature, Parcel, PostalError, get_service
from motcua.postsim.services import s10_check_digit

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)


def parcel(reference="3f0c9a52-0000-4000-8000-000000000001", **changes):
    values = dict(
        reference=reference,
        recipient=ADDRESS["recipient"],
        phone=ADDRESS["phone"],
        address=ADDRESS,
        origin_province="Tỉnh Bắc Ninh",
        sender="UBND phường Kinh Bắc",
    )
    values.update(changes)
    return Parcel(**values)


def test_postage_inside_the_province_and_elsewhere(post):
    service = get_service()
    assert service.quote(ADDRESS, origin_province="Tỉnh Bắc Ninh") == 22_000
    assert service.quote(ADDRESS, origin_province="Thành phố Hà Nội") == 30_000


def test_the_postage_table_is_configurable(post, settings):
    settings.MOTCUA_POSTSIM_OTHER_VND = 35_000
    assert get_service().quote(ADDRESS, origin_province="Thành phố Hà Nội") == 35_000


def test_booking_gives_an_s10_tracking_number_once_per_reference(post):
    service = get_service()
    first = service.create_shipment(parcel())
    again = service.create_shipment(parcel())
    other = service.create_shipment(parcel(reference="another-reference"))

    number = first.tracking_number
    assert number.startswith("EB") and number.endswith("VN") and len(number) == 13
    assert int(number[10]) == s10_check_digit(number[2:10])
    assert first.status == "created" and first.postage_vnd == 22_000
    assert again.tracking_number == number  # idempotent by reference
    assert other.tracking_number != number


def test_tracking_reports_every_status_with_its_event_id(post):
    from motcua.postsim.models import SimShipment
    from motcua.postsim.services import advance

    service = get_service()
    booked = service.create_shipment(parcel())
    advance(SimShipment.objects.get(tracking_number=booked.tracking_number), "delivered")

    journey = service.track(booked.tracking_number)
    assert journey.status == "delivered"
    assert [e.status for e in journey.events] == ["created", "picked_up", "in_transit", "delivered"]
    assert len({e.event_id for e in journey.events}) == 4


def test_an_unknown_parcel_is_refused(post):
    with pytest.raises(PostalError) as refused:
        get_service().track("EB000000000VN")
    assert refused.value.code == "not_found"


def test_a_request_signed_with_another_key_is_refused(post, settings):
    settings.MOTCUA_POSTSIM_KEY = "khoa-khac"
    # The simulator answers 401, signed with its own key: MotCua does not believe it.
    with pytest.raises(InvalidSignature):
        get_service().quote(ADDRESS, origin_province="Tỉnh Bắc Ninh")


def test_an_unreachable_service_is_reported_in_vietnamese(settings, db):
    settings.MOTCUA_POSTAL_URL = "http://127.0.0.1:9/mo-phong/buu-chinh/"
    settings.MOTCUA_POSTAL_RETRIES = 1
    settings.MOTCUA_POSTAL_BACKOFF_S = 0
    with pytest.raises(PostalError) as failed:
        get_service().quote(ADDRESS, origin_province="Tỉnh Bắc Ninh")
    assert "Chưa kết nối được với dịch vụ bưu chính" in failed.value.message
