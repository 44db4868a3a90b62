"""PAKN services: routing, deadline, contact rules, files, answer and publish, rating."""

import datetime as dt
import unicodedata

import pytest
from django.utils import timezone

from motcua.audit.models import AuditRecord
from motcua.feedback import services
from motcua.feedback.exceptions import FeedbackError
from motcua.feedback.masking import anonymise
from motcua.feedback.models import Feedback, Kind, Status, Subject
from motcua.notifications.models import Notification
from motcua.workdays.calendar import add_working_days

from .conftest import EXE, pdf

pytestmark = pytest.mark.django_db


def _anonymous(**extra):
    fields = dict(
        kind=Kind.FEEDBACK,
        subject=Subject.AGENCY,
        title="Cán bộ hẹn lại nhiều lần",
        content="Tôi đến nộp hồ sơ ba lần đều bị hẹn lại.",
        contact_name="Lê Thị Hoa",
        contact_phone="0912345678",
    )
    fields.update(extra)
    return services.file_feedback(**fields)


def test_anonymous_feedback_needs_a_phone_or_an_email(ward):
    with pytest.raises(FeedbackError) as refused:
        _anonymous(agency=ward, contact_phone="", contact_email="")
    assert refused.value.code == "contact_required"
    with pytest.raises(FeedbackError):
        _anonymous(agency=ward, contact_name="", contact_phone="0912345678")
    assert not Feedback.objects.exists()
    feedback = _anonymous(agency=ward, contact_phone="", contact_email="hoa@example.vn")
    assert feedback.applicant is None and feedback.contact_email == "hoa@example.vn"


def test_code_secret_and_deadline_in_working_days(ward, settings):
    settings.MOTCUA_PAKN_DAYS = 7
    first = _anonymous(agency=ward)
    second = _anonymous(agency=ward)
    today = timezone.localdate(first.received_at)
    assert first.code == f"PAKN-{today:%y%m%d}-0001"
    assert second.code == f"PAKN-{today:%y%m%d}-0002"
    assert len(first.lookup_secret) == 12 and first.lookup_secret != second.lookup_secret
    assert first.due_date == add_working_days(today, 7)
    assert first.status == Status.RECEIVED
    audit = AuditRecord.objects.filter(action="feedback.file").last()
    assert audit.data["code"] == second.code and audit.data["anonymous"] is True


def test_signed_in_feedback_uses_the_applicant_contact(person, dossier, ward):
    person.phone = "0987654321"
    person.save()
    feedback = services.file_feedback(
        kind=Kind.FEEDBACK,
        subject=Subject.DOSSIER,
        title="Hồ sơ chậm",
        content="Đã quá hẹn.",
        dossier=dossier,
        applicant=person,
    )
    assert feedback.contact_name == person.name
    assert feedback.contact_phone == "0987654321"
    assert feedback.procedure == dossier.procedure_version.procedure


def test_routing_dossier_procedure_agency(dossier, ward, other_ward, version, shared_version):
    assert services.responsible_agency(Subject.DOSSIER, dossier=dossier) == ward
    assert services.responsible_agency(Subject.PROCEDURE, procedure=version.procedure) == ward
    with pytest.raises(FeedbackError) as several:
        services.responsible_agency(Subject.PROCEDURE, procedure=shared_version.procedure)
    assert several.value.code == "agency_required"
    chosen = services.responsible_agency(
        Subject.PROCEDURE, procedure=shared_version.procedure, agency=other_ward
    )
    assert chosen == other_ward
    # An agency that does not handle the procedure is not where it goes.
    assert (
        services.responsible_agency(
            Subject.PROCEDURE, procedure=version.procedure, agency=other_ward
        )
        == ward
    )
    assert services.responsible_agency(Subject.AGENCY, agency=other_ward) == other_ward
    with pytest.raises(FeedbackError):
        services.responsible_agency(Subject.AGENCY)


def test_attachments_go_through_the_upload_check(ward):
    with pytest.raises(FeedbackError) as refused:
        _anonymous(agency=ward, uploads=[pdf("chuong-trinh.pdf", EXE)])
    assert refused.value.code == "file_type"
    assert not Feedback.objects.exists()
    feedback = _anonymous(agency=ward, uploads=[pdf()])
    stored = feedback.attachments.get()
    assert stored.content_type == "application/pdf" and stored.original_name == "anh-chup.pdf"
    assert stored.file.read().startswith(b"%PDF")


def test_answer_publish_masks_personal_data_and_notifies(ward, desk):
    feedback = _anonymous(
        agency=ward,
        contact_email="hoa@example.vn",
        content=(
            "Tôi là Lê Thị Hoa, CCCD 001190012345, điện thoại 0912 345 678, "
            "thư hoa@example.vn; hồ sơ bị hẹn lại."
        ),
    )
    answered = services.answer_feedback(
        feedback,
        text="Đã nhắc nhở cán bộ; liên hệ chị Lê Thị Hoa qua số 0912345678.",
        by=desk,
        publish=True,
        uploads=[pdf("cong-van.pdf")],
    )
    assert answered.status == Status.ANSWERED and answered.is_published
    question = answered.published_question
    assert "001190012345" not in question and "********2345" in question
    assert "0912 345 678" not in question and "hoa@example.vn" not in question
    assert "Lê Thị Hoa" not in question and "[người gửi]" in question
    assert "0912345678" not in answered.published_answer
    assert "Lê Thị Hoa" not in answered.published_answer
    assert answered.attachments.filter(part="answer").count() == 1
    notes = Notification.objects.filter(event="pakn_answered")
    assert {n.recipient for n in notes} == {"hoa@example.vn", "0912345678"}
    assert all(n.dossier_code == feedback.code for n in notes)
    assert AuditRecord.objects.filter(action="feedback.answer").count() == 1
    with pytest.raises(FeedbackError):
        services.answer_feedback(answered, text="Lần hai", by=desk)


def test_publish_later_and_not_before_the_answer(ward, desk):
    feedback = _anonymous(agency=ward)
    with pytest.raises(FeedbackError):
        services.publish_feedback(feedback, by=desk)
    services.answer_feedback(feedback, text="Đã xử lý.", by=desk)
    published = services.publish_feedback(feedback, by=desk)
    assert published.published_answer == "Đã xử lý."
    with pytest.raises(FeedbackError):
        services.publish_feedback(published, by=desk)


def test_rating_once_and_only_after_the_answer(ward, desk):
    feedback = _anonymous(agency=ward)
    with pytest.raises(FeedbackError):
        services.rate_feedback(feedback, satisfied=True)
    services.answer_feedback(feedback, text="Đã xử lý.", by=desk)
    rated = services.rate_feedback(feedback, satisfied=False)
    assert rated.satisfied is False and rated.rated_at is not None
    with pytest.raises(FeedbackError) as again:
        services.rate_feedback(feedback, satisfied=True)
    assert again.value.code == "already_rated"
    feedback.refresh_from_db()
    assert feedback.satisfied is False


def test_reassign_keeps_the_deadline_and_is_audited(ward, other_ward, desk):
    feedback = _anonymous(agency=ward)
    moved = services.reassign_feedback(feedback, agency=other_ward, by=desk, note="Thẩm quyền")
    assert moved.agency == other_ward and moved.due_date == feedback.due_date
    record = AuditRecord.objects.get(action="feedback.reassign")
    assert record.data["from"] == "PX" and record.data["to"] == "PY"
    with pytest.raises(FeedbackError):
        services.reassign_feedback(moved, agency=other_ward, by=desk, note="Lại")


def test_anonymise_leaves_other_text_alone():
    text = "Hồ sơ PX-260302-0001 nộp ngày 02/03/2026, phí 50.000 đồng."
    assert anonymise(text) == text
    assert anonymise("Gọi +84 912 345 678") == "Gọi [số điện thoại đã ẩn]"
    assert anonymise("CMND 123456789") == "CMND *****6789"


def test_due_date_counts_working_days_only(ward, settings):
    settings.MOTCUA_PAKN_DAYS = 1
    friday = timezone.make_aware(dt.datetime(2026, 3, 6, 10))
    assert services.due_date_for(friday) == dt.date(2026, 3, 9)


NAMES = ["Nguyễn Văn An"]
ADDRESS = ["12 Lý Thái Tổ, Phường Võ Cường, Tỉnh Bắc Ninh"]


def test_anonymise_matches_a_name_typed_in_nfd():
    text = unicodedata.normalize("NFD", "Tôi là Nguyễn Văn An, hồ sơ bị chậm.")
    assert anonymise(text, NAMES) == "Tôi là [người gửi], hồ sơ bị chậm."
    # And a name given in NFD matches a text in NFC.
    nfd_name = [unicodedata.normalize("NFD", NAMES[0])]
    assert anonymise("Tôi là Nguyễn Văn An.", nfd_name) == "Tôi là [người gửi]."


def test_anonymise_matches_a_name_without_diacritics_or_case():
    assert anonymise("Nguyen Van An gui phan anh", NAMES) == "[người gửi] gui phan anh"
    assert anonymise("NGUYỄN VĂN AN", NAMES) == "[người gửi]"


@pytest.mark.parametrize("honorific", ["ông", "bà", "anh", "chị", "em", "cô", "chú", "Ông"])
def test_anonymise_masks_the_given_name_after_an_honorific(honorific):
    assert anonymise(f"Đề nghị {honorific} An bổ sung.", NAMES) == (
        f"Đề nghị {honorific} [người gửi] bổ sung."
    )


def test_anonymise_leaves_the_given_name_as_an_ordinary_word():
    assert anonymise("Bà an tâm chờ kết quả.", NAMES) == "Bà an tâm chờ kết quả."
    assert anonymise("An toàn giao thông.", NAMES) == "An toàn giao thông."


def test_anonymise_masks_the_address_and_its_street():
    text = "Nhà tôi ở 12 Lý Thái Tổ, Phường Võ Cường, Tỉnh Bắc Ninh; ngõ 12 Ly Thai To ngập."
    masked = anonymise(text, NAMES, ADDRESS)
    assert masked == "Nhà tôi ở [địa chỉ đã ẩn]; ngõ [địa chỉ đã ẩn] ngập."
    # The commune alone is no personal data.
    assert anonymise("Phường Võ Cường", NAMES, ADDRESS) == "Phường Võ Cường"


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("001 090 012 345", "********2345"),
        ("001.090.012.345", "********2345"),
        ("001-090-012-345", "********2345"),
        ("123 456 789", "*****6789"),
    ],
)
def test_anonymise_masks_an_id_written_in_digit_groups(written, masked):
    assert anonymise(f"Số CCCD {written}.") == f"Số CCCD {masked}."


def test_anonymise_leaves_amounts_dates_and_short_groups_alone():
    text = "Phí 1.500.000.000 đồng, ngày 2024-03-02, mã 12 345."
    assert anonymise(text) == text


def test_publishing_masks_the_contact_address(ward, desk):
    feedback = _anonymous(
        agency=ward,
        contact_name="Nguyễn Văn An",
        contact_address="12 Lý Thái Tổ, Phường Võ Cường",
        content=unicodedata.normalize("NFD", "Ông An ở 12 Lý Thái Tổ phản ánh."),
    )
    answered = services.answer_feedback(feedback, text="Đã trả lời ông An.", by=desk, publish=True)
    assert answered.published_question == "Ông [người gửi] ở [địa chỉ đã ẩn] phản ánh."
    assert answered.published_answer == "Đã trả lời ông [người gửi]."
