"""Real procedures in a real browser (issue #16): a birth registered from the e-form to
the signed Giấy khai sinh, and the child then found by the next procedure.

Headless Chromium on a live server that also serves the e-ID provider, the registry
simulator and the payment-gateway simulator (real HTTP):

1. a mother signs in and registers her baby's birth: she is prefilled from the
   population registry (and the father from her spouse), types the child's data, and
   is not asked for a scan of the tờ khai (the e-form replaces it);
2. the desk of her ward receives the dossier and sees the child's data;
3. the specialist records the register number, book and date as decision data;
4. the leader previews the Giấy khai sinh (the registry gives the child a personal
   ID) and approves; the desk signs exactly what was previewed and returns it;
5. the mother downloads the signed Giấy khai sinh: its text (``pdftotext``) holds the
   child's name and birth date;
6. she applies for the child's health-insurance card and finds the child prefilled.

And every modelled e-form passes axe-core at phone width (docs/screenshots/6x, 7x with
MOTCUA_SCREENSHOTS=1).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.catalog import forms_library
from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.results.models import ResultDocument
from tests.browser.site import DEMO_PASSWORD, seed_site, wire_site
from tests.browser.test_mission import SCAN, act, my_tasks, officer_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
BIRTH, CARD = "MC.HT.01", "MC.BH.01"
WARD = "Phường Kinh Bắc"
DESK, SPECIALIST, LEADER = "motcua.kinhbac", "chuyenvien.kinhbac", "lanhdao.kinhbac"
CHILD_NAME = "Nguyễn Minh Khang"


@pytest.fixture
def site(live_server, settings, clean_caches):
    wire_site(live_server.url, settings)
    seed_site(live_server.url, dossiers=0, citizens=5, businesses=1, walkthrough=0)
    return live_server.url


def the_mother() -> Applicant:
    """The demo citizen the walk signs in as: a married woman with no child yet."""
    return (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )


def sign_in_and_start(page, site: str, citizen: Applicant, code: str, *, signed_in: bool):
    """From the procedure's page to its e-form (through the e-ID provider if needed)."""
    page.goto(f"{site}/thu-tuc/{code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    if not signed_in:
        page.wait_for_url("**/idp/dang-nhap/**")
        page.fill("input[name=personal_id]", citizen.personal_id)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
    # One receiving agency and no draft: the dossier starts at once (no choice to make).
    page.wait_for_url(re.compile(rf"/thu-tuc/{re.escape(code)}/nop-ho-so/$|/khai/$"))
    if page.url.endswith("/khai/"):
        return
    radios = page.locator("input[type=radio][name=agency]")
    if radios.count():
        ours = page.locator("label", has_text="Kinh Bắc").locator("input[name=agency]")
        (ours.first if ours.count() else radios.first).check()
    agency = page.locator("select[name=agency]")
    if agency.count():
        labels = [o.strip() for o in agency.locator("option").all_inner_texts()]
        if WARD in labels:
            agency.select_option(label=WARD)
        else:
            agency.select_option(index=1)
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    try:
        page.wait_for_url("**/khai/")
    except Exception:
        page.screenshot(path=f"/tmp/fail-{code}.png", full_page=True)
        raise AssertionError(page.locator("main").inner_text()[:1500]) from None


def test_a_birth_from_the_eform_to_the_signed_certificate(site, browser, check):
    mother = the_mother()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)

    # 1. The mother registers the birth.
    sign_in_and_start(page, site, mother, BIRTH, signed_in=False)
    body = page.content()
    assert mother.name in body and "Dữ liệu từ CSDL quốc gia" in body
    mother_name = page.locator("input[name=mother__full_name]")
    assert mother_name.input_value() == mother.name
    assert mother_name.get_attribute("readonly") is not None  # verified: locked
    check(page, "60-khai-sinh-dien-san-390")

    born = timezone.localdate() - dt.timedelta(days=12)
    fill_the_child(page, born)
    check(page, "61-khai-sinh-nhap-tre-390")
    page.locator("button[type=submit]", has_text="Lưu và tiếp tục").click()
    page.wait_for_url("**/giay-to/")

    # The e-form replaces the paper tờ khai: only the birth certificate is asked for.
    files = page.locator("main").inner_text()
    assert "Giấy chứng sinh" in files
    assert "Không cần nộp bản chụp" in files
    uploads = page.locator("form:has(input[type=file])")
    assert uploads.count() == 1  # the Giấy chứng sinh only: no upload for the tờ khai
    form_section = page.locator("section.component", has_text="Tờ khai đăng ký khai sinh")
    assert form_section.locator("input[type=file]").count() == 0
    dossier = Dossier.objects.get(
        applicant=mother, status=Status.DRAFT, procedure_version__procedure__code=BIRTH
    )
    assert dossier.form_data["child"]["full_name"] == CHILD_NAME
    assert dossier.form_data["child"]["birth_date"] == born.isoformat()
    assert dossier.prefill_sources.get("mother.full_name") == "dan_cu"
    # The scan uploads as soon as it is picked.
    with page.expect_navigation():
        uploads.first.locator("input[type=file]").set_input_files(
            {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": SCAN}
        )
    assert "Đã tải lên tệp" in page.content()
    check(page, "62-khai-sinh-giay-to-390")
    page.get_by_role("link", name="Tiếp tục: xem lại hồ sơ").click()
    page.wait_for_url("**/xem-lai/")
    assert CHILD_NAME in page.content()
    check(page, "63-khai-sinh-xem-lai-390")
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url("**/bien-nhan/")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    # 2–4. The ward processes it.
    child_id = process_the_birth(browser, site, dossier, check, born)

    # 5. The signed Giấy khai sinh, from the data store.
    page.goto(f"{site}/kho-du-lieu/")
    result = page.locator("li", has_text=f"Hồ sơ {dossier.code}").filter(
        has_text="Kết quả do cơ quan trả"
    )
    assert result.count() == 1
    check(page, "67-kho-du-lieu-giay-khai-sinh-390")
    with page.expect_download() as download:
        result.get_by_role("link", name=re.compile("^Tải về")).click()
    pdf_path = Path(download.value.path())
    text = pdf_text(pdf_path)
    assert "GIẤY KHAI SINH" in text.upper()
    if os.environ.get("MOTCUA_KEEP_PDF"):  # to look at it (pdftoppm), as the closing note did
        shutil.copy(pdf_path, Path(os.environ["MOTCUA_KEEP_PDF"]) / "giay-khai-sinh.pdf")
    assert CHILD_NAME.upper() in text.upper(), text[:1500]
    assert born.strftime("%d/%m/%Y") in text, text[:1500]
    assert child_id in text

    # 6. The child's health-insurance card: the child is prefilled from the registry.
    sign_in_and_start(page, site, mother, CARD, signed_in=True)
    page.locator("input[name=for_whom][value=con]").check()
    page.locator("button[type=submit]", has_text="Lưu nháp").click()
    page.wait_for_url("**/khai/")
    card = Dossier.objects.get(
        applicant=mother, status=Status.DRAFT, procedure_version__procedure__code=CARD
    )
    assert card.form_data["insured_child"]["full_name"] == CHILD_NAME
    assert card.form_data["insured_child"]["personal_id"] == child_id
    assert card.prefill_sources.get("insured_child.full_name") == "dan_cu"
    child_name = page.locator("input[name=insured_child__full_name]")
    assert child_name.input_value() == CHILD_NAME
    assert child_name.get_attribute("readonly") is not None
    check(page, "68-the-bhyt-cho-con-dien-san-390")
    context.close()


def fill_the_child(page, born: dt.date) -> None:
    """What the mother types on the birth registration's tờ khai (the rest is prefilled)."""
    page.fill("input[name=child__full_name]", CHILD_NAME)
    page.fill("input[name=child__birth_date]", born.strftime("%d/%m/%Y"))
    page.locator("input[name=child__sex][value=nam]").check()
    page.locator("select[name=child__ethnicity]").select_option("Kinh")
    page.locator("select[name=child__nationality]").select_option("Việt Nam")
    page.fill("input[name=birth_place]", "Bệnh viện Đa khoa tỉnh Bắc Ninh")
    page.fill("input[name=hometown]", "Phường Kinh Bắc, tỉnh Bắc Ninh")
    page.locator("select[name=requester_relation]").select_option("me")
    page.locator("input[name=father_known][value=true]").check()
    page.locator("input[name=copies_wanted][value=false]").check()
    page.locator("input[name=commitment]").check()


def process_the_birth(browser, site: str, dossier: Dossier, check, born: dt.date) -> str:
    """Desk → specialist (decision data) → leader (preview, approve) → desk (sign,
    return). Returns the child's new personal ID."""
    names = {
        u.username: u.full_name or u.username
        for u in User.objects.filter(username__in=[DESK, SPECIALIST, LEADER])
    }
    url = f"{site}/mot-cua/ho-so/{dossier.public_id}/"

    desk = officer_page(browser, site, DESK)
    desk.goto(url)
    content = desk.locator("main").inner_text()
    assert CHILD_NAME in content and born.strftime("%d/%m/%Y") in content
    assert "Đã xác thực" in content  # the mother's data, verified by the registry
    check(desk, "64-mot-cua-thay-du-lieu-tre")
    act(desk, dossier, "receive")
    act(desk, dossier, "start_processing", assignee=names[SPECIALIST])

    specialist = officer_page(browser, site, SPECIALIST)
    my_tasks(specialist, dossier)
    specialist.goto(url)
    form = specialist.locator("form.decision-form")
    form.locator("input[name=register_number]").fill("125")
    form.locator("input[name=register_book]").fill(f"01/{timezone.localdate().year}")
    form.locator("input[name=registered_on]").fill(timezone.localdate().strftime("%d/%m/%Y"))
    form.locator("button[type=submit]").last.click()
    specialist.wait_for_url(url)
    dossier.refresh_from_db()
    assert dossier.decision_data["register_number"] == "125", specialist.locator(
        "main"
    ).inner_text()[:1500]
    check(specialist, "65-chuyen-vien-ghi-so-dang-ky")
    act(
        specialist,
        dossier,
        "give_opinion",
        note="Đủ điều kiện đăng ký khai sinh; đã ghi số đăng ký.",
        assignee=names[LEADER],
    )
    specialist.context.close()

    leader = officer_page(browser, site, LEADER)
    leader.goto(url)
    leader.get_by_role("link", name="Xem trước kết quả").click()
    leader.wait_for_url("**/xem-truoc-ket-qua/")
    leader.get_by_role("button", name="Tạo bản xem trước").click()
    leader.wait_for_url("**/xem-truoc-ket-qua/")
    check(leader, "66-lanh-dao-xem-truoc-giay-khai-sinh")
    dossier.refresh_from_db()
    child_id = dossier.decision_data.get("child_personal_id", "")
    assert re.fullmatch(r"\d{12}", child_id), dossier.decision_data
    preview = leader.context.request.get(f"{url}xem-truoc-ket-qua/pdf/")
    assert preview.ok and preview.body().startswith(b"%PDF")
    previewed = preview.body()
    leader.goto(url)
    act(leader, dossier, "approve")
    leader.context.close()

    desk.goto(url)
    act(desk, dossier, "issue_result")
    act(desk, dossier, "return_result")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.result_electronic
    signed = dossier.attachments.get(kind=Attachment.Kind.RESULT).file.read()
    # What is signed is what was previewed: the same bytes, plus the signature.
    assert signed.startswith(previewed)
    assert ResultDocument.objects.filter(dossier=dossier).count() == 1
    desk.context.close()
    return child_id


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is needed: apt-get install -y poppler-utils (.ci/apt-packages)"
    return subprocess.run(
        [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_every_modelled_eform_is_accessible_at_phone_width(site, browser, check):
    citizen = the_mother()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    signed_in = False
    codes = forms_library.codes()
    assert len(codes) >= 12
    for number, code in enumerate(sorted(codes)):
        sign_in_and_start(page, site, citizen, code, signed_in=signed_in)
        signed_in = True
        assert page.locator("fieldset").count() >= 1
        check(page, f"7{number:02d}-to-khai-{code}-390")
        # A citizen keeps at most 10 drafts: this walk only looks at the forms.
        Dossier.objects.filter(applicant=citizen, status=Status.DRAFT).delete()
    context.close()
