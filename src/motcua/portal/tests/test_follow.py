"""Following a dossier: the list, the timeline, supplement, withdrawal and rating."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.datastore import services as datastore_services
from motcua.dossiers.models import Attachment, Rating, Status
from motcua.dossiers.services import transition

from .conftest import PNG, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(citizen, make_dossier):
    """A dossier received 10 days ago; the agency asked for a document 7 days ago."""
    dossier = make_dossier(citizen, Status.SUBMITTED)
    now = timezone.now()
    transition(dossier, "receive", at=now - dt.timedelta(days=10))
    transition(
        dossier,
        "request_supplement",
        at=now - dt.timedelta(days=7),
        note="Thiếu bản sao giấy chứng sinh có chứng thực.",
    )
    dossier.refresh_from_db()
    return dossier


def test_my_dossiers_is_paginated(citizen_client, citizen, make_dossier, settings):
    settings.MOTCUA_PORTAL_PAGE_SIZE = 2
    for _ in range(3):
        make_dossier(citizen)
    first = citizen_client.get("/ho-so/").content.decode()
    second = citizen_client.get("/ho-so/", {"trang": 2}).content.decode()
    assert "Trang 1/2" in first and "Trang sau" in first
    assert "Trang 2/2" in second


def test_dossier_page_shows_every_status_with_its_date(citizen_client, waiting):
    body = citizen_client.get(f"/ho-so/{waiting.public_id}/").content.decode()
    for change in waiting.history.all():
        assert timezone.localtime(change.at).strftime("%d/%m/%Y %H:%M") in body
    assert "Đã tiếp nhận" in body
    assert "Chờ bổ sung hồ sơ" in body
    assert "Thiếu bản sao giấy chứng sinh có chứng thực." in body


def test_internal_opinions_stay_out_of_the_timeline(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.IN_PROCESS)
    transition(dossier, "forward", note="Ý kiến nội bộ: hồ sơ cần xem kỹ chữ ký")
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Ý kiến nội bộ" not in body


def test_supplement_answered_online_resumes_the_clock(citizen_client, waiting):
    due_before = waiting.due_date
    page = citizen_client.get(f"/ho-so/{waiting.public_id}/bo-sung/").content.decode()
    assert "Thiếu bản sao giấy chứng sinh có chứng thực." in page
    response = citizen_client.post(
        f"/ho-so/{waiting.public_id}/bo-sung/",
        {"files": [pdf_file("giay-chung-sinh.pdf")], "note": "Gửi bản sao có chứng thực."},
        follow=True,
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    assert waiting.paused_at is None
    assert waiting.due_date > due_before
    body = response.content.decode()
    assert "Đã gửi giấy tờ bổ sung" in body
    assert waiting.due_date.strftime("%d/%m/%Y") in body
    assert waiting.attachments.filter(kind=Attachment.Kind.SUPPLEMENT).count() == 1


def test_supplement_can_reuse_a_document_from_the_data_store(citizen_client, citizen, waiting):
    document = datastore_services.save_upload(
        citizen, SimpleUploadedFile("gcs.png", PNG, "image/png"), name="Giấy chứng sinh"
    )
    citizen_client.post(
        f"/ho-so/{waiting.public_id}/bo-sung/", {"documents": [str(document.public_id)]}
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    supplement = waiting.attachments.get(kind=Attachment.Kind.SUPPLEMENT)
    assert supplement.source == Attachment.Source.DATASTORE


def test_supplement_needs_a_file(citizen_client, waiting):
    response = citizen_client.post(f"/ho-so/{waiting.public_id}/bo-sung/", {"note": "Đã gửi"})
    assert response.status_code == 400
    assert "Vui lòng chọn ít nhất một tệp để bổ sung." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT


def test_supplement_refuses_a_disguised_file(citizen_client, waiting):
    program = SimpleUploadedFile("bo-sung.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")
    response = citizen_client.post(f"/ho-so/{waiting.public_id}/bo-sung/", {"files": [program]})
    assert response.status_code == 400
    assert "không phải PDF, JPG hoặc PNG" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert not waiting.attachments.exists()


def test_withdrawal_asks_for_confirmation_then_withdraws(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    confirm = citizen_client.get(f"/ho-so/{dossier.public_id}/rut/").content.decode()
    assert "Tôi xác nhận rút hồ sơ" in confirm
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    response = citizen_client.post(
        f"/ho-so/{dossier.public_id}/rut/", {"reason": "Nộp nhầm thủ tục"}, follow=True
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.finished_at is not None
    body = response.content.decode()
    assert "Đã rút hồ sơ" in body and "Nộp nhầm thủ tục" in body


def test_a_decided_dossier_cannot_be_withdrawn(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.APPROVED)
    response = citizen_client.post(f"/ho-so/{dossier.public_id}/rut/", follow=True)
    assert "không rút được nữa" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.APPROVED


def test_rating_is_offered_after_the_result_and_accepted_once(
    citizen_client, citizen, make_dossier
):
    dossier = make_dossier(citizen, Status.RETURNED)
    assert (
        "Đánh giá mức độ hài lòng"
        in citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    )
    first = citizen_client.post(
        f"/ho-so/{dossier.public_id}/danh-gia/",
        {"score": "5", "comment": "Cán bộ hướng dẫn tận tình"},
        follow=True,
    )
    second = citizen_client.post(
        f"/ho-so/{dossier.public_id}/danh-gia/", {"score": "1"}, follow=True
    )
    assert "Cảm ơn bạn đã đánh giá!" in first.content.decode()
    assert "Hồ sơ này đã được đánh giá" in second.content.decode()
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == (5, "Cán bộ hướng dẫn tận tình")


def test_rating_before_the_result_is_refused(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.IN_PROCESS)
    response = citizen_client.post(
        f"/ho-so/{dossier.public_id}/danh-gia/", {"score": "4"}, follow=True
    )
    assert "sau khi hồ sơ đã có kết quả" in response.content.decode()
    assert not Rating.objects.exists()


def test_rating_needs_a_score_between_1_and_5(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RETURNED)
    response = citizen_client.post(f"/ho-so/{dossier.public_id}/danh-gia/", {"score": "9"})
    assert "Vui lòng chọn mức độ hài lòng từ 1 đến 5." in response.content.decode()
    assert not Rating.objects.exists()


def test_the_dossier_page_offers_online_payment_until_the_fee_is_paid(
    citizen_client, citizen, make_dossier
):
    from motcua.payments.services import record_counter_payment

    dossier = make_dossier(citizen, Status.SUBMITTED)
    dossier.fee_vnd = 100_000
    dossier.save(update_fields=["fee_vnd"])
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Thanh toán ngay" in body and "100.000" in body
    assert f'action="/thanh-toan/{dossier.public_id}/bat-dau/"' in body

    payment = record_counter_payment(dossier, by=None)
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Thanh toán ngay" not in body
    assert payment.receipt_number in body and "Đã nộp tại bộ phận một cửa" in body


def test_a_free_dossier_says_so_and_offers_no_payment(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    dossier.fee_vnd = 0
    dossier.save(update_fields=["fee_vnd"])
    body = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "không phải nộp phí" in body and "Thanh toán ngay" not in body


def test_a_received_dossier_is_stopped_on_request_not_withdrawn(
    citizen_client, citizen, make_dossier
):
    # Decree 118/2025/NĐ-CP Art. 21: after receipt the applicant asks to stop.
    dossier = make_dossier(citizen, Status.IN_PROCESS)
    page = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Đề nghị dừng giải quyết" in page and "Rút hồ sơ" not in page
    # The old withdraw link leads to the stop page.
    response = citizen_client.post(f"/ho-so/{dossier.public_id}/rut/")
    assert response.status_code == 302 and response["Location"].endswith("/dung-giai-quyet/")
    url = f"/ho-so/{dossier.public_id}/dung-giai-quyet/"
    assert "Gửi đề nghị dừng giải quyết" in citizen_client.get(url).content.decode()
    # Without the reason and the confirmation nothing happens.
    refused = citizen_client.post(url, {"reason": ""}).content.decode()
    assert "Vui lòng ghi lý do" in refused and "Vui lòng xác nhận" in refused
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS
    done = citizen_client.post(
        url, {"reason": "Đã có giấy tờ khác thay thế", "confirm": "on"}, follow=True
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED and dossier.finished_at is not None
    body = done.content.decode()
    assert "đã được dừng giải quyết" in body and "Đã có giấy tờ khác thay thế" in body


def test_a_submitted_dossier_offers_withdraw_not_stop(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    page = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Rút hồ sơ" in page and "Đề nghị dừng giải quyết" not in page
    response = citizen_client.post(
        f"/ho-so/{dossier.public_id}/dung-giai-quyet/",
        {"reason": "x", "confirm": "on"},
        follow=True,
    )
    assert "không đề nghị dừng giải quyết được" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
