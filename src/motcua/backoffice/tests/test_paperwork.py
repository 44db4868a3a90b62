"""The official forms of Circular 03/2025/TT-VPCP, Appendix I: each printed from a real
dossier with its content, scoped like the dossier page, and the one-stop register."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from motcua.agencies.models import Agency, Role
from motcua.dossiers import deadlines
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import (
    ApologyLetter,
    Channel,
    Dossier,
    ResultDelivery,
    Status,
    StatusChange,
    SupplementRequest,
)
from tests.factories import AgencyFactory, procedure_version

pytestmark = pytest.mark.django_db

APPLICANT = {
    "kind": "person",
    "name": "Nguyễn Thị Hoa",
    "personal_id": "001090123456",
    "tax_code": "",
    "phone": "0912345678",
    "address": "12 Lý Thái Tổ, Phường Kinh Bắc",
}


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF's text")
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return " ".join(done.stdout.decode().split())


def form_url(dossier, number: str) -> str:
    return reverse("backoffice:paperwork_form", args=[dossier.public_id, number])


@pytest.fixture
def province():
    return AgencyFactory(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def department(province):
    return AgencyFactory(
        code="BN.STP", name="Sở Tư pháp tỉnh Bắc Ninh", kind=Agency.Kind.DEPARTMENT, parent=province
    )


@pytest.fixture
def team(department, officer_of):
    return {
        role: officer_of(department, role, username=f"{role}-stp")
        for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
    }


@pytest.fixture
def counter_dossier(department, team):
    """A paper dossier received at the counter, with both components ticked."""
    version = procedure_version("HT.01", processing_days=3, fee_vnd=10000)
    desk = team[Role.DESK_OFFICER]
    desk.full_name = "Lê Văn Tiếp"
    desk.save()
    dossier = dossiers.receive_at_counter(
        applicant=APPLICANT,
        version=version,
        agency=department,
        by=desk,
        component_ids=[c.pk for c in version.components.all()],
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        result_delivery=ResultDelivery.POST,
        delivery_address={
            "recipient": "Nguyễn Thị Hoa",
            "phone": "0912345678",
            "street": "12 Lý Thái Tổ",
        },
    )
    dossier.refresh_from_db()
    return dossier


def test_form_01_prints_the_receipt_with_the_dossiers_content(client, counter_dossier, team):
    client.force_login(team[Role.DESK_OFFICER])
    text = pdf_text(client.get(form_url(counter_dossier, "01")))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "SỞ TƯ PHÁP TỈNH BẮC NINH" in text and "BỘ PHẬN MỘT CỬA" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert counter_dossier.code in text
    assert "Nguyễn Thị Hoa" in text and "********3456" in text and "001090123456" not in text
    assert "Đăng ký khai sinh" in text
    assert "Tờ khai" in text and "Giấy chứng sinh" in text and "Bản giấy" in text
    assert "3 ngày làm việc" in text
    assert "10.000 đồng" in text
    assert "Nhận qua dịch vụ bưu chính" in text
    received = timezone.localtime(counter_dossier.received_at)
    assert f"ngày {received:%d} tháng {received:%m} năm {received:%Y}" in text
    assert f"Bắc Ninh, ngày {received:%d}" in text
    due = counter_dossier.due_date
    assert f"ngày {due:%d} tháng {due:%m} năm {due:%Y}" in text
    assert "Quyển số: " + str(received.year) in text and "Số thứ tự: 1" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "Lê Văn Tiếp" in text


def test_an_online_dossier_counts_its_uploaded_files(
    client, department, team, counter_dossier, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    version = counter_dossier.procedure_version
    online = dossiers.create_draft(
        applicant=counter_dossier.applicant, version=version, agency=department
    )
    component = version.components.get(name="Giấy chứng sinh")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.models import Attachment

    for n in range(2):
        Attachment.objects.create(
            dossier=online,
            component=component,
            kind=Attachment.Kind.COMPONENT,
            file=SimpleUploadedFile(f"gcs-{n}.pdf", b"%PDF-1.4"),
            original_name=f"gcs-{n}.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
            uploaded_at=timezone.now(),
        )
    dossiers.transition(online, "submit")
    dossiers.transition(online, "receive", by=team[Role.DESK_OFFICER])
    client.force_login(team[Role.DESK_OFFICER])
    text = pdf_text(client.get(form_url(online, "01")))
    assert "Giấy chứng sinh" in text and "Bản điện tử 02" in text
    assert "Số thứ tự: 2" in text


def test_form_02_lists_every_item_of_the_supplement_request(client, counter_dossier, team):
    specialist = team[Role.SPECIALIST]
    specialist.full_name = "Phạm Thu Trang"
    specialist.save()
    SupplementRequest.objects.create(
        dossier=counter_dossier,
        number=1,
        items=[
            {
                "component": None,
                "label": "Giấy chứng sinh",
                "reason": "Bản chụp mờ, không đọc được",
            },
            {"component": None, "label": "Tờ khai", "reason": "Thiếu chữ ký người đi khai"},
        ],
        note="Nộp lại bản rõ nét tại Bộ phận Một cửa.",
        requested_at=timezone.now(),
        requested_by=specialist,
        due_date=dt.date(2030, 1, 15),
    )
    client.force_login(team[Role.DESK_OFFICER])
    text = pdf_text(client.get(form_url(counter_dossier, "02")))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản chụp mờ, không đọc được" in text and "Thiếu chữ ký người đi khai" in text
    assert "Nộp lại bản rõ nét" in text
    assert "ngày 15 tháng 01 năm 2030" in text
    assert "Phạm Thu Trang" in text and "NGƯỜI HƯỚNG DẪN" in text


def test_form_03_gives_the_refusal_reason_and_only_for_a_refused_dossier(
    client, counter_dossier, team
):
    client.force_login(team[Role.DESK_OFFICER])
    response = client.get(form_url(counter_dossier, "03"))
    assert response.status_code == 404
    assert "Hồ sơ không bị từ chối" in response.content.decode()
    dossiers.transition(counter_dossier, "start_processing", by=team[Role.DESK_OFFICER])
    dossiers.transition(
        counter_dossier, "give_opinion", by=team[Role.SPECIALIST], note="Không đủ điều kiện."
    )
    dossiers.transition(
        counter_dossier,
        "refuse",
        by=team[Role.LEADER],
        note="Người yêu cầu không có quyền khai sinh.",
    )
    text = pdf_text(client.get(form_url(counter_dossier, "03")))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Người yêu cầu không có quyền khai sinh." in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text


def test_form_04_prints_the_apology_with_its_reason_and_new_date(client, counter_dossier, team):
    dossiers.transition(counter_dossier, "start_processing", by=team[Role.DESK_OFFICER])
    new_date = timezone.localdate() + dt.timedelta(days=20)
    letter = deadlines.draft_apology(
        counter_dossier,
        reason="Chờ kết quả xác minh của Công an xã",
        new_date=new_date,
        by=team[Role.DESK_OFFICER],
    )
    client.force_login(team[Role.LEADER])
    draft = pdf_text(client.get(form_url(counter_dossier, "04")))
    assert "DỰ THẢO" in draft
    deadlines.approve_apology(letter, by=team[Role.LEADER])
    text = pdf_text(client.get(form_url(counter_dossier, "04")))
    assert "DỰ THẢO" not in text
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Chờ kết quả xác minh của Công an xã" in text
    assert f"ngày {new_date:%d} tháng {new_date:%m} năm {new_date:%Y}" in text
    assert "Kính gửi: Nguyễn Thị Hoa" in text
    assert ApologyLetter.objects.get().status == ApologyLetter.Status.SENT


def test_form_05_gives_the_stop_reason(client, counter_dossier, team):
    client.force_login(team[Role.DESK_OFFICER])
    assert client.get(form_url(counter_dossier, "05")).status_code == 404
    # Stopping is H2's action; the notice reads what any stop records: status and note.
    Dossier.objects.filter(pk=counter_dossier.pk).update(status=Status.STOPPED)
    StatusChange.objects.create(
        dossier=counter_dossier,
        action="stop",
        from_status=Status.RECEIVED,
        to_status=Status.STOPPED,
        actor=team[Role.LEADER],
        at=timezone.now(),
        note="Người nộp đề nghị dừng giải quyết để bổ sung giấy tờ khác.",
    )
    text = pdf_text(client.get(form_url(counter_dossier, "05")))
    assert "THÔNG BÁO" in text and "dừng giải quyết hồ sơ" in text
    assert "Người nộp đề nghị dừng giải quyết để bổ sung giấy tờ khác." in text
    assert "Nghị định số 118/2025/NĐ-CP" in text


def test_form_06_lists_every_hand_over_with_times_and_results(client, counter_dossier, team):
    desk, specialist, leader = (team[r] for r in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER))
    specialist.full_name = "Phạm Thu Trang"
    specialist.save()
    dossiers.transition(counter_dossier, "start_processing", by=desk, assignee=specialist)
    dossiers.transition(counter_dossier, "request_supplement", by=specialist, note="Thiếu bản sao")
    dossiers.transition(counter_dossier, "provide_supplement", by=desk)
    dossiers.transition(counter_dossier, "give_opinion", by=specialist, note="Đủ điều kiện.")
    dossiers.transition(counter_dossier, "approve", by=leader)
    dossiers.transition(counter_dossier, "issue_result", by=desk)
    dossiers.transition(counter_dossier, "return_result", by=desk)
    client.force_login(desk)
    text = pdf_text(client.get(form_url(counter_dossier, "06")))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Giao: Tiếp nhận hồ sơ" in text and "Nhận: Thẩm định, xử lý hồ sơ" in text
    assert "Nhận: Phê duyệt kết quả" in text
    assert "Người giao" in text and "Người nhận" in text
    assert "Phạm Thu Trang" in text
    assert "Đủ điều kiện." in text
    assert "Yêu cầu bổ sung, hoàn thiện hồ sơ: Thiếu bản sao" in text
    assert "Nộp hồ sơ bổ sung" in text
    assert "Trả kết quả" in text and "Người nộp hồ sơ" in text
    assert "Trước hạn" in text or "Đúng hạn" in text


def test_form_03_at_intake_is_signed_by_the_desk(client, department, team, counter_dossier):
    online = dossiers.create_draft(
        applicant=counter_dossier.applicant,
        version=counter_dossier.procedure_version,
        agency=department,
    )
    dossiers.transition(online, "submit")
    dossiers.transition(online, "refuse_intake", by=team[Role.DESK_OFFICER], note="Sai thẩm quyền")
    client.force_login(team[Role.DESK_OFFICER])
    text = pdf_text(client.get(form_url(online, "03")))
    assert "Bộ phận Một cửa từ chối tiếp nhận, giải quyết hồ sơ này" in text
    assert "Sai thẩm quyền" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert client.get(form_url(online, "01")).status_code == 404


def test_an_officer_of_another_agency_gets_404(client, counter_dossier, officer_of):
    other = AgencyFactory(code="STC", name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT)
    client.force_login(officer_of(other))
    assert client.get(form_url(counter_dossier, "01")).status_code == 404
    assert client.get(form_url(counter_dossier, "06")).status_code == 404


def test_an_unknown_form_number_is_404_with_a_message(client, counter_dossier, team):
    client.force_login(team[Role.DESK_OFFICER])
    response = client.get(form_url(counter_dossier, "09"))
    assert response.status_code == 404
    assert "Không có biểu mẫu số 09" in response.content.decode()


def test_a_citizen_cannot_print_forms(client, counter_dossier, citizen):
    client.force_login(citizen)
    assert client.get(form_url(counter_dossier, "01")).status_code == 403


def test_the_dossier_page_lists_only_the_forms_that_apply(client, counter_dossier, team):
    client.force_login(team[Role.DESK_OFFICER])
    page = client.get(
        reverse("backoffice:dossier", args=[counter_dossier.public_id])
    ).content.decode()
    assert "Biểu mẫu" in page
    assert form_url(counter_dossier, "01") in page and form_url(counter_dossier, "06") in page
    assert form_url(counter_dossier, "03") not in page
    assert form_url(counter_dossier, "05") not in page
    receipt = client.get(reverse("backoffice:receipt", args=[counter_dossier.public_id]))
    assert form_url(counter_dossier, "01") in receipt.content.decode()


# --- Form 07: the register -------------------------------------------------------------

REGISTER = "/mot-cua/so-theo-doi/"


@pytest.fixture
def registered(department, team, counter_dossier):
    """Three dossiers at the department (one online, one refused) and one elsewhere."""
    version = counter_dossier.procedure_version
    other_version = procedure_version("CT.02", name="Chứng thực bản sao")
    second = dossiers.receive_at_counter(
        applicant={**APPLICANT, "name": "Trần Văn Bảo", "personal_id": "001090654321"},
        version=other_version,
        agency=department,
        by=team[Role.DESK_OFFICER],
    )
    online = dossiers.create_draft(
        applicant=counter_dossier.applicant, version=version, agency=department
    )
    dossiers.transition(online, "submit")
    dossiers.transition(online, "receive", by=team[Role.DESK_OFFICER])
    dossiers.transition(online, "start_processing", by=team[Role.DESK_OFFICER])
    dossiers.transition(online, "give_opinion", by=team[Role.SPECIALIST], note="Sai thẩm quyền")
    dossiers.transition(online, "refuse", by=team[Role.LEADER], note="Sai thẩm quyền")
    elsewhere = AgencyFactory(code="STC", name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT)
    hidden = dossiers.receive_at_counter(
        applicant={**APPLICANT, "name": "Người Khác", "personal_id": "001090777777"},
        version=version,
        agency=elsewhere,
        by=None,
    )
    return {"first": counter_dossier, "second": second, "online": online, "hidden": hidden}


def test_the_register_lists_the_officers_dossiers_only(client, registered, team):
    client.force_login(team[Role.DESK_OFFICER])
    page = client.get(REGISTER).content.decode()
    assert "Sổ theo dõi hồ sơ" in page
    for key in ("first", "second", "online"):
        assert registered[key].code in page
    assert registered["hidden"].code not in page
    assert "Người Khác" not in page


def test_the_register_filters_by_procedure_status_channel_and_period(client, registered, team):
    client.force_login(team[Role.DESK_OFFICER])
    second = registered["second"]
    page = client.get(
        REGISTER, {"procedure": second.procedure_version.procedure_id}
    ).content.decode()
    assert second.code in page and registered["first"].code not in page
    page = client.get(REGISTER, {"status": Status.REFUSED}).content.decode()
    assert registered["online"].code in page and second.code not in page
    page = client.get(REGISTER, {"channel": Channel.ONLINE}).content.decode()
    assert registered["online"].code in page and registered["first"].code not in page
    page = client.get(
        REGISTER, {"date_from": "2001-01-01", "date_to": "2001-12-31"}
    ).content.decode()
    assert "Không có hồ sơ nào khớp bộ lọc." in page
    response = client.get(REGISTER, {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert response.status_code == 400
    assert "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc." in response.content.decode()


def test_the_register_refuses_an_agency_outside_the_officers_scope(client, registered, team):
    client.force_login(team[Role.DESK_OFFICER])
    hidden_agency = registered["hidden"].agency_id
    response = client.get(REGISTER, {"agency": hidden_agency})
    assert response.status_code == 400
    assert registered["hidden"].code not in response.content.decode()


def test_the_register_pages(client, registered, team, settings, monkeypatch):
    from motcua.backoffice.paperwork import register

    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    client.force_login(team[Role.DESK_OFFICER])
    first = client.get(REGISTER).content.decode()
    assert "Trang 1/2" in first and "trang=2" in first
    second = client.get(REGISTER, {"trang": 2}).content.decode()
    assert registered["online"].code in second and registered["first"].code not in second


def test_the_register_exports_excel_with_the_same_lines(client, registered, team):
    client.force_login(team[Role.DESK_OFFICER])
    response = client.get(REGISTER, {"format": "xlsx", "channel": Channel.COUNTER})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "SỔ THEO DÕI HỒ SƠ"
    assert values[3][1] == "Mã hồ sơ" and values[3][2] == "Tên thủ tục hành chính"
    lines = values[4:]
    assert [line[1] for line in lines] == [registered["first"].code, registered["second"].code]
    assert lines[0][0] == 1 and lines[0][4] == "Nguyễn Thị Hoa"
    assert "Trực tiếp" in lines[0][13]


def test_the_register_prints_as_pdf(client, registered, team):
    client.force_login(team[Role.DESK_OFFICER])
    text = pdf_text(client.get(REGISTER, {"format": "pdf"}))
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert registered["first"].code in text and registered["hidden"].code not in text


def test_export_forms_writes_every_form_that_applies(counter_dossier, tmp_path):
    from django.core.management import call_command

    call_command("export_forms", code=counter_dossier.code, out=str(tmp_path), with_register=True)
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == ["form-01-tiep-nhan.pdf", "form-06-kiem-soat.pdf", "form-07-so-theo-doi.pdf"]
    assert all(path.read_bytes().startswith(b"%PDF") for path in tmp_path.iterdir())
