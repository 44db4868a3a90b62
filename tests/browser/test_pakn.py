"""Phản ánh, kiến nghị (PAKN) in a real browser at phone width, checked with axe-core.

A person files a PAKN about an agency without signing in (name and phone, a photo
attached), gets its code and look-up secret; the agency's desk officer answers it and
publishes it (personal data masked); the person reads the answer with the code and
secret and rates it; the published list shows it. Every page at 390 px passes axe-core
(no serious or critical violation).
"""

import pytest

from motcua.agencies.models import Membership, Role
from motcua.feedback.models import Feedback, Status
from tests.browser.site import DEMO_PASSWORD, seed_site, wire_site

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def site(live_server, settings, clean_caches):
    wire_site(live_server.url, settings)
    settings.MOTCUA_LOOKUP_RATE = ""
    seed_site(live_server.url, dossiers=0, citizens=5, businesses=1, walkthrough=0)
    return live_server.url


def test_pakn_is_filed_answered_published_and_rated_at_phone_width(site, browser, check):
    person = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = person.new_page()
    page.set_default_timeout(20_000)

    page.goto(f"{site}/phan-anh-kien-nghi/")
    check(page, "pakn-01-cong-khai")
    page.click("main >> text=Gửi phản ánh, kiến nghị")
    page.wait_for_url("**/phan-anh-kien-nghi/gui/")
    check(page, "pakn-02-gui")
    page.check("input[name=subject][value=agency]")
    page.select_option("select[name=agency]", "BN.STP")
    page.fill("input[name=title]", "Chờ quá lâu tại quầy chứng thực")
    page.fill(
        "textarea[name=content]",
        "Tôi là Đỗ Thị Lan, số điện thoại 0977 123 456, chờ hơn ba giờ mới được tiếp nhận.",
    )
    page.set_input_files(
        "input[name=files]", {"name": "phieu-so.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.fill("input[name=contact_name]", "Đỗ Thị Lan")
    page.fill("input[name=contact_phone]", "0977123456")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/phan-anh-kien-nghi/da-gui/")
    check(page, "pakn-03-da-gui")
    code = page.inner_text("#pakn-code").strip()
    secret = page.inner_text("#pakn-secret").strip()
    feedback = Feedback.objects.get(code=code)
    assert feedback.agency.code == "BN.STP" and feedback.attachments.count() == 1

    # The desk officer of the agency answers and publishes, at phone width too.
    desk = Membership.objects.filter(role=Role.DESK_OFFICER, agency__parent__code="BN.STP").first()
    desk = desk or Membership.objects.get(role=Role.DESK_OFFICER, agency__code="BN.STP")
    office = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    desk_page = office.new_page()
    desk_page.set_default_timeout(20_000)
    desk_page.goto(f"{site}/dang-nhap/?next=/mot-cua/phan-anh-kien-nghi/")
    desk_page.fill("input[name=username]", desk.user.username)
    desk_page.fill("input[name=password]", DEMO_PASSWORD)
    desk_page.click("form:has(input[name=password]) button[type=submit]")
    desk_page.wait_for_url("**/mot-cua/phan-anh-kien-nghi/")
    assert code in desk_page.content()
    check(desk_page, "pakn-10-hang-doi")
    desk_page.click(f"text={code}")
    desk_page.wait_for_url(f"**/mot-cua/phan-anh-kien-nghi/{feedback.public_id}/")
    check(desk_page, "pakn-11-chi-tiet")
    desk_page.fill("textarea[name=answer]", "Sở đã bố trí thêm quầy chứng thực vào buổi sáng.")
    desk_page.check("input[name=publish]")
    desk_page.click("form[action$='/tra-loi/'] button[type=submit]")
    desk_page.wait_for_url(f"**/mot-cua/phan-anh-kien-nghi/{feedback.public_id}/")
    check(desk_page, "pakn-12-da-tra-loi")
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED and feedback.is_published
    desk_page.goto(f"{site}/mot-cua/phan-anh-kien-nghi/so-lieu/")
    check(desk_page, "pakn-13-so-lieu")
    office.close()

    # The person reads the answer with the code and the secret, and rates it.
    page.goto(f"{site}/phan-anh-kien-nghi/tra-cuu/")
    page.fill("input[name=code]", code)
    page.fill("input[name=secret]", secret)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Sở đã bố trí thêm quầy chứng thực")
    check(page, "pakn-20-tra-cuu")
    page.check("input[name=satisfied][value='1']")
    page.click("form.pakn-rate button[type=submit]")
    page.wait_for_selector("text=Cảm ơn bạn đã đánh giá!")
    check(page, "pakn-21-da-danh-gia")
    feedback.refresh_from_db()
    assert feedback.satisfied is True

    page.goto(f"{site}/phan-anh-kien-nghi/?q=quầy")
    body = page.content()
    assert code in body and "Sở đã bố trí thêm quầy chứng thực" in body
    assert "0977 123 456" not in body and "Đỗ Thị Lan" not in body
    check(page, "pakn-22-cong-khai-da-tra-loi")
    person.close()
