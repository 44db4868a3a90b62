"""Assisted filing at phone width: a post-office agent files a dossier for a citizen
and the citizen confirms it with the code sent to their registered phone.

Headless Chromium on a live server with the demo data: the agent signs in (the officer
sign-in), enters the citizen's personal ID (looked up in the registry simulator over
HTTP), picks a procedure that is received online only, fills the portal's e-form,
attaches a scan, sends the code (read here from the SMS outbox, as the citizen would
read it from their phone) and types it: the dossier is submitted as an online one,
filed by the agent. Every page is checked with axe-core (docs/ASSISTED.md).
"""

import re

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.catalog.models import OnlineOnlyRule
from motcua.dossiers.models import Channel, Dossier, IdentityAssurance, Status
from motcua.notifications.models import Notification
from motcua.registrysim.models import Person
from tests.browser.site import DEMO_PASSWORD, seed_site, wire_site
from tests.factories import offered_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
# A one-page PDF: the upload check reads PDFs with qpdf and refuses one without a page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
AGENT = "hotro.buudien"


@pytest.fixture
def site(live_server, settings, clean_caches):
    wire_site(live_server.url, settings)
    seed_site(live_server.url, dossiers=5, citizens=5, businesses=1, walkthrough=1)
    return live_server.url


def test_an_agent_files_for_a_citizen_who_confirms_by_code(site, browser, check):
    commune = Agency.objects.get(code="BN.KINHBAC")
    version = offered_version("NH.01", [commune], processing_days=3, fee_vnd=0)
    OnlineOnlyRule.objects.create(procedure=version.procedure, valid_from=timezone.localdate())
    citizen = (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .exclude(personal_id="")
        .order_by("pk")
        .first()
    )
    registered = Person.objects.get(personal_id=citizen.personal_id).phone
    assert registered

    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(20_000)

    # The agent's first screen asks them to sign in, then opens "Nộp hộ hồ sơ".
    page.goto(f"{site}/ho-tro-nop-ho-so/")
    assert "/dang-nhap/" in page.url
    page.fill("input[name=username]", AGENT)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url("**/ho-tro-nop-ho-so/")
    check(page, "nop-ho-01-trang-dau")

    page.fill("input[name=personal_id]", citizen.personal_id)
    page.locator("button[type=submit]", has_text="Tìm công dân").click()
    page.wait_for_url("**/ho-so-moi/")
    assert citizen.name in page.content()
    assert registered not in page.content()  # the phone is shown masked
    check(page, "nop-ho-02-cong-dan")

    page.locator("select[name=thu_tuc]").select_option(str(version.pk))
    page.locator("button[type=submit]", has_text="Chọn thủ tục").click()
    page.wait_for_url("**/ho-so-moi/?thu_tuc=*")
    check(page, "nop-ho-03-noi-nop")
    page.locator("button[type=submit]", has_text="Bắt đầu khai hồ sơ").click()
    page.wait_for_url("**/khai/")
    assert "Dữ liệu từ CSDL quốc gia" in page.content()  # prefilled over HTTP
    check(page, "nop-ho-04-to-khai")
    phone = page.locator("input[name=phone]")
    if not phone.input_value():
        phone.fill(registered)
    page.locator("button[type=submit]", has_text="Lưu và tiếp tục").click()
    page.wait_for_url("**/giay-to/")
    check(page, "nop-ho-05-giay-to")
    for form in page.locator("form:has(input[type=file])").all():
        form.locator("input[type=file]").set_input_files(
            {"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/giay-to/")

    page.locator("a.button", has_text="Tiếp tục: công dân xác nhận").click()
    page.wait_for_url("**/xac-nhan/")
    check(page, "nop-ho-06-xem-lai")
    page.locator("button[type=submit]", has_text="Gửi mã xác nhận").click()
    page.wait_for_url("**/xac-nhan/")
    dossier = Dossier.objects.get(filed_by__username=AGENT)
    sms = Notification.objects.get(dossier_public_id=dossier.public_id, channel="sms")
    assert sms.recipient == registered
    code = re.search(r"\b(\d{6})\b", sms.body)[1]
    check(page, "nop-ho-07-nhap-ma")
    page.fill("input[name=code]", code)
    page.locator("button[type=submit]", has_text="Xác nhận và nộp hồ sơ").click()
    page.wait_for_url("**/xac-nhan/")

    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code in page.content()
    assert dossier.channel == Channel.ONLINE and dossier.applicant_id == citizen.pk
    assert dossier.on_behalf_confirmation == "otp"
    assert dossier.identity_assurance == IdentityAssurance.AGENT_OTP
    assert "Nộp hộ bởi" in page.content()
    check(page, "nop-ho-08-da-nop")
    context.close()
