"""The result by post, in a real browser: a citizen at phone width chooses, on the review
page, to receive the result by post (province, then a commune of it, the postage shown
before submitting); the desk hands the issued result to the post; the postal simulator
delivers it (signed event over HTTP) and the citizen's page shows "Đã giao".

Headless Chromium on a live server, the postal simulator on the same server; every page
is checked with axe-core (no serious or critical violation).
"""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Dossier, ResultDelivery, Status
from motcua.postal.models import Shipment
from tests.factories import (
    AgencyFactory,
    citizen_user,
    dossier_in_status,
    offered_version,
    officer_user,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
KEY = "khoa-buu-chinh-thu-nghiem-trinh-duyet"


@pytest.fixture
def postal_site(live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.MOTCUA_POSTAL_URL = f"{live_server.url}/mo-phong/buu-chinh/"
    settings.MOTCUA_POSTAL_KEY = settings.MOTCUA_POSTSIM_KEY = KEY
    settings.MOTCUA_POSTAL_RETRIES = 0
    settings.MOTCUA_POSTAL_TIMEOUT_S = 10
    settings.MOTCUA_POSTSIM_WEBHOOK_TIMEOUT_S = 10
    settings.MOTCUA_POSTSIM_TRANSIT_S = 0
    settings.MOTCUA_NOTIFICATIONS_INLINE = False
    bac_ninh = AgencyFactory(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)
    ha_noi = AgencyFactory(code="HN", name="Thành phố Hà Nội", kind=Agency.Kind.CITY)
    ward = AgencyFactory(
        code="BN.KB", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE, parent=bac_ninh
    )
    AgencyFactory(code="BN.VC", name="Phường Võ Cường", kind=Agency.Kind.COMMUNE, parent=bac_ninh)
    AgencyFactory(code="HN.HK", name="Phường Hoàn Kiếm", kind=Agency.Kind.COMMUNE, parent=ha_noi)
    version = offered_version(
        "BC.01",
        [ward],
        name="Cấp bản sao trích lục hộ tịch",
        components=[],
        data_sources=[],
        fee_vnd=0,
    )
    citizen = citizen_user("congdan", "Nguyễn Thị Hoa", "001090001111")
    desk = officer_user(ward, Role.DESK_OFFICER, "motcua.kinhbac")
    draft = dossier_in_status(
        Status.DRAFT,
        applicant=citizen.applicants.get(kind="person"),
        procedure_version=version,
        agency=ward,
        form_data={
            "full_name": "Nguyễn Thị Hoa",
            "personal_id": "001090001111",
            "birth_date": "1990-05-12",
            "permanent_address": "Phường Kinh Bắc, Tỉnh Bắc Ninh",
            "phone": "0912345678",
        },
    )
    return live_server.url, citizen, desk, draft


def signed_in(browser, site, user, viewport):
    """A browser context with ``user``'s session (the sign-in itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale="vi-VN", device_scale_factor=1)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def test_a_citizen_chooses_post_and_sees_the_result_delivered(postal_site, browser, check):
    site, citizen, desk, draft = postal_site

    # The citizen, on a phone, chooses the post on the review page.
    context, page = signed_in(browser, site, citizen, PHONE)
    page.goto(f"{site}/ho-so/{draft.public_id}/xem-lai/")
    assert page.get_by_text("Hình thức nhận kết quả").first.is_visible()
    # Nothing to attach (no component): the step bar has two steps, the review second.
    steps = page.locator("ol.steps > li")
    assert steps.all_inner_texts() == ["Khai thông tin", "Xem lại và nộp"]
    assert steps.nth(1).get_attribute("aria-current") == "step"
    assert steps.nth(1).bounding_box()["y"] == steps.nth(0).bounding_box()["y"]  # one row
    # …and the review offers no files to edit.
    assert page.get_by_text("Giấy tờ kèm theo").count() == 0
    assert page.get_by_role("link", name="Sửa giấy tờ").count() == 0
    wide, wide_page = signed_in(browser, site, citizen, DESKTOP)
    wide_page.goto(f"{site}/ho-so/{draft.public_id}/xem-lai/")
    assert wide_page.locator("ol.steps > li").count() == 2
    check(wide_page, "buu-chinh-00-xem-lai-hai-buoc-1280")
    wide.close()
    page.get_by_label("Nhận qua dịch vụ bưu chính").check()
    page.get_by_label("Họ tên người nhận").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số điện thoại người nhận").fill("0912 345 678")
    page.get_by_label("Số nhà, đường phố, thôn, xóm").fill("Số 12 đường Lý Thái Tổ")
    page.get_by_label("Tỉnh, thành phố").select_option("Thành phố Hà Nội")
    # The commune list follows the province (eform.js asks the server).
    commune = page.locator("select[data-commune-of=delivery]")
    commune.locator("option[value='Phường Hoàn Kiếm']").wait_for(state="attached")
    commune.select_option("Phường Hoàn Kiếm")
    check(page, "buu-chinh-01-chon-hinh-thuc")
    page.get_by_role("button", name="Lưu hình thức nhận kết quả").click()
    page.wait_for_url("**/xem-lai/#nhan-ket-qua")
    assert "Cước phí bưu chính: 30.000 đồng" in page.content()
    check(page, "buu-chinh-02-cuoc-phi")
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url("**/bien-nhan/")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.result_delivery == ResultDelivery.POST and draft.postage_vnd == 30_000
    assert draft.delivery_address["commune"] == "Phường Hoàn Kiếm"

    # The dossier is decided and its result issued (the workflow is tested elsewhere).
    Dossier.objects.filter(pk=draft.pk).update(status=Status.RESULT_ISSUED)

    # The desk, at a desktop, hands the result to the post.
    office, desk_page = signed_in(browser, site, desk, DESKTOP)
    desk_page.goto(f"{site}/mot-cua/ho-so/{draft.public_id}/")
    check(desk_page, "buu-chinh-03-mot-cua")
    desk_page.get_by_role("button", name="Chuyển kết quả qua bưu chính").click()
    desk_page.wait_for_load_state()
    shipment = Shipment.objects.get(dossier=draft)
    assert shipment.tracking_number in desk_page.content()
    office.close()

    # The post delivers it: its signed event returns the dossier.
    call_command("postsim_deliver", stdout=io.StringIO())
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED

    page.goto(f"{site}/ho-so/{draft.public_id}/")
    body = page.content()
    assert shipment.tracking_number in body and "Đã giao" in body
    check(page, "buu-chinh-04-da-giao")
    context.close()
