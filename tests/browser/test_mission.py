"""The whole mission in a real browser, at desktop and at phone width.

Headless Chromium on a live server that also serves the bundled e-ID provider, the
registry simulator and the payment-gateway simulator (every exchange is real HTTP):

1. a citizen signs in through the e-ID provider,
2. finds "Cấp Phiếu lý lịch tư pháp" by an everyday phrase ("xin giấy không tiền án"),
3. applies on the real tờ khai prefilled from the population registry (no scan),
   reviews, submits and sees the receipt,
4. pays the fee through the gateway simulator and gets the electronic receipt,
5. the desk of Sở Tư pháp receives the dossier and hands it to the specialist, who
   gives an opinion; the leader approves; the desk issues the signed result and
   returns it (officer screens at desktop width),
6. the citizen downloads the signed result from the data store and verifies it by the
   QR code's link and by uploading it to the verification page,
7. rates the service,
8. and the supervisor's dashboard counts the dossier.

Every page is checked with axe-core (no serious or critical violation) and
photographed (docs/screenshots/3x–5x with MOTCUA_SCREENSHOTS=1).
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.dossiers.models import Attachment, Dossier, Rating, Status
from motcua.payments.models import Payment
from motcua.results.models import ResultDocument
from tests.browser.site import DEMO_PASSWORD, seed_site, wire_site

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTHS = {
    "1280": {"width": 1280, "height": 900},
    "390": {"width": 390, "height": 844},
}
DESKTOP = WIDTHS["1280"]
PROCEDURE = "MC.TP.01"  # Cấp Phiếu lý lịch tư pháp: Sở Tư pháp, fully online, with a fee
DESK, SPECIALIST, LEADER = "motcua.stp", "chuyenvien.stp", "lanhdao.stp"
SUPERVISOR = "giamsat"
PHRASE = "xin giấy không tiền án"
# A one-page PDF: the upload check reads PDFs with qpdf and refuses one without a page.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def site(live_server, settings, clean_caches):
    """The demo province with a few synthetic dossiers, served with its simulators."""
    wire_site(live_server.url, settings)
    seed_site(live_server.url, dossiers=20, citizens=5, businesses=0, walkthrough=0)
    return live_server.url


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_whole_mission(site, browser, check, width):
    citizen = (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    supervisor = officer_page(browser, site, SUPERVISOR, landing="/giam-sat/")
    before = dashboard_figures(supervisor, site)

    person = browser.new_context(viewport=WIDTHS[width], locale="vi-VN")
    page = person.new_page()
    page.set_default_timeout(20_000)

    def shot(number: int, name: str) -> None:
        check(page, f"{number}-{name}-{width}")

    dossier = apply_online(page, site, citizen, shot)
    pay_the_fee(page, site, dossier, shot)

    process_at_the_agency(browser, site, dossier, check)

    pdf = download_and_verify_the_result(page, site, dossier, shot)
    assert pdf.startswith(b"%PDF")
    rate_the_service(page, site, dossier, shot)
    person.close()

    after = dashboard_figures(supervisor, site)
    check(supervisor, "54-giam-sat")
    supervisor.context.close()
    gained = {row: [a - b for a, b in zip(after[row], before[row], strict=True)] for row in after}
    assert gained[ON_TIME] == [1, 1], gained  # returned on time, out of one more finished
    assert gained[E_RESULT] == [1, 1], gained  # an electronic result
    assert gained[ONLINE_PAYMENT] == [1, 1], gained  # a fee, paid online
    assert gained[RATING][1] == 1, gained  # one more rating


# --- The citizen -----------------------------------------------------------------------


def apply_online(page, site: str, citizen: Applicant, shot) -> Dossier:
    """Sign in through the e-ID provider, find the procedure, apply, submit."""
    page.goto(f"{site}/")
    page.fill("#site-search", PHRASE)
    page.locator("form:has(#site-search) button[type=submit]").click()
    page.wait_for_url("**/tim-kiem/**")
    found = page.locator(f"a[href='/thu-tuc/{PROCEDURE}/']")
    assert found.count() == 1, f"“{PHRASE}” should find {PROCEDURE}"
    shot(30, "tim-kiem-khong-tien-an")
    found.click()
    page.wait_for_url(f"**/thu-tuc/{PROCEDURE}/")
    shot(31, "thu-tuc-ly-lich-tu-phap")

    assert "Trước khi bắt đầu" in page.locator("main").inner_text()
    # Applying needs a signed-in citizen: the portal sends them to the e-ID provider.
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url("**/idp/dang-nhap/**")
    shot(32, "dang-nhap-dinh-danh")
    page.fill("input[name=personal_id]", citizen.personal_id)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    # Sở Tư pháp alone receives it and there is no draft: no screen to pick where to
    # file, the dossier starts and the form opens.
    page.wait_for_url("**/khai/")
    body = page.content()
    assert citizen.name in body  # from the population registry, over HTTP
    assert "Dữ liệu từ CSDL quốc gia" in body
    shot(34, "to-khai-dien-san")
    fill_empty_required_fields(page)
    page.locator("button[type=submit]", has_text="Lưu và tiếp tục").click()
    # The procedure's only component is its tờ khai, which the e-form replaces: no scan,
    # so no files screen; the review follows the form.
    page.wait_for_url("**/xem-lai/")
    dossier = Dossier.objects.get(
        applicant=citizen, status=Status.DRAFT, procedure_version__procedure__code=PROCEDURE
    )
    assert "Đã khai trong tờ khai điện tử" in page.locator("main").inner_text()
    shot(36, "xem-lai")
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url("**/bien-nhan/")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code in page.content()
    assert dossier.fee_vnd and dossier.fee_vnd > 0
    shot(37, "bien-nhan")
    return dossier


def fill_empty_required_fields(page) -> None:
    """The real tờ khai of Phiếu LLTP (Mẫu 03/2013/TT-LLTP): what the registries did not
    prefill, then anything visible the form still requires."""
    page.locator("input[name=card_type][value=so_1]").check()
    page.locator("input[name=ban_confirmation][value=false]").check()
    page.fill("input[name=purpose]", "Bổ sung hồ sơ xin việc")
    page.fill("input[name=copies]", "1")
    page.fill("input[name=birth_place]", "Bệnh viện Đa khoa tỉnh Bắc Ninh")
    page.fill("input[name=id_issued_on]", "15/01/2022")
    page.fill("input[name=id_issued_by]", "Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    page.fill("input[name=residence_history__0__from_date]", "01/01/2010")
    page.fill("input[name=residence_history__0__place]", "Phường Kinh Bắc, tỉnh Bắc Ninh")
    page.locator("input[name=declares_conviction][value=false]").check()
    page.locator("input[name=commitment]").check()
    required = "[aria-required=true]:not([readonly]):not([disabled])"
    for field in page.locator(f"input{required}:visible").all():
        if field.get_attribute("type") not in ("checkbox", "radio") and not field.input_value():
            kind = field.get_attribute("type")
            field.fill({"tel": "0912345678", "email": "congdan@example.vn"}.get(kind, "Bắc Ninh"))
    for field in page.locator(f"select{required}:visible").all():
        if not field.input_value():
            field.select_option(index=1)


def pay_the_fee(page, site: str, dossier: Dossier, shot) -> None:
    """Pay from the receipt: "Thanh toán ngay" → the gateway's page → "Thanh toán" →
    the return page; then the fee shows as paid, with its receipt."""
    assert page.url.endswith(f"/ho-so/{dossier.public_id}/bien-nhan/")
    assert "Chưa thanh toán" in page.locator(".payment-state").inner_text()
    shot(38, "bien-nhan-cho-nop-phi")
    page.get_by_role("button", name="Thanh toán ngay").click()
    page.wait_for_url("**/mo-phong/thanh-toan/paymentv2/**")
    shot(39, "cong-thanh-toan")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert "Đã thanh toán" in page.content()
    shot(40, "ket-qua-thanh-toan")
    payment = Payment.objects.get(dossier=dossier, status=Payment.Status.PAID)
    dossier.refresh_from_db()
    assert dossier.fee_paid_at and dossier.fee_paid_online

    page.get_by_role("link", name="Về trang hồ sơ").click()
    page.wait_for_url(f"**/ho-so/{dossier.public_id}/")
    receipt = page.get_by_role(
        "link", name=re.compile(f"Biên lai điện tử số {payment.receipt_number}")
    )
    assert "Đã nộp trực tuyến" in page.content()
    response = page.context.request.get(site + receipt.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    shot(41, "ho-so-da-nop-phi")


def download_and_verify_the_result(page, site: str, dossier: Dossier, shot) -> bytes:
    """The signed result from the data store, checked by its QR link and by upload."""
    page.goto(f"{site}/ho-so/{dossier.public_id}/")
    assert "Đã trả kết quả" in page.content()
    assert page.locator("li", has_text="Kết quả giải quyết").count() == 1
    # The "Kết quả" panel leads the page: download, verify, saved to the data store.
    panel = page.locator("section.result-panel")
    assert panel.get_by_role("link", name=re.compile("^Tải về kết quả")).count() == 1
    assert panel.get_by_role("link", name="Xác minh kết quả").count() == 1
    assert "Đã lưu vào kho dữ liệu" in panel.inner_text()
    shot(48, "ho-so-co-ket-qua")
    panel.get_by_role("link", name="mở kho dữ liệu của bạn").click()
    page.wait_for_url("**/kho-du-lieu/")
    result = page.locator("li", has_text=f"Hồ sơ {dossier.code}").filter(
        has_text="Kết quả do cơ quan trả"
    )
    assert result.count() == 1
    shot(49, "kho-du-lieu-ket-qua")
    with page.expect_download() as download:
        result.get_by_role("link", name=re.compile("^Tải về")).click()
    path = Path(download.value.path())
    pdf = path.read_bytes()

    # The QR code on the result is a link to its verification page.
    document = ResultDocument.objects.get(dossier=dossier)
    assert hashlib.sha256(pdf).hexdigest() == document.sha256  # the signed original
    qr_link = qr_link_of(pdf)
    assert qr_link == f"{site}/ket-qua/xac-minh/{document.token}/"
    page.goto(qr_link)
    assert "Bản lưu của kết quả này trên hệ thống còn nguyên vẹn" in page.content()
    assert document.number in page.content()
    shot(50, "xac-minh-qr")

    page.goto(f"{site}/ket-qua/xac-minh/")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.get_by_role("button", name="Xác minh tệp").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Tệp hợp lệ").count() == 1
    shot(51, "xac-minh-tai-len")
    return pdf


def qr_link_of(pdf: bytes) -> str:
    """The address the QR code holds, read from the link annotation drawn around it (the
    template wraps the QR image in a link to the same ``verify_url``)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    page_ref, _resources = reader.find_page_for_modification(0)
    links = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in page_ref.get_object().get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    verification = [str(link) for link in links if "/ket-qua/xac-minh/" in str(link)]
    assert verification, links
    return verification[0]


def rate_the_service(page, site: str, dossier: Dossier, shot) -> None:
    """Five stars and a comment, once the result is returned."""
    page.goto(f"{site}/ho-so/{dossier.public_id}/")
    page.get_by_role("link", name="Đánh giá mức độ hài lòng").click()
    page.wait_for_url("**/danh-gia/")
    page.locator("input[name=score][value='5']").check()
    page.fill("textarea[name=comment]", "Nhanh, không phải đi lại.")
    shot(52, "danh-gia")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so/{dossier.public_id}/")
    assert "Bạn đã đánh giá 5/5" in page.content()
    assert Rating.objects.filter(dossier=dossier, score=5).exists()
    shot(53, "da-danh-gia")


# --- The officers ----------------------------------------------------------------------


def officer_page(browser, site: str, username: str, landing: str = "/mot-cua/"):
    """A desktop browser signed in as the officer at /dang-nhap/, on ``landing``."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{site}/dang-nhap/?next={landing}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_url(f"**{landing}")
    return page


def my_tasks(page, dossier: Dossier) -> None:
    """The officer's "Việc của tôi" (where they land) lists the dossier given to them."""
    page.get_by_role("navigation", name="Menu một cửa").get_by_role(
        "link", name="Việc của tôi", exact=True
    ).click()
    page.wait_for_url(re.compile(r".*/mot-cua/$"))
    assert dossier.code in page.locator("main").inner_text()


def act(page, dossier: Dossier, action: str, *, note: str = "", assignee: str = "") -> None:
    """Submit the action's form on the back-office dossier page; expect it to be done."""
    form = page.locator(f"form[data-action={action}]")
    folded = page.locator(f"details:has(form[data-action={action}])")
    if folded.count() and folded.first.get_attribute("open") is None:
        folded.first.locator("summary").click()
    if form.locator("input[name=confirm]").count():
        form.locator("input[name=confirm]").check()
    if assignee:
        form.locator("select[name=assignee]").select_option(label=assignee)
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/mot-cua/ho-so/{dossier.public_id}/")
    messages = page.locator(".messages .success")
    assert messages.count() and dossier.code in messages.first.inner_text(), page.locator(
        "main"
    ).inner_text()[:800]


def process_at_the_agency(browser, site: str, dossier: Dossier, check) -> None:
    """Desk → specialist → leader → desk, through the back-office pages."""
    names = {
        u.username: u.full_name or u.username
        for u in User.objects.filter(username__in=[DESK, SPECIALIST, LEADER])
    }
    url = f"{site}/mot-cua/ho-so/{dossier.public_id}/"

    desk = officer_page(browser, site, DESK)
    assert dossier.code in desk.content()
    desk.goto(url)
    check(desk, "42-mot-cua-tiep-nhan")
    act(desk, dossier, "receive")
    act(desk, dossier, "start_processing", assignee=names[SPECIALIST])
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS and dossier.assignee.username == SPECIALIST

    specialist = officer_page(browser, site, SPECIALIST)
    my_tasks(specialist, dossier)
    check(specialist, "43-chuyen-vien-viec-cua-toi")
    specialist.get_by_role("link", name=dossier.code).click()
    specialist.wait_for_url(url)
    # The assessment the Phiếu LLTP prints: no conviction, no ban.
    assessment = specialist.locator("form.decision-form")
    assessment.locator("input[name=has_conviction][value=khong]").check()
    assessment.locator("input[name=has_ban][value=khong]").check()
    assessment.locator("button[type=submit]").last.click()
    specialist.wait_for_url(url)
    dossier.refresh_from_db()
    assert dossier.decision_data == {"has_conviction": False, "has_ban": False}
    check(specialist, "44-chuyen-vien-cho-y-kien")
    act(
        specialist,
        dossier,
        "give_opinion",
        note="Hồ sơ đầy đủ, hợp lệ; không có án tích. Đề nghị phê duyệt.",
        assignee=names[LEADER],
    )
    specialist.context.close()

    leader = officer_page(browser, site, LEADER)
    my_tasks(leader, dossier)
    leader.get_by_role("link", name=dossier.code).click()
    leader.wait_for_url(url)
    check(leader, "45-lanh-dao-phe-duyet")
    # The leader reads the result document before approving it.
    leader.goto(url + "xem-truoc-ket-qua/")
    leader.get_by_role("button", name="Tạo bản xem trước").click()
    leader.wait_for_url(url + "xem-truoc-ket-qua/")
    assert leader.locator("iframe.result-preview").is_visible()
    leader.goto(url)
    act(leader, dossier, "approve")
    dossier.refresh_from_db()
    assert dossier.status == Status.APPROVED
    leader.context.close()

    desk.goto(url)
    issue = desk.locator("form[data-action=issue_result]")
    assert issue.get_by_label("Kết quả điện tử tạo từ mẫu, ký số").is_checked()
    check(desk, "46-mot-cua-ban-hanh-ket-qua")
    # What is signed is the draft the leader previewed, shown to the desk too.
    desk.goto(url + "xem-truoc-ket-qua/")
    assert desk.get_by_role("button", name="Ký số và ban hành").is_visible()
    desk.goto(url)
    act(desk, dossier, "issue_result")
    act(desk, dossier, "return_result")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.result_electronic
    assert dossier.attachments.filter(kind=Attachment.Kind.RESULT).count() == 1
    check(desk, "47-mot-cua-da-tra-ket-qua")
    desk.context.close()


# --- The supervisor --------------------------------------------------------------------

ON_TIME = "Tỷ lệ hồ sơ giải quyết đúng hạn (%)"
E_RESULT = "Tỷ lệ kết quả giải quyết điện tử (%)"
ONLINE_PAYMENT = "Tỷ lệ hồ sơ thanh toán phí trực tuyến (%)"
RATING = "Điểm hài lòng trung bình (1–5)"


def dashboard_figures(page, site: str) -> dict[str, list[int]]:
    """(numerator, denominator) of some indicators of the province this year, as the
    supervisor reads them on the monitoring page."""
    # The supervisor's own node: the whole demo province, this year.
    page.goto(f"{site}/giam-sat/?period={timezone.localdate().year}")
    figures = {}
    for row in (ON_TIME, E_RESULT, ONLINE_PAYMENT, RATING):
        cells = page.locator("table.kpi tr", has=page.locator("td", has_text=row)).first
        texts = cells.locator("td").all_inner_texts()
        figures[row] = [int(re.sub(r"\D", "", t) or 0) for t in texts[4:6]]
    return figures
