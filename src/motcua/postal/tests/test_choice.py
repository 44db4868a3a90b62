"""The applicant's choice of how to receive the result: on the portal's review page
(with the postage shown before submitting), through the API, and its checks."""

import pytest
from django.test import Client

from motcua.dossiers.models import ResultDelivery, Status
from motcua.postal import services
from motcua.postal.addresses import AddressInvalid, clean_address

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(citizen):
    client = Client()
    client.force_login(citizen)
    return client


def choose(browser, dossier, **changes):
    data = {"delivery": "post", **ADDRESS, **changes}
    return browser.post(f"/ho-so/{dossier.public_id}/nhan-ket-qua/", data, follow=True)


def test_the_review_page_offers_the_three_ways(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT, delivery=ResultDelivery.DESK)
    page = browser.get(f"/ho-so/{dossier.public_id}/xem-lai/")
    assert page.status_code == 200
    for text in (
        "Hình thức nhận kết quả",
        "Nhận tại bộ phận một cửa",
        "Nhận qua dịch vụ bưu chính",
        "Chỉ nhận kết quả điện tử",
        "Tỉnh Bắc Ninh",
    ):
        assert text in page.text
    # The commune list is the province's (the agency's, by default).
    assert '<option value="Phường Kinh Bắc">' in page.text
    assert "Phường Hoàn Kiếm" not in page.text


def test_by_post_the_postage_is_shown_before_submitting(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT, delivery=ResultDelivery.DESK)
    page = choose(browser, dossier)

    assert page.status_code == 200 and page.redirect_chain[-1][0].endswith("/xem-lai/#nhan-ket-qua")
    assert "Cước phí bưu chính: 22.000 đồng" in page.text
    assert "Nộp hồ sơ" in page.text
    dossier.refresh_from_db()
    assert dossier.result_delivery == ResultDelivery.POST
    assert dossier.delivery_address == ADDRESS and dossier.postage_vnd == 22_000


def test_another_province_costs_the_other_rate(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT, delivery=ResultDelivery.DESK)
    choose(browser, dossier, province="Thành phố Hà Nội", commune="Phường Hoàn Kiếm")
    dossier.refresh_from_db()
    assert dossier.postage_vnd == 30_000


def test_a_commune_of_another_province_is_refused(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT, delivery=ResultDelivery.DESK)
    page = choose(browser, dossier, commune="Phường Hoàn Kiếm")

    assert page.status_code == 400
    assert "Xã, phường “Phường Hoàn Kiếm” không thuộc Tỉnh Bắc Ninh." in page.text
    dossier.refresh_from_db()
    assert dossier.result_delivery == ResultDelivery.DESK and dossier.postage_vnd is None


def test_a_wrong_phone_number_is_explained(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT, delivery=ResultDelivery.DESK)
    page = choose(browser, dossier, phone="12345")
    assert page.status_code == 400
    assert "Số điện thoại không đúng" in page.text


def test_electronic_only_keeps_no_address(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT)
    page = browser.post(
        f"/ho-so/{dossier.public_id}/nhan-ket-qua/", {"delivery": "electronic", **ADDRESS}
    )
    assert page.status_code == 302
    dossier.refresh_from_db()
    assert dossier.result_delivery == ResultDelivery.ELECTRONIC
    assert dossier.delivery_address == {} and dossier.postage_vnd is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": " "}, "recipient"),
        ({"phone": "0123456789"}, "phone"),  # 01x is no longer a mobile prefix
        ({"street": ""}, "street"),
        ({"province": "Tỉnh Hà Tây"}, "province"),
        ({"commune": ""}, "commune"),
    ],
)
def test_address_checks(geography, changes, field):
    with pytest.raises(AddressInvalid) as invalid:
        clean_address({**ADDRESS, **changes})
    assert list(invalid.value.errors) == [field]


def test_phone_numbers_are_normalized(geography):
    assert clean_address({**ADDRESS, "phone": "+84 912.345.678"})["phone"] == "+84912345678"
    assert clean_address({**ADDRESS, "phone": "024 3825 1234"})["phone"] == "02438251234"


def test_the_choice_closes_when_the_result_is_issued(post, make_dossier):
    dossier = make_dossier(status=Status.RESULT_ISSUED, delivery=ResultDelivery.DESK)
    with pytest.raises(services.DossierError):
        services.choose_delivery(dossier, delivery="post", address=ADDRESS)


def test_the_api_takes_the_choice_with_the_draft(post, browser, make_dossier):
    dossier = make_dossier(status=Status.DRAFT, delivery=ResultDelivery.DESK)
    url = f"/api/v1/dossiers/{dossier.public_id}/form"
    wrong = browser.put(
        url,
        {
            "form": dossier.form_data,
            "result_delivery": {"method": "post", "address": {**ADDRESS, "commune": "Phường X"}},
        },
        content_type="application/json",
        headers={"X-CSRFToken": "x"},
    )
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["error"]["code"] == "invalid_address"
    assert "result_delivery.address.commune" in wrong.json()["error"]["details"]

    answer = browser.put(
        url,
        {"form": dossier.form_data, "result_delivery": {"method": "post", "address": ADDRESS}},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["result_delivery"] == "post" and body["postage_vnd"] == 22_000
    assert body["delivery_address"]["commune"] == "Phường Võ Cường"
    assert body["shipments"] == []


def test_the_desk_records_a_postal_choice_at_the_counter(post, make_dossier, desk, geography):
    import uuid

    from motcua.dossiers.models import Dossier
    from tests.factories import offered_version

    version = offered_version("HT.02", [geography["kinh_bac"]], name="Đăng ký kết hôn")
    client = Client()
    client.force_login(desk)
    data = {
        "token": str(uuid.uuid4()),
        "agency": geography["kinh_bac"].pk,
        "procedure": version.pk,
        "kind": "person",
        "name": "Trần Văn Bình",
        "personal_id": "001090123456",
        "phone": "0987654321",
        "result_delivery": "post",
        "delivery_street": "5 Ngô Gia Tự",
        "delivery_province": "Tỉnh Bắc Ninh",
        "delivery_commune": "Phường Hoàn Kiếm",
    }
    refused = client.post("/mot-cua/tiep-nhan/", data)
    assert refused.status_code == 400
    assert "không thuộc Tỉnh Bắc Ninh" in refused.text
    assert not Dossier.objects.filter(procedure_version=version).exists()

    client.post("/mot-cua/tiep-nhan/", {**data, "delivery_commune": "Phường Kinh Bắc"})
    dossier = Dossier.objects.get(procedure_version=version)
    assert dossier.result_delivery == ResultDelivery.POST and dossier.postage_vnd == 22_000
    assert dossier.delivery_address["recipient"] == "Trần Văn Bình"
