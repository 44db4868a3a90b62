"""Applying online: prefill, the e-form, review and submission."""

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import transition

from .conftest import DOWN, PID, complete_form_data, public_id_in, start

pytestmark = pytest.mark.django_db


def test_procedure_page_offers_to_apply_online(client, version):
    body = client.get("/thu-tuc/HT.01/").content.decode()
    assert "Nộp hồ sơ trực tuyến" in body
    assert "/thu-tuc/HT.01/nop-ho-so/" in body


def test_anonymous_visitor_is_sent_to_the_e_id_sign_in(client, version):
    response = client.get("/thu-tuc/HT.01/nop-ho-so/")
    assert response.status_code == 302
    assert response.url.startswith("/cong-dan/dang-nhap/")
    assert "next=/thu-tuc/HT.01/nop-ho-so/" in response.url


def test_start_page_lets_the_citizen_pick_their_commune(citizen_client, version):
    body = citizen_client.get("/thu-tuc/HT.01/nop-ho-so/").content.decode()
    assert "Phường Kinh Bắc" in body
    assert "Phường Võ Cường" in body


def test_form_is_prefilled_from_the_population_registry_and_marked(
    citizen_client, version, commune, registry
):
    response = start(citizen_client, version, commune)
    page = citizen_client.get(response.url)
    body = page.content.decode()
    assert "Nguyễn Văn An" in body
    assert "Dữ liệu từ CSDL quốc gia" in body
    assert "Đã điền sẵn 4 thông tin" in body
    dossier = Dossier.objects.get()
    assert dossier.status == Status.DRAFT and dossier.code is None
    assert dossier.agency == commune
    assert dossier.prefill_sources["personal_id"] == "dan_cu"
    assert dossier.reused_data is True


def test_prefilled_fields_are_read_only(citizen_client, version, commune, registry):
    response = start(citizen_client, version, commune)
    body = citizen_client.get(response.url).content.decode()
    assert 'name="full_name" id="id_full_name" value="Nguyễn Văn An"' in body
    full_name = body[body.index('id="id_full_name"') :].split(">", 1)[0]
    phone = body[body.index('id="id_phone"') :].split(">", 1)[0]
    assert " readonly" in full_name
    assert " readonly" not in phone


def test_form_stays_usable_when_the_registry_is_unavailable(
    citizen_client, version, commune, registry
):
    registry.down = True
    response = start(citizen_client, version, commune)
    body = citizen_client.get(response.url).content.decode()
    assert DOWN in body
    assert "Thử lấy lại dữ liệu" in body
    typed = {**complete_form_data(), "full_name": "Nguyễn Văn An (tự nhập)", "action": "next"}
    saved = citizen_client.post(response.url, typed)
    assert saved.status_code == 302 and saved.url.endswith("/giay-to/")
    dossier = Dossier.objects.get()
    assert dossier.form_data["full_name"] == "Nguyễn Văn An (tự nhập)"
    assert dossier.prefill_sources == {}


def test_retrying_the_registry_fills_and_locks_the_fields(
    citizen_client, version, commune, registry
):
    registry.down = True
    dossier_url = start(citizen_client, version, commune).url
    registry.down = False
    public_id = public_id_in(dossier_url)
    citizen_client.post(f"/ho-so/{public_id}/lay-lai-du-lieu/")
    dossier = Dossier.objects.get()
    assert dossier.form_data["personal_id"] == PID
    assert dossier.prefill_sources["personal_id"] == "dan_cu"


def test_tampered_prefilled_value_is_rejected_when_saving(
    citizen_client, version, commune, registry
):
    url = start(citizen_client, version, commune).url
    tampered = {**complete_form_data(), "personal_id": "001090009999", "action": "save"}
    response = citizen_client.post(url, tampered)
    assert response.status_code == 200
    assert "được lấy từ CSDL quốc gia về dân cư và không sửa được" in response.content.decode()
    assert Dossier.objects.get().form_data["personal_id"] == PID


def test_tampered_prefilled_value_is_rejected_on_submission(citizen_client, ready_draft, registry):
    # The registry's record no longer matches what the draft holds.
    registry.values["full_name"] = "Nguyễn Văn Ân"
    response = citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    assert response.status_code == 400
    assert "phải đúng như trong CSDL quốc gia về dân cư" in response.content.decode()
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT and ready_draft.code is None


def test_draft_can_be_saved_incomplete_and_resumed(citizen_client, version, commune, registry):
    url = start(citizen_client, version, commune).url
    response = citizen_client.post(url, {"phone": "0912 345 678", "action": "save"}, follow=True)
    assert "Đã lưu bản nháp" in response.content.decode()
    resume = citizen_client.get("/thu-tuc/HT.01/nop-ho-so/").content.decode()
    assert "Tiếp tục hồ sơ nháp" in resume
    assert Dossier.objects.get().form_data["phone"] == "0912345678"


def test_continuing_needs_every_required_field(citizen_client, version, commune, registry):
    url = start(citizen_client, version, commune).url
    response = citizen_client.post(url, {"action": "next"})
    assert response.status_code == 200
    assert "lỗi cần sửa" in response.content.decode()
    anchors = {entry["anchor"] for entry in response.context["eform"]["summary"]}
    assert "id_phone" in anchors


def test_invalid_phone_number_gets_a_vietnamese_message(citizen_client, version, commune, registry):
    url = start(citizen_client, version, commune).url
    response = citizen_client.post(url, {**complete_form_data(), "phone": "12ab", "action": "next"})
    assert "phải là số điện thoại hợp lệ: 10 chữ số bắt đầu bằng 0" in response.content.decode()


def test_review_lists_what_is_still_missing(citizen_client, version, commune, registry):
    url = start(citizen_client, version, commune).url
    public_id = public_id_in(url)
    body = citizen_client.get(f"/ho-so/{public_id}/xem-lai/").content.decode()
    assert "Chưa có tệp cho thành phần “Tờ khai”" in body
    assert "Số điện thoại" in body


def test_incomplete_draft_is_not_submitted(citizen_client, version, commune, registry):
    public_id = public_id_in(start(citizen_client, version, commune).url)
    response = citizen_client.post(f"/ho-so/{public_id}/nop/")
    assert response.status_code == 400
    assert "Hồ sơ chưa nộp được" in response.content.decode()
    assert Dossier.objects.get().status == Status.DRAFT


def test_submission_gives_a_code_and_the_receipt(citizen_client, ready_draft, registry):
    response = citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    assert response.status_code == 302
    assert response.url == f"/ho-so/{ready_draft.public_id}/bien-nhan/"
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.SUBMITTED
    assert ready_draft.code.startswith("BN.KB-")
    assert ready_draft.fee_vnd == 5000  # the online discount, frozen
    body = citizen_client.get(response.url).content.decode()
    assert ready_draft.code in body
    assert ready_draft.lookup_secret in body
    assert "tính từ ngày cơ quan tiếp nhận hồ sơ" in body
    assert "5.000 đồng" in body
    assert "http://testserver/tra-cuu/" in body


def test_double_submission_makes_one_dossier_and_the_same_receipt(
    citizen_client, ready_draft, registry
):
    first = citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    second = citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/ho-so/{ready_draft.public_id}/bien-nhan/"
    assert Dossier.objects.count() == 1
    assert ready_draft.history.filter(action="submit").count() == 1


def test_reposted_start_form_never_makes_a_second_dossier(
    citizen_client, version, commune, registry
):
    first = start(citizen_client, version, commune, token="7d9f1f64-4d5c-4f4e-9a59-3c1e0a2b1c11")
    second = start(citizen_client, version, commune, token="7d9f1f64-4d5c-4f4e-9a59-3c1e0a2b1c11")
    assert first.url == second.url
    assert Dossier.objects.count() == 1
    assert registry.prefill_calls == 1


def test_start_form_reposted_after_submission_leads_to_the_receipt(
    citizen_client, ready_draft, version, commune, registry
):
    citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    again = start(citizen_client, version, commune, token=ready_draft.idempotency_key)
    assert again.url == f"/ho-so/{ready_draft.public_id}/bien-nhan/"
    assert Dossier.objects.count() == 1


def test_agency_that_does_not_take_the_procedure_is_refused(citizen_client, version, registry):
    from tests.factories import AgencyFactory

    elsewhere = AgencyFactory(code="XX.01", name="Xã khác")
    response = citizen_client.post(
        "/thu-tuc/HT.01/nop-ho-so/",
        {"token": "2f0b8a8e-9c4b-4d7e-8d0a-6a1c3f2e9b10", "agency": elsewhere.pk},
    )
    assert response.status_code == 200
    assert Dossier.objects.count() == 0


def test_receipt_shows_the_legal_due_date_once_received(citizen_client, ready_draft, registry):
    citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    ready_draft.refresh_from_db()
    transition(ready_draft, "receive")
    ready_draft.refresh_from_db()
    body = citizen_client.get(f"/ho-so/{ready_draft.public_id}/bien-nhan/").content.decode()
    assert ready_draft.due_date.strftime("%d/%m/%Y") in body
    assert "Ngày dự kiến" not in body


def test_receipt_pdf_is_a_pdf(citizen_client, ready_draft, registry):
    citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    response = citizen_client.get(f"/ho-so/{ready_draft.public_id}/bien-nhan/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 2000


def test_procedure_not_offered_online_has_no_application(citizen_client, commune):
    from tests.factories import procedure_version

    counter_only = procedure_version(
        "HT.09", service_level="counter", not_fully_online_reason="Cần đối chiếu bản gốc"
    )
    counter_only.agencies.add(commune)
    body = citizen_client.get("/thu-tuc/HT.09/nop-ho-so/").content.decode()
    assert "chưa được cung cấp trực tuyến" in body
    response = citizen_client.post(
        "/thu-tuc/HT.09/nop-ho-so/",
        {"token": "5b1e7a20-0d8c-4c7e-b3b5-0b8e4f7d2a90", "agency": commune.pk},
    )
    assert response.status_code == 200
    assert Dossier.objects.count() == 0


def test_submitted_dossier_can_no_longer_be_edited(citizen_client, ready_draft, registry):
    citizen_client.post(f"/ho-so/{ready_draft.public_id}/nop/")
    response = citizen_client.post(
        f"/ho-so/{ready_draft.public_id}/khai/", {**complete_form_data(), "phone": "0987654321"}
    )
    assert response.status_code == 302
    assert response.url == f"/ho-so/{ready_draft.public_id}/"
    ready_draft.refresh_from_db()
    assert ready_draft.form_data["phone"] == "0912345678"
