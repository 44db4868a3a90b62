"""The postal simulator on its own: the S10 tracking number, its postage table, its
signed API and the post office's page."""

import json

import pytest
from django.test import Client

from motcua.postsim import services, signing
from motcua.postsim.models import SimShipment

pytestmark = pytest.mark.django_db

KEY = "khoa-mo-phong"
PARCEL = {
    "reference": "ho-so-1",
    "recipient": "Nguyễn Thị Hoa",
    "phone": "0912345678",
    "address": {
        "street": "12 Lý Thái Tổ",
        "commune": "Phường Võ Cường",
        "province": "Tỉnh Bắc Ninh",
    },
    "origin_province": "Tỉnh Bắc Ninh",
}


@pytest.fixture(autouse=True)
def _key(settings):
    settings.MOTCUA_POSTSIM_KEY = KEY
    settings.MOTCUA_POSTSIM_IN_PROVINCE_VND = 22_000
    settings.MOTCUA_POSTSIM_OTHER_VND = 30_000


def call(path, payload, key=KEY):
    body = signing.dumps(payload)
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in signing.signed_headers(key, body).items()
        if k != "Content-Type"
    }
    return Client().post(path, body, content_type="application/json", **headers)


def test_s10_check_digit_of_the_upu_example():
    # The UPU S10 example "RR 47312482 9 GB": weights 8 6 4 2 3 5 9 7 give 200, 11 − 200 mod 11 = 9.
    assert services.s10_check_digit("47312482") == 9


def test_the_api_books_and_signs_its_answer():
    answer = call("/mo-phong/buu-chinh/api/van-don/", PARCEL)
    assert answer.status_code == 201
    body = json.loads(answer.content)
    assert body["postage_vnd"] == 22_000 and body["status"] == "created"
    assert signing.verify(
        KEY, answer[signing.TIMESTAMP_HEADER], answer[signing.SIGNATURE_HEADER], answer.content
    )


def test_an_unsigned_or_wrongly_signed_call_is_refused():
    assert call("/mo-phong/buu-chinh/api/cuoc/", PARCEL, key="sai").status_code == 401
    unsigned = Client().post(
        "/mo-phong/buu-chinh/api/cuoc/", json.dumps(PARCEL), content_type="application/json"
    )
    assert unsigned.status_code == 401


def test_the_post_office_page_is_for_staff_only(django_user_model):
    shipment, _new = services.book(PARCEL)
    anonymous = Client().get("/mo-phong/buu-chinh/van-don/")
    assert anonymous.status_code == 302 and shipment.tracking_number not in anonymous.text
    citizen = Client()
    citizen.force_login(django_user_model.objects.create_user("cong-dan", password="x"))
    page = citizen.get("/mo-phong/buu-chinh/van-don/")
    assert page.status_code == 302 and PARCEL["recipient"] not in page.text
    posted = citizen.post(
        "/mo-phong/buu-chinh/van-don/", {"shipment": str(shipment.public_id), "status": "returned"}
    )
    assert posted.status_code == 302
    assert SimShipment.objects.get(pk=shipment.pk).status == "created"


def test_the_post_office_page_advances_a_parcel(django_user_model):
    shipment, _new = services.book(PARCEL)
    client = Client()
    client.force_login(
        django_user_model.objects.create_user("buu-cuc", password="x", is_staff=True)
    )
    page = client.get("/mo-phong/buu-chinh/van-don/")
    assert shipment.tracking_number in page.text and "Đã nhận bưu gửi" in page.text

    moved = client.post(
        "/mo-phong/buu-chinh/van-don/",
        {"shipment": str(shipment.public_id), "status": "returned"},
        follow=True,
    )
    shipment.refresh_from_db()
    assert shipment.status == "returned"
    assert f"Bưu gửi {shipment.tracking_number}: Chuyển hoàn người gửi." in moved.text
    assert list(shipment.events.values_list("status", flat=True)) == [
        "created",
        "picked_up",
        "in_transit",
        "returned",
    ]
    # A returned parcel goes nowhere else.
    client.post(
        "/mo-phong/buu-chinh/van-don/", {"shipment": str(shipment.public_id), "status": "delivered"}
    )
    assert SimShipment.objects.get(pk=shipment.pk).status == "returned"
