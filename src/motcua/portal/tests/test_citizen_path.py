"""The citizen's path made short: the home page, "Trước khi bắt đầu", screens with one
choice skipped, the citizen's own commune first, the error summary, the pay-now button
on the receipt and the "Kết quả" panel."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.datastore.models import Document
from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.portal import selectors
from motcua.portal.error_summary import error_summary_of
from motcua.portal.forms import StartForm
from tests.factories import AgencyFactory, offered_version

from .conftest import PDF, applicant_of, complete_form_data, public_id_in, start

pytestmark = pytest.mark.django_db


# --- Home and procedure pages -------------------------------------------------------------


def test_home_offers_one_search_popular_services_and_life_events(client, version):
    offered_version("MC.HT.01", [AgencyFactory()], name="Đăng ký khai sinh")
    body = client.get("/").content.decode()
    assert body.count('role="search"') == 1  # the header's search gives way to the page's
    assert 'action="/tim-kiem/"' in body
    assert "Dịch vụ được dùng nhiều" in body and "/thu-tuc/HT.01/" in body
    # "Sinh con" (search.Situation) leads to the procedures it needs.
    birth = body[body.index("<summary>Sinh con</summary>") :].split("</details>", 1)[0]
    assert '<a href="/thu-tuc/MC.HT.01/">Đăng ký khai sinh</a>' in birth


def test_the_catalogue_is_one_link_away(client, version):
    body = client.get("/", {"tat_ca": "1"}).content.decode()
    assert "Tất cả lĩnh vực" in body and "/thu-tuc/HT.01/" in body


def test_procedure_page_starts_with_what_to_prepare(client, version):
    body = client.get("/thu-tuc/HT.01/").content.decode()
    before = body.index("Trước khi bắt đầu")
    assert before < body.index("Nộp hồ sơ trực tuyến") < body.index("Chi tiết thủ tục")
    section = body[before : body.index("</section>", before)]
    for text in ("Ai được làm", "Cần chuẩn bị", "Giấy chứng sinh", "3 ngày làm việc", "Phí"):
        assert text in section
    assert body.count('class="button primary-big"') == 1


# --- One choice: no screen ---------------------------------------------------------------


@pytest.fixture
def single(commune):
    return offered_version("SO.01", [commune], name="Cấp phiếu", level="province")


def test_one_receiving_agency_starts_the_dossier_without_asking(
    citizen_client, citizen, single, commune, registry
):
    response = citizen_client.get("/thu-tuc/SO.01/nop-ho-so/")
    assert response.status_code == 302 and response.url.endswith("/khai/")
    dossier = Dossier.objects.get(public_id=public_id_in(response.url))
    assert dossier.agency == commune and dossier.status == Status.DRAFT
    # Coming back with a draft to resume: now there is a choice, the page is shown.
    again = citizen_client.get("/thu-tuc/SO.01/nop-ho-so/")
    assert again.status_code == 200 and "Hồ sơ đang khai dở" in again.content.decode()
    assert Dossier.objects.count() == 1


def test_several_agencies_still_ask_with_the_own_commune_first_and_chosen(
    citizen_client, citizen, version, commune, other_commune
):
    applicant = applicant_of(citizen)
    applicant.address = "Số 3 đường Lý Thái Tổ, Phường Võ Cường, tỉnh Bắc Ninh"
    applicant.save()
    body = citizen_client.get("/thu-tuc/HT.01/nop-ho-so/").content.decode()
    assert body.index("Phường Võ Cường") < body.index("Phường Kinh Bắc")
    chosen = re.search(r'<input[^>]*value="(\d+)"[^>]*checked', body)
    assert chosen and int(chosen.group(1)) == other_commune.pk


def test_own_commune_first_matches_names_without_diacritics_or_ubnd(commune, other_commune):
    police = AgencyFactory(code="BN.VA.CA", name="Công an phường", parent=other_commune)
    ordered, own = selectors.own_commune_first(
        [commune, other_commune, police], "thon 2, phuong vo cuong, Bac Ninh"
    )
    assert ordered[:2] == [other_commune, police] and own is None  # two of that commune
    ordered, own = selectors.own_commune_first([commune, other_commune], "Phường Võ Cường")
    assert ordered == [other_commune, commune] and own == other_commune
    # Whole words only: "Phường Kinh" is not "Phường Kinh Bắc".
    assert selectors.own_commune_first([commune, other_commune], "Phường Kinh, Bắc Ninh")[1] is None
    assert selectors.own_commune_first([commune, other_commune], "")[1] is None


def test_the_files_step_is_skipped_when_there_is_nothing_to_attach(
    citizen_client, commune, registry
):
    offered_version("SO.02", [commune], level="province", components=[("Tờ khai", "dan_cu")])
    url = citizen_client.get("/thu-tuc/SO.02/nop-ho-so/").url
    response = citizen_client.post(url, {**complete_form_data(), "action": "next"})
    assert response.status_code == 302 and response.url.endswith("/xem-lai/")
    # The step bar does not show the skipped step: two steps, the review second.
    for page in (url, response.url):
        assert citizen_client.get(page).context["files_step"] is False
    body = citizen_client.get(response.url).content.decode()
    assert "/giay-to/" not in body.split('class="steps"')[1].split("</ol>")[0]
    # The review lists the paper the registry supplies, with no link to a files step.
    assert "Giấy tờ kèm theo" in body and "Sửa giấy tờ" not in body


def test_the_files_step_is_kept_when_there_is_a_paper_to_attach(
    citizen_client, version, commune, registry
):
    url = start(citizen_client, version, commune).url
    response = citizen_client.post(url, {**complete_form_data(), "action": "next"})
    assert response.url.endswith("/giay-to/")
    body = citizen_client.get(response.url).content.decode()
    assert "Giấy tờ" in body.split('class="steps"')[1].split("</ol>")[0]
    assert citizen_client.get(url).context["files_step"] is True
    review = citizen_client.get(response.url.replace("/giay-to/", "/xem-lai/"))
    assert "Sửa giấy tờ" in review.content.decode()


# --- The error summary -------------------------------------------------------------------


def test_error_summary_of_a_form_links_each_error_to_its_field(commune, other_commune):
    form = StartForm({"token": "not-a-uuid"}, agencies=[commune, other_commune])
    assert not form.is_valid()
    entries = error_summary_of(form)
    by_anchor = {e["anchor"]: e for e in entries}
    assert by_anchor["id_agency_0"]["message"] == "Vui lòng chọn nơi nộp hồ sơ."
    assert "" in by_anchor  # the hidden token's error links nowhere
    assert error_summary_of(StartForm(agencies=[commune])) == []


def test_start_page_shows_the_summary_at_the_top(citizen_client, version):
    body = citizen_client.post(
        "/thu-tuc/HT.01/nop-ho-so/", {"token": "7b0c2c67-2b9c-4a7e-8a0e-4f8f0b0b3c11"}
    ).content.decode()
    summary = body.index("data-error-summary")
    assert "Có 1 lỗi cần sửa" in body
    assert '<a href="#id_agency_0">Nơi nộp hồ sơ: Vui lòng chọn nơi nộp hồ sơ.</a>' in body
    assert summary < body.index('id="id_agency_0"')


def test_eform_errors_are_counted_and_linked(citizen_client, version, commune, registry):
    url = start(citizen_client, version, commune).url
    body = citizen_client.post(url, {"action": "next"}).content.decode()
    box = body[
        body.index("data-error-summary") : body.index("</div>", body.index("data-error-summary"))
    ]
    links = re.findall(r'<a href="#([^"]+)">', box)
    count = int(re.search(r"Có (\d+) lỗi cần sửa", box).group(1))
    assert links and count >= len(links)
    for anchor in links:
        assert f'id="{anchor}"' in body


def test_a_refused_upload_is_listed_in_the_summary(citizen_client, version, commune, registry):
    url = start(citizen_client, version, commune).url
    dossier = Dossier.objects.get(public_id=public_id_in(url))
    component = version.components.first()
    body = citizen_client.post(
        f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
        {"component": component.pk, "file": ContentFile(b"khong phai pdf", name="x.pdf")},
    ).content.decode()
    assert "Có 1 lỗi cần sửa" in body
    assert f'<a href="#file-{component.pk}">{component.name}: ' in body


def test_files_upload_as_soon_as_they_are_picked_with_the_button_kept_without_script(
    citizen_client, version, commune, registry
):
    url = start(citizen_client, version, commune).url
    dossier = Dossier.objects.get(public_id=public_id_in(url))
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/giay-to/").content.decode()
    assert body.count("data-upload-on-pick") == version.components.count()
    assert "citizen.js" in body and ">Tải lên</button>" in body


# --- Receipt and result --------------------------------------------------------------------


def test_the_receipt_shows_the_payment_status_and_pay_now(citizen_client, citizen, make_dossier):
    dossier = make_dossier(
        citizen, Status.SUBMITTED, fee_vnd=5000, submitted_at="2026-01-05T08:00Z"
    )
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/bien-nhan/").content.decode()
    assert "Trạng thái thanh toán: <strong>Chưa thanh toán</strong>" in body
    assert body.index("Thanh toán ngay") < body.index("Mã tra cứu")
    assert 'class="primary-big">Thanh toán ngay' in body


def test_the_result_panel_leads_the_dossier_page(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RETURNED, submitted_at="2026-01-05T08:00Z")
    result = Attachment.objects.create(
        dossier=dossier,
        kind=Attachment.Kind.RESULT,
        file=ContentFile(PDF, name="ket-qua.pdf"),
        original_name="ket-qua.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    panel = body.index('class="result-panel"')
    assert panel < body.index("Quá trình giải quyết") and panel < body.index("Thủ tục</dt>")
    assert f"/ho-so/{dossier.public_id}/tep/{result.public_id}/" in body
    assert "Đã lưu vào kho dữ liệu" not in body
    Document.objects.create(
        owner=citizen,
        kind=Document.Kind.RESULT,
        name="Kết quả",
        file=ContentFile(PDF, name="kq.pdf"),
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        source_attachment=result,
    )
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Đã lưu vào kho dữ liệu" in body


def test_no_result_panel_before_the_result(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.IN_PROCESS, submitted_at="2026-01-05T08:00Z")
    assert (
        'class="result-panel"'
        not in citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    )


def test_other_citizen_forms_use_the_summary_too(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RETURNED, submitted_at="2026-01-05T08:00Z")
    body = citizen_client.post(
        f"/ho-so/{dossier.public_id}/danh-gia/", {"comment": ""}
    ).content.decode()
    assert "Có 1 lỗi cần sửa" in body
    anchor = re.search(r'data-error-summary>.*?<a href="#([^"]+)">', body, re.S).group(1)
    assert f'id="{anchor}"' in body
    lookup = citizen_client.post("/tra-cuu/", {"code": "", "secret": ""}).content.decode()
    assert "Có 2 lỗi cần sửa" in lookup
