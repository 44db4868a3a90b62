"""A citizen's whole journey in a real browser at phone width, checked with axe-core.

Headless Chromium on a live server: sign in through the bundled OpenID Connect
provider, find a procedure, apply with data prefilled from the registry simulator
(over HTTP), attach a scan, review, submit, see the receipt and follow the dossier;
then the desk officer receives it at desktop width. Every page is checked with
axe-core (no serious or critical violation) and photographed (docs/screenshots with
MOTCUA_SCREENSHOTS=1).
"""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.agencies.models import Membership, Role
from motcua.dossiers.models import Dossier, Status
from tests.browser.site import seed_site, wire_site
from tests.browser.test_real_procedures import fill_the_child

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# A one-page PDF: the upload check reads PDFs with qpdf and refuses one without a page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def site(live_server, settings, clean_caches):
    """The demo data, with the portal wired to the provider and the registries on the
    live server (all over real HTTP)."""
    wire_site(live_server.url, settings)
    seed_site(live_server.url, dossiers=40, citizens=20, businesses=3)
    return live_server.url


def test_a_citizen_applies_online_and_the_desk_receives_it(site, browser, shots, check):
    citizen = (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(f"{site}/")
    check(page, "01-trang-chu")
    page.goto(f"{site}/tim-kiem/?q=khai+sinh")
    check(page, "02-tim-kiem")
    page.goto(f"{site}/thu-tuc/MC.HT.01/")
    check(page, "03-thu-tuc")

    # Sign in through the provider (VNeID's stand-in), coming back to the procedure.
    page.goto(f"{site}/cong-dan/dang-nhap/?next=/thu-tuc/MC.HT.01/nop-ho-so/")
    assert "/idp/dang-nhap/" in page.url
    check(page, "04-dang-nhap-dinh-danh")
    page.fill("input[name=personal_id]", citizen.personal_id)
    page.fill("input[name=password]", "MotCua@2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/thu-tuc/MC.HT.01/nop-ho-so/")
    check(page, "05-bat-dau-nop")

    # A commune-level procedure: the citizen picks their commune.
    if page.locator("select[name=agency]").count():
        page.locator("select[name=agency]").select_option(index=1)
    elif page.locator("input[name=agency][type=radio]").count():
        page.locator("input[name=agency][type=radio]").first.check()
    page.click("text=Bắt đầu khai hồ sơ")
    try:
        page.wait_for_url("**/khai/")
    except Exception:
        page.screenshot(path=str(shots / "loi-bat-dau.png"), full_page=True)
        raise
    body = page.content()
    assert citizen.name in body  # prefilled from the population registry over HTTP
    assert "Dữ liệu từ CSDL quốc gia" in body
    check(page, "06-to-khai-dien-san")
    # The real tờ khai: the citizen types the child; the parents come from the registry.
    fill_the_child(page, timezone.localdate() - dt.timedelta(days=10))
    page.locator("button[type=submit]", has_text="Lưu và tiếp tục").click()
    page.wait_for_url("**/giay-to/")
    check(page, "07-giay-to")

    dossier = Dossier.objects.get(applicant=citizen, status=Status.DRAFT)
    # A file uploads as soon as it is picked (no separate button with the script on).
    for index in range(page.locator("form:has(input[type=file])").count()):
        form = page.locator("form:has(input[type=file])").nth(index)
        assert not form.locator("button[type=submit]").is_visible()
        with page.expect_navigation():
            form.locator("input[type=file]").set_input_files(
                {"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF}
            )
        assert "Đã tải lên tệp" in page.content()
    assert dossier.attachments.count() >= 1

    page.goto(f"{site}/ho-so/{dossier.public_id}/xem-lai/")
    check(page, "08-xem-lai")
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url("**/bien-nhan/")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code in page.content()
    check(page, "09-bien-nhan")

    page.goto(f"{site}/ho-so/")
    assert dossier.code in page.content()
    check(page, "10-ho-so-cua-toi")
    page.goto(f"{site}/ho-so/{dossier.public_id}/")
    check(page, "11-theo-doi-ho-so")
    page.goto(f"{site}/kho-du-lieu/")
    check(page, "12-kho-du-lieu")
    context.close()

    # The public look-up, signed out, needs the secret printed on the receipt.
    anonymous = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = anonymous.new_page()
    page.goto(f"{site}/tra-cuu/")
    check(page, "13-tra-cuu")
    anonymous.close()

    # The desk officer receives it at desktop width.
    office = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = office.new_page()
    page.goto(f"{site}/dang-nhap/?next=/mot-cua/")
    desk = Membership.objects.filter(
        role=Role.DESK_OFFICER, agency__parent=dossier.agency
    ).first() or Membership.objects.get(role=Role.DESK_OFFICER, agency=dossier.agency)
    page.fill("input[name=username]", desk.user.username)
    page.fill("input[name=password]", "MotCua@2026")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/mot-cua/")
    assert dossier.code in page.content()
    check(page, "20-mot-cua-hang-doi")
    page.goto(f"{site}/mot-cua/ho-so/{dossier.public_id}/")
    check(page, "21-mot-cua-ho-so")
    page.locator("form[data-action=receive] button[type=submit]").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.due_date is not None
    office.close()
