"""The main journeys, measured in a real browser at 390 px and at 1280 px (issue #20).

For each width, headless Chromium walks the demo site on the live server (e-ID
provider, registry and payment-gateway simulators over real HTTP) through:

- ``apply_and_submit``: a signed-out citizen, from the home page: search, the
  procedure ("Trước khi bắt đầu"), sign-in through the e-ID provider, the tờ khai, …
  up to the receipt, for a fee-bearing procedure (Phiếu lý lịch tư pháp, MC.TP.01);
  its screens are counted from the search, as the issue's goal ("search → submitted
  dossier in at most 6 screens"): the home page where the citizen types the search is
  not counted in ``screens`` but in ``screens_from_home``;
- ``apply_and_pay``: another citizen, the same, then "Thanh toán ngay" on the receipt
  and the gateway simulator until the payment shows as paid (at most 8 screens);
- ``answer_supplement``: the first citizen, from "Hồ sơ của tôi", answers the desk's
  request to complete that first dossier;
- ``desk_intake``: the desk officer, from the page the sign-in lands on, receives the
  paid online dossier;
- ``specialist_opinion``: the specialist, from their landing, records the assessment,
  gives an opinion and forwards the dossier to the leader;
- ``leader_approval``: the leader, from their landing, approves it;
- ``download_and_verify``: once the desk has issued and returned the signed result,
  the second citizen, from "Hồ sơ của tôi", downloads it from the "Kết quả" panel
  and opens "Xác minh kết quả", which shows it valid.

The officers land on "Việc của tôi". The steps between journeys that no journey
measures (the desk's supplement request, handing the dossier to the specialist,
issuing the result) are done with the services. The figures (``journeys.Recorder``:
screens, clicks, typed fields, slowest page) go to ``bench/results/journeys.json``,
each journey with the figures of the BEFORE walk (``journeys-before.json``, the
screens before the UX work of issue #20) on the same definition; every screen is
checked with axe-core (no serious or critical violation); the budgets are in
``journey_budgets``.

Screenshots: one per citizen screen at 390 px in ``MOTCUA_JOURNEY_SHOTS`` (default: a
temporary folder, printed at the end); ``MOTCUA_JOURNEY_PICTURES=1`` also saves the
five pictures of the README (docs/screenshots/path-1..5-*.png, see
``bench/journey_pictures.py``).
"""

from __future__ import annotations

import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

from motcua.accounts.models import Applicant, User
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.payments.models import Payment
from tests.browser.conftest import AXE_LOG, BLOCKING, ROOT
from tests.browser.journey_budgets import BUDGETS, JOURNEY_BUDGETS_ENFORCED, UNCOUNTED_HOME
from tests.browser.journeys import Recorder, first_visible
from tests.browser.site import DEMO_PASSWORD, seed_site, wire_site

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTHS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 900}}
PHONE = 390
PROCEDURE = "MC.TP.01"  # Cấp Phiếu lý lịch tư pháp: Sở Tư pháp, fully online, with a fee
PHRASE = "xin giấy không tiền án"
DESK, SPECIALIST, LEADER = "motcua.stp", "chuyenvien.stp", "lanhdao.stp"
CITIZEN_JOURNEYS = ("apply_and_submit", "apply_and_pay", "answer_supplement", "download_and_verify")
RESULTS = ROOT / "bench" / "results" / "journeys.json"
BEFORE = ROOT / "bench" / "results" / "journeys-before.json"
PICTURES = ROOT / "docs" / "screenshots"
# A one-page PDF: the upload check reads PDFs with qpdf and refuses one without a page.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SCAN_FILE = {"name": "can-cuoc.pdf", "mimeType": "application/pdf", "buffer": SCAN}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# What tells two states of a page apart: its headings, buttons, fields and messages.
OUTLINE = """() => [...document.querySelectorAll(
  "h1, h2, h3, button, input, select, textarea, [role=alert], [role=status], .notice")]
  .map(e => e.tagName + ":" + (e.name || "") + ":" + e.textContent.trim()).join("|")"""
WALK: dict = {}  # what the walk measured, for the budget tests that follow it


@pytest.fixture
def site(live_server, settings, clean_caches):
    wire_site(live_server.url, settings)
    seed_site(live_server.url, dossiers=10, citizens=6, businesses=0, walkthrough=0)
    return live_server.url


@pytest.fixture
def audit(axe):
    """``audit(page, name)`` runs axe-core; the serious and critical findings are kept.

    A screen already checked at the same width — same address but for the ids, same
    headings, buttons and messages but for the numbers (the second walk through the
    same form) — is not checked again; the same page in another state is."""
    problems: list[str] = []
    checked: set[tuple] = set()

    def run(page, name: str) -> None:
        path = UUID.sub("{id}", urlparse(page.url).path)
        outline = re.sub(r"\d+", "#", page.evaluate(OUTLINE))
        seen = (page.viewport_size["width"], path, outline)
        if seen in checked:
            return
        checked.add(seen)
        started = time.monotonic()
        violations = axe.run(page).response["violations"]
        run.seconds += time.monotonic() - started
        found: dict[str, list[str]] = {}
        for violation in violations:
            found.setdefault(violation["impact"] or "unknown", []).append(violation["id"])
            if violation["impact"] in BLOCKING:
                targets = [n["target"] for n in violation["nodes"]][:3]
                problems.append(f"{name} ({page.url}): {violation['id']} – {targets}")
        AXE_LOG.pages.append((name, found))

    run.problems, run.seconds = problems, 0.0
    return run


def test_walk_the_journeys(site, browser, audit, tmp_path_factory):
    shots = Path(os.environ.get("MOTCUA_JOURNEY_SHOTS") or tmp_path_factory.mktemp("journeys"))
    pictures = PICTURES if os.environ.get("MOTCUA_JOURNEY_PICTURES") == "1" else None
    citizens = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")[:4]
    )
    assert len(citizens) == 4
    started = time.monotonic()
    by_width = {}
    for n, width in enumerate(WIDTHS):
        walk = Walk(browser, site, width, audit, citizens[2 * n : 2 * n + 2])
        if width == PHONE:
            walk.shots, walk.pictures = shots, pictures
        by_width[width] = walk.run()
    # The published figures are written by `python bench/journey_pictures.py`; a test
    # run (CI included) leaves the working tree as it found it.
    write_results(by_width, RESULTS if pictures else shots / RESULTS.name)
    WALK.update(by_width)
    print(
        f"\njourneys walked in {time.monotonic() - started:.0f} s "
        f"(axe-core: {audit.seconds:.0f} s); screenshots in {shots}"
    )
    for name in BUDGETS:
        rows = {w: by_width[w][name] for w in by_width}
        print(
            f"  {name}: "
            + "; ".join(
                f"{w}px {f['screens']} screens, {f['clicks']} clicks, {f['typed_fields']} typed, "
                f"slowest {f['slowest_page_ms']} ms"
                for w, f in rows.items()
            )
        )
    assert not audit.problems, "serious or critical axe-core violations:\n" + "\n".join(
        audit.problems
    )


@pytest.mark.parametrize("name", list(BUDGETS))
def test_journey_within_its_screen_budget(name):
    assert JOURNEY_BUDGETS_ENFORCED, "the budgets are enforced since issue #20's UX work"
    if not WALK:
        pytest.skip("needs test_walk_the_journeys in the same run")
    assert set(WALK) == set(WIDTHS), f"walked at {sorted(WALK)} px only"
    for width, journeys in WALK.items():
        screens = journeys[name]["screens"]
        assert screens <= BUDGETS[name], (
            f"{name} at {width} px takes {screens} screens, over its budget of {BUDGETS[name]}: "
            + " → ".join(p["path"] for p in journeys[name]["pages"])
        )


# The pages off the journeys: a real 404 (portal and back office) and the offline page;
# 400, 403 (CSRF failure) and 500 as their handlers render them (no route raises them on
# demand), served at an address of the site so that the stylesheet loads as it would.
OFF_PATH = {
    "loi-404": "/thu-tuc/khong-co-thu-tuc-nay/",
    "loi-404-mot-cua": "/mot-cua/khong-co-trang-nay/",
    "ngoai-tuyen": "/ngoai-tuyen/",
}


def rendered_error_pages() -> dict[str, str]:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from motcua.portal import errors

    def request(path: str):
        made = RequestFactory().get(path)
        made.user, made.session = AnonymousUser(), SessionStore()
        return made

    return {
        "loi-400": errors.bad_request(request("/tra-cuu/")).content.decode(),
        "loi-403": errors.permission_denied(request("/ho-so/")).content.decode(),
        "loi-403-phien-het-han": errors.csrf_failure(request("/tra-cuu/")).content.decode(),
        "loi-500": errors.server_error(request("/")).content.decode(),
    }


def serving(html: str):
    """A route handler answering with ``html`` (one argument: Playwright passes the
    request too to a handler that takes two)."""

    def fulfill(route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return fulfill


def test_error_and_offline_pages_pass_axe(live_server, browser, audit):
    """Issue #20: "no serious or critical axe violation, including the new error pages
    and the offline page", at 390 px and at 1280 px."""
    rendered = rendered_error_pages()
    for width, viewport in WIDTHS.items():
        # No service worker: it would fetch the rendered pages past the page's routes.
        context = browser.new_context(viewport=viewport, locale="vi-VN", service_workers="block")
        page = context.new_page()
        try:
            for name, path in OFF_PATH.items():
                page.goto(f"{live_server.url}{path}")
                audit(page, f"{name}-{width}")
            for name, html in rendered.items():
                address = f"{live_server.url}/__{name}/"
                page.route(
                    address,
                    serving(html),
                )
                page.goto(address)
                heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
                assert page.locator("h1").inner_text().strip() == heading.strip(), name
                audit(page, f"{name}-{width}")
        finally:
            context.close()
    assert len(AXE_LOG.pages) >= 2 * (len(OFF_PATH) + len(rendered))
    assert not audit.problems, "serious or critical axe-core violations:\n" + "\n".join(
        audit.problems
    )


FIGURES = ("screens", "screens_from_home", "clicks", "typed_fields", "slowest_page_ms")


def before_figures() -> dict[str, dict[str, dict]]:
    """The BEFORE walk (journeys-before.json, kept as it was written) on today's
    definition: it counted the home page of the apply journeys in ``screens``, which is
    thus their ``screens_from_home``, one more than their screens from the search."""
    if not BEFORE.exists():
        return {}
    before = json.loads(BEFORE.read_text())["journeys"]
    figures: dict[str, dict[str, dict]] = {}
    for name, journey in before.items():
        figures[name] = {}
        for width, row in journey["by_width"].items():
            row = {k: v for k, v in row.items() if k in FIGURES}
            if name in UNCOUNTED_HOME and "screens_from_home" not in row:
                row["screens_from_home"] = row["screens"]
                row["screens"] -= 1
            figures[name][width] = row
    return figures


def write_results(by_width: dict[int, dict[str, dict]], results: Path) -> None:
    """``{"journeys": {name: {screens, [screens_from_home,] clicks, typed_fields,
    slowest_page_ms, budget_screens, width: 390, pages, by_width: {"390": …, "1280": …},
    before: {"390": …, "1280": …}}}}``."""
    journeys = {}
    before = before_figures()
    for name, budget in BUDGETS.items():
        phone = by_width[PHONE][name]
        journeys[name] = {
            **{k: v for k, v in phone.items() if k != "pages"},
            "budget_screens": budget,
            "pages": phone["pages"],
            "by_width": {
                str(w): {k: v for k, v in by_width[w][name].items() if k != "width"}
                for w in by_width
            },
        }
        if name in before:
            journeys[name]["before"] = before[name]
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps({"journeys": journeys}, ensure_ascii=False, indent=2) + "\n")


# --- The walk at one width ---------------------------------------------------------------


class Walk:
    """The seven journeys at one width, each dossier carried from one to the next."""

    shots: Path | None = None
    pictures: Path | None = None

    def __init__(self, browser, site: str, width: int, audit, citizens: list[Applicant]):
        self.browser, self.site, self.width, self.audit = browser, site, width, audit
        self.first, self.second = citizens
        self.figures: dict[str, dict] = {}
        self.contexts = []
        self.clock = time.monotonic()

    def tab(self, *, citizen: bool) -> Recorder:
        context = self.browser.new_context(viewport=WIDTHS[self.width], locale="vi-VN")
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return Recorder(
            page,
            self.width,
            audit=self.audit,
            shots=self.shots if citizen else None,
            pictures=self.pictures,
        )

    def record(self, rec: Recorder) -> None:
        journey = rec.stop()
        self.figures[journey.name] = journey.figures()
        now = time.monotonic()
        print(f"  {journey.name} at {self.width} px: walked in {now - self.clock:.1f} s")
        self.clock = now

    def run(self) -> dict[str, dict]:
        try:
            first, second = self.tab(citizen=True), self.tab(citizen=True)
            submitted = apply_and_submit(first, self.site, self.first)
            self.record(first)
            paid = apply_and_pay(second, self.site, self.second)
            self.record(second)

            desk = User.objects.get(username=DESK)
            dossier_services.request_supplement(
                submitted,
                by=desk,
                items=[
                    {
                        "component": None,
                        "label": "Bản chụp Căn cước",
                        "reason": "Ảnh chụp mờ, không đọc được số.",
                    }
                ],
                note="Đề nghị bổ sung bản chụp Căn cước rõ nét.",
            )
            answer_supplement(first, self.site, submitted)
            self.record(first)

            officer = self.officer(DESK)
            desk_intake(officer, paid)
            self.record(officer)
            specialist = User.objects.get(username=SPECIALIST)
            dossier_services.transition(paid, "start_processing", by=desk, assignee=specialist)

            officer = self.officer(SPECIALIST)
            specialist_opinion(officer, paid, User.objects.get(username=LEADER))
            self.record(officer)

            officer = self.officer(LEADER)
            leader_approval(officer, paid)
            self.record(officer)
            issue_and_return(paid, desk, self.site)

            download_and_verify(second, self.site, paid)
            self.record(second)
        finally:
            for context in self.contexts:
                context.close()
        return self.figures

    def officer(self, username: str) -> Recorder:
        """A tab signed in as the officer at /dang-nhap/, on the page it lands on."""
        rec = self.tab(citizen=False)
        page = rec.page
        page.goto(f"{self.site}/dang-nhap/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_event("load"):
            page.locator("form:has(input[name=password]) button[type=submit]").click()
        assert "/dang-nhap/" not in page.url, page.locator("main").inner_text()[:500]
        return rec


# --- The citizen's journeys --------------------------------------------------------------


def apply_and_submit(rec: Recorder, site: str, citizen: Applicant) -> Dossier:
    """Home page → search → procedure → (sign-in, form, …) → receipt."""
    rec.start("apply_and_submit", url=f"{site}/", uncounted=UNCOUNTED_HOME["apply_and_submit"])
    return apply(rec, citizen)


def apply_and_pay(rec: Recorder, site: str, citizen: Applicant) -> Dossier:
    """``apply``, then pay from the receipt through the gateway simulator."""
    rec.start("apply_and_pay", url=f"{site}/", uncounted=UNCOUNTED_HOME["apply_and_pay"])
    dossier = apply(rec, citizen, pictures=True)
    pay(rec)
    payment = Payment.objects.get(dossier=dossier, status=Payment.Status.PAID)
    dossier.refresh_from_db()
    assert dossier.fee_paid_at and payment.receipt_number
    return dossier


def apply(rec: Recorder, citizen: Applicant, *, pictures: bool = False) -> Dossier:
    page = rec.page
    rec.fill(page.locator("input[name=q]:visible").first, PHRASE)
    rec.press_enter(page.locator("input[name=q]:visible").first)
    if pictures:
        rec.keep("path-1-tim-kiem")
    rec.click(first_visible(page.locator(f"main a[href*='/thu-tuc/{PROCEDURE}/']")))
    assert page.get_by_role("heading", name="Trước khi bắt đầu").first.is_visible(), page.url
    if pictures:
        rec.keep("path-2-thu-tuc")
    rec.click(
        first_visible(
            page.get_by_role("link", name=re.compile(r"^(Nộp|Bắt đầu)")),
            page.get_by_role("button", name=re.compile(r"^(Nộp|Bắt đầu)")),
        )
    )
    for _ in range(12):
        path = page.url.split("?")[0]
        if "/idp/" in path:
            sign_in_with_eid(rec, citizen)
        elif path.endswith("/nop-ho-so/"):
            choose_agency_and_start(rec)
        elif path.endswith("/khai/"):
            if pictures:
                rec.keep("path-3-to-khai")
            fill_the_form(rec)
            rec.click(button(page, r"^(Lưu và tiếp tục|Tiếp tục)"))
        elif path.endswith("/giay-to/"):
            attach_what_is_required(rec)
            rec.click(action(page, r"^Tiếp tục"))
        elif path.endswith("/nhan-ket-qua/"):
            rec.click(button(page, r"^(Lưu và tiếp tục|Tiếp tục)"))
        elif path.endswith("/xem-lai/"):
            rec.click(button(page, r"^Nộp hồ sơ$"))
        elif path.endswith("/bien-nhan/"):
            break
        else:
            raise AssertionError(f"unexpected screen while applying: {page.url}")
    assert page.url.split("?")[0].endswith("/bien-nhan/"), page.url
    dossier = Dossier.objects.get(
        applicant=citizen, status=Status.SUBMITTED, procedure_version__procedure__code=PROCEDURE
    )
    assert dossier.code in page.content() and dossier.fee_vnd
    if pictures:
        rec.keep("path-4-bien-nhan")
    return dossier


def button(page, name: str):
    found = first_visible(page.get_by_role("button", name=re.compile(name)))
    assert found is not None, f"no button “{name}” on {page.url}"
    return found


def action(page, name: str):
    """A visible link or button whose name matches ``name``."""
    found = first_visible(
        page.get_by_role("link", name=re.compile(name)),
        page.get_by_role("button", name=re.compile(name)),
    )
    assert found is not None, f"no link or button “{name}” on {page.url}"
    return found


def sign_in_with_eid(rec: Recorder, citizen: Applicant) -> None:
    page = rec.page
    rec.fill(page.locator("input[name=personal_id]"), citizen.personal_id)
    rec.fill(page.locator("input[name=password]"), DEMO_PASSWORD)
    rec.click(button(page, r"^Đăng nhập"))


def choose_agency_and_start(rec: Recorder) -> None:
    page = rec.page
    agency = page.locator("select[name=agency]:visible")
    if agency.count() and not agency.input_value():
        rec.choose(agency, label="Sở Tư pháp")
    radios = page.locator("input[name=agency][type=radio]:visible")
    if radios.count() and not page.locator("input[name=agency]:checked").count():
        rec.tick(radios.first)
    rec.click(button(page, r"^(Bắt đầu|Tiếp tục)"))


# The real tờ khai of Phiếu LLTP (Mẫu 03/2013/TT-LLTP): what the registries do not prefill.
CHOICES = {
    "card_type": "so_1",
    "ban_confirmation": "false",
    "declares_conviction": "false",
}
TEXTS = {
    "purpose": "Bổ sung hồ sơ xin việc",
    "copies": "1",
    "birth_place": "Bệnh viện Đa khoa tỉnh Bắc Ninh",
    "id_issued_on": "15/01/2022",
    "id_issued_by": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "residence_history__0__from_date": "01/01/2010",
    "residence_history__0__place": "Phường Kinh Bắc, tỉnh Bắc Ninh",
}


def fill_the_form(rec: Recorder) -> None:
    """What the citizen must answer, by field name; then anything still required."""
    page = rec.page
    for name, value in CHOICES.items():
        radio = page.locator(f"input[name={name}][value={value}]")
        if radio.count():
            rec.tick(radio.first)
    for name, value in TEXTS.items():
        field = page.locator(f"[name='{name}']:visible:not([readonly]):not([disabled])")
        if field.count() and not field.first.input_value():
            rec.fill(field.first, value)
    commitment = page.locator("input[name=commitment]")
    if commitment.count():
        rec.tick(commitment.first)
    required = "[aria-required=true]:not([readonly]):not([disabled])"
    for field in page.locator(f"input{required}:visible").all():
        kind = field.get_attribute("type")
        if kind not in ("checkbox", "radio") and not field.input_value():
            rec.fill(
                field, {"tel": "0912345678", "email": "congdan@example.vn"}.get(kind, "Bắc Ninh")
            )
    for field in page.locator(f"select{required}:visible").all():
        if not field.input_value():
            rec.choose(field, index=1)


def attach_what_is_required(rec: Recorder) -> None:
    """A scan for each required upload (none for MC.TP.01: the e-form is its tờ khai)."""
    page = rec.page
    for upload in page.locator("input[type=file][required]:visible").all():
        form = upload.locator("xpath=ancestor::form[1]")
        rec.pick_file(upload, SCAN_FILE)
        send = form.get_by_role("button", name=re.compile("^(Tải lên|Đính kèm)"))
        if send.count() and send.first.is_visible():
            rec.click(send.first)


def pay(rec: Recorder) -> None:
    """From the receipt: "Thanh toán ngay", the gateway's "Thanh toán", until the fee
    shows as paid."""
    page = rec.page
    assert page.url.split("?")[0].endswith("/bien-nhan/"), page.url
    rec.click(action(page, r"^Thanh toán ngay$"))
    assert "/mo-phong/thanh-toan/" in page.url, page.url
    rec.click(first_visible(page.get_by_role("button", name="Thanh toán", exact=True)))
    paid = re.compile(r"Đã thanh toán|Đã nộp (phí|trực tuyến)", re.IGNORECASE)
    assert paid.search(page.locator("main").inner_text()), page.url


def answer_supplement(rec: Recorder, site: str, dossier: Dossier) -> None:
    """ "Hồ sơ của tôi" → the dossier → the supplement form → sent."""
    page = rec.page
    rec.start("answer_supplement", url=f"{site}/ho-so/")
    rec.click(action(page, re.escape(dossier.code)))
    rec.click(action(page, r"^Bổ sung"))
    upload = first_visible(page.locator("input[type=file]"))
    rec.pick_file(upload, SCAN_FILE)
    if "/bo-sung/" in page.url:
        rec.click(button(page, r"^Gửi bổ sung"))
    dossier.refresh_from_db()
    assert dossier.status != Status.WAITING_SUPPLEMENT, page.locator("main").inner_text()[:600]


def download_and_verify(rec: Recorder, site: str, dossier: Dossier) -> None:
    """ "Hồ sơ của tôi" → the dossier → the result downloaded → its verification page."""
    from tests.browser.test_mission import qr_link_of

    page = rec.page
    rec.start("download_and_verify", url=f"{site}/ho-so/")
    rec.click(action(page, re.escape(dossier.code)))
    rec.keep("path-5-ket-qua")
    panel = page.get_by_role("region", name="Kết quả", exact=True)
    assert panel.is_visible(), f"no “Kết quả” panel on {page.url}"
    result = first_visible(panel.get_by_role("link", name=re.compile(r"^Tải về")))
    assert result is not None, f"no result to download on {page.url}"
    pdf = rec.download(result)
    assert pdf.startswith(b"%PDF")
    verify = first_visible(panel.get_by_role("link", name="Xác minh kết quả"))
    assert verify is not None, f"no “Xác minh kết quả” on {page.url}"
    rec.click(verify)
    assert urlparse(page.url).path == urlparse(qr_link_of(pdf)).path, page.url
    text = page.locator("main").inner_text()
    assert "còn nguyên vẹn" in text or "hợp lệ" in text, text[:600]


# --- The officers' journeys --------------------------------------------------------------


def open_dossier(rec: Recorder, dossier: Dossier) -> None:
    """From the landing: the dossier's link, else "Việc của tôi", else the queue search."""
    page = rec.page

    def link():
        return first_visible(page.get_by_role("link", name=dossier.code, exact=True))

    if link() is None:
        mine = first_visible(page.get_by_role("link", name=re.compile(r"^Việc của tôi")))
        if mine is not None and "viec-cua-toi" not in page.url:
            rec.click(mine)
    if link() is None:
        search = first_visible(page.get_by_role("textbox", name=re.compile("^(Mã hồ sơ|Tìm)")))
        assert search is not None, f"no way to {dossier.code} from {page.url}"
        rec.fill(search, dossier.code)
        rec.press_enter(search)
    rec.click(link())
    assert str(dossier.public_id) in page.url, page.url


def landed_on_my_work(rec: Recorder) -> None:
    """Every officer lands on "Việc của tôi", in the back-office layout."""
    heading = rec.page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == "Việc của tôi", rec.page.url


def desk_intake(rec: Recorder, dossier: Dossier) -> None:
    rec.start("desk_intake")
    landed_on_my_work(rec)
    open_dossier(rec, dossier)
    rec.click(button(rec.page, r"^Tiếp nhận"))
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED, rec.page.locator("main").inner_text()[:600]


def specialist_opinion(rec: Recorder, dossier: Dossier, leader: User) -> None:
    page = rec.page
    rec.start("specialist_opinion")
    landed_on_my_work(rec)
    open_dossier(rec, dossier)
    # The assessment the Phiếu LLTP prints: no conviction, no ban.
    for name in ("has_conviction", "has_ban"):
        radio = page.locator(f"input[name={name}][value=khong]")
        if radio.count():
            rec.tick(radio.first)
    save = first_visible(page.get_by_role("button", name=re.compile(r"kết quả thẩm định$")))
    if save is not None:
        rec.click(save)
    opinion = re.compile(r"^(Cho|Gửi) ý kiến|^Chuyển (lãnh đạo|phê duyệt)")
    form = page.locator("form", has=page.get_by_role("button", name=opinion))
    assignee = form.locator("select[name=assignee]")
    if assignee.count() and assignee.input_value() != str(leader.pk):
        rec.choose(assignee, value=str(leader.pk))
    rec.fill(form.get_by_role("textbox").first, "Hồ sơ đầy đủ, hợp lệ; không có án tích.")
    rec.click(form.get_by_role("button", name=opinion))
    dossier.refresh_from_db()
    assert dossier.decision_data == {"has_conviction": False, "has_ban": False}
    assert dossier.assignee_id == leader.pk, page.locator("main").inner_text()[:600]


def leader_approval(rec: Recorder, dossier: Dossier) -> None:
    rec.start("leader_approval")
    landed_on_my_work(rec)
    open_dossier(rec, dossier)
    rec.click(button(rec.page, r"^(Phê duyệt|Duyệt)"))
    dossier.refresh_from_db()
    assert dossier.status == Status.APPROVED, rec.page.locator("main").inner_text()[:600]


def issue_and_return(dossier: Dossier, desk: User, site: str) -> None:
    """The desk signs the result the leader approved and returns it (not measured).

    In a thread of its own: signing runs ``asyncio.run``, which cannot run inside
    Playwright's event loop; the thread uses the test's database connection, as the
    live server's threads do."""
    from django.db import connections

    from motcua.results import services as results

    shared = connections["default"]

    def issue() -> None:
        connections["default"] = shared
        results.ensure_preview(dossier, by=desk, base_url=site)
        issued = results.issue_result(dossier, by=desk, base_url=site)
        if issued.status != Status.RETURNED:
            dossier_services.transition(issued, "return_result", by=desk)

    shared.inc_thread_sharing()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(issue).result()
    finally:
        shared.dec_thread_sharing()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.result_electronic
