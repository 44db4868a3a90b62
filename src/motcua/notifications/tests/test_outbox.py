"""A dossier change writes the notifications the citizen should get, in its transaction."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone, translation

from motcua.agencies.models import Role
from motcua.dossiers import deadlines
from motcua.dossiers.models import Status
from motcua.dossiers.services import record_counter_dossier, record_fee_payment, transition
from motcua.notifications import messages
from motcua.notifications.models import Notification
from tests.factories import AgencyFactory, ApplicantFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_submitting_queues_one_email_and_one_sms_to_the_applicant(make_dossier):
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit")
    email, text = (
        Notification.objects.get(channel="email"),
        Notification.objects.get(channel="sms"),
    )
    assert Notification.objects.count() == 2
    assert (email.recipient, email.subject) == (
        "hoa@example.vn",
        f"Hồ sơ {dossier.code} đã được nộp thành công",
    )
    assert "Kính gửi Nguyễn Thị Hoa" in email.body and "Đăng ký khai sinh" in email.body
    assert text.recipient == "0912345678"
    assert text.body == (
        f"Hồ sơ {dossier.code} đã được nộp thành công, đang chờ cơ quan tiếp nhận."
    )
    assert {n.status for n in (email, text)} == {Notification.Status.PENDING}
    assert email.dossier_public_id == dossier.public_id and email.event == "submit"


def test_a_channel_without_an_address_is_skipped(make_dossier):
    dossier = make_dossier(Status.DRAFT, applicant=ApplicantFactory(email="", phone="0987654321"))
    transition(dossier, "submit")
    assert list(Notification.objects.values_list("channel", flat=True)) == ["sms"]


def test_an_applicant_without_any_address_gets_nothing(make_dossier):
    dossier = make_dossier(Status.DRAFT, applicant=ApplicantFactory(email="", phone=""))
    transition(dossier, "submit")
    assert not Notification.objects.exists()


def test_a_business_is_notified_at_its_representatives_address(make_dossier):
    representative = ApplicantFactory(email="daidien@example.vn", phone="0909000111")
    business = ApplicantFactory(
        kind="business", personal_id="", tax_code="0101234567", representative=representative
    )
    transition(make_dossier(Status.DRAFT, applicant=business), "submit")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        "daidien@example.vn",
        "0909000111",
    }


def test_the_notification_rolls_back_with_the_change(make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(dossier, "receive")
        assert Notification.objects.count() == 2
        raise RuntimeError("the request failed after the change")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert not Notification.objects.exists()


def test_reception_tells_the_due_date(make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    transition(dossier, "receive", by=officer)
    dossier.refresh_from_db()
    due = dossier.due_date.strftime("%d/%m/%Y")
    assert Notification.objects.get(channel="sms").body == (
        f"Hồ sơ {dossier.code} đã được tiếp nhận. Hẹn trả kết quả ngày {due}."
    )
    assert f"Ngày hẹn trả kết quả: {due}" in Notification.objects.get(channel="email").body


def test_a_dossier_recorded_at_the_counter_is_announced(applicant, version, agency, officer):
    dossier = record_counter_dossier(
        applicant=applicant, version=version, agency=agency, by=officer
    )
    assert Notification.objects.get(channel="email").subject == (
        f"Hồ sơ {dossier.code} đã được tiếp nhận"
    )


def test_a_supplement_request_tells_what_is_missing(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    transition(dossier, "request_supplement", by=officer, note="Thiếu bản sao giấy chứng sinh")
    text = Notification.objects.get(channel="sms").body
    assert text == (
        f"Hồ sơ {dossier.code} cần bổ sung: Thiếu bản sao giấy chứng sinh. "
        "Vui lòng bổ sung trên Cổng dịch vụ công."
    )
    email = Notification.objects.get(channel="email").body
    assert "Nội dung cần bổ sung: Thiếu bản sao giấy chứng sinh" in email


def test_a_refusal_tells_the_reason(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    transition(dossier, "refuse", by=officer, note="Người được khai sinh không cư trú tại xã")
    email = Notification.objects.get(channel="email")
    assert email.subject == f"Hồ sơ {dossier.code} bị từ chối giải quyết"
    assert "Lý do: Người được khai sinh không cư trú tại xã" in email.body


def test_a_transfer_names_the_new_agency_but_not_the_internal_note(make_dossier, officer):
    dossier = make_dossier(Status.IN_PROCESS)
    other = AgencyFactory(name="Sở Tư pháp tỉnh")
    transition(dossier, "transfer", by=officer, agency=other, note="Chuyển phòng hộ tịch xử lý")
    email = Notification.objects.get(channel="email")
    assert email.subject == f"Hồ sơ {dossier.code} được chuyển đến Sở Tư pháp tỉnh"
    assert "Chuyển phòng hộ tịch" not in email.body


def test_an_approved_apology_letter_tells_the_new_date_and_reason(make_dossier, agency):
    dossier = make_dossier(Status.IN_PROCESS, due_date=timezone.localdate())
    new_date = timezone.localdate() + dt.timedelta(days=10)
    letter = deadlines.draft_apology(dossier, reason="Phải xác minh thêm tại nơi cư trú cũ")
    leader = MembershipFactory(agency=agency, role=Role.LEADER).user
    deadlines.approve_apology(letter, by=leader, new_date=new_date)
    email = Notification.objects.get(channel="email", event="apology_sent")
    assert (
        email.subject
        == f"Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ {dossier.code}"
    )
    assert "Lý do: Phải xác minh thêm tại nơi cư trú cũ" in email.body
    assert f"Ngày hẹn trả kết quả mới: {new_date:%d/%m/%Y}." in email.body
    assert f"Ngày hẹn trả kết quả mới: {new_date:%d/%m/%Y}." in (
        Notification.objects.get(channel="sms", event="apology_sent").body
    )


def test_events_citizens_do_not_care_about_are_not_announced(make_dossier, officer):
    dossier = make_dossier(Status.RECEIVED)
    record_fee_payment(dossier, online=True, by=officer)
    assert not Notification.objects.exists()


def test_messages_are_vietnamese_whatever_the_officers_language(make_dossier, monkeypatch):
    from motcua.notifications import messages

    languages = []
    original = messages.render_to_string

    def spy(*args, **kwargs):
        languages.append(translation.get_language())
        return original(*args, **kwargs)

    monkeypatch.setattr(messages, "render_to_string", spy)
    dossier = make_dossier(Status.DRAFT)
    with translation.override("en"):
        transition(dossier, "submit", by=UserFactory())
    assert languages and set(languages) == {"vi"}
    assert Notification.objects.get(channel="email").subject.startswith("Hồ sơ ")


def test_a_disabled_channel_is_not_used(make_dossier, settings):
    settings.MOTCUA_NOTIFICATIONS_CHANNELS = ["email"]
    transition(make_dossier(Status.DRAFT), "submit")
    assert list(Notification.objects.values_list("channel", flat=True)) == ["email"]


@pytest.mark.parametrize("event", sorted(messages.MESSAGES))
def test_every_announced_event_has_an_email_and_a_short_sms(event, make_dossier):
    dossier = make_dossier(Status.IN_PROCESS, due_date=dt.date(2025, 3, 14))
    data = {
        "note": "Thiếu bản sao giấy chứng sinh có chứng thực của cơ sở y tế nơi sinh " * 3,
        "new_date": "2025-03-21",
        "reason": "Phải xác minh thêm",
        "last_day": "2025-03-20",
    }
    rendered = messages.render(dossier, event, data)
    assert dossier.code in rendered.subject and dossier.code in rendered.sms
    assert rendered.email.startswith("Kính gửi Nguyễn Thị Hoa,")
    assert "{{" not in rendered.email + rendered.sms and "&#" not in rendered.email
    assert len(rendered.sms) <= 160, rendered.sms
