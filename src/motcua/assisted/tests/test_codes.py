"""The one-time code: wrong, expired, exhausted, rate-limited, stored hashed."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.assisted import services
from motcua.assisted.models import ConfirmationCode
from motcua.catalog.models import OnlineOnlyRule
from motcua.dossiers.models import Status
from motcua.notifications.models import Notification
from motcua.notifications.services import process_outbox
from motcua.portal import services as portal_services

from .conftest import PDF, PHONE, PID, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(person):
    return services.find_citizen(PID, by=None)


@pytest.fixture
def draft(agent, citizen, version, commune):
    """A complete draft an agent prepared (through the portal's services)."""
    dossier, _prefill = services.start_filing(
        agent=agent,
        for_agency=commune,
        citizen=citizen,
        version=version,
        agency=commune,
        key=str(uuid.uuid4()),
    )
    portal_services.save_form(dossier, form_data=form_data(), by=agent)
    for component in version.components.all():
        upload = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
        portal_services.attach_upload(dossier, upload, component_id=component.pk, by=agent)
    return dossier


def _code_of(dossier) -> str:
    sms = Notification.objects.filter(dossier_public_id=dossier.public_id).latest("pk")
    return re.search(r"\b(\d{6})\b", sms.body)[1]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_code_goes_to_the_registered_phone_and_is_kept_hashed(draft, agent):
    row = services.send_code(draft, by=agent)
    code = _code_of(draft)
    sms = Notification.objects.get(dossier_public_id=draft.public_id)
    assert sms.recipient == PHONE and sms.channel == "sms"
    assert row.phone_masked == "091****678"
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == dt.timedelta(minutes=10)


def test_the_citizen_is_found_with_name_birth_date_and_phone(citizen):
    assert (citizen.full_name, citizen.birth_date, citizen.phone) == (
        "Lê Thị Hoa",
        "1956-03-08",
        PHONE,
    )


def test_an_incomplete_draft_gets_no_code(agent, citizen, version, commune):
    dossier, _ = services.start_filing(
        agent=agent,
        for_agency=commune,
        citizen=citizen,
        version=version,
        agency=commune,
        key=str(uuid.uuid4()),
    )
    with pytest.raises(portal_services.SubmissionRefused):
        services.send_code(dossier, by=agent)
    assert not ConfirmationCode.objects.exists()


def test_a_wrong_code_counts_an_attempt_and_submits_nothing(draft, agent):
    services.send_code(draft, by=agent)
    with pytest.raises(services.AssistedError, match="Còn 4 lần nhập"):
        services.confirm_with_code(draft, _wrong(_code_of(draft)), by=agent)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert ConfirmationCode.objects.get().attempts == 1


def test_an_expired_code_is_refused(draft, agent):
    sent_at = timezone.now() - dt.timedelta(minutes=11)
    services.send_code(draft, by=agent, now=sent_at)
    with pytest.raises(services.AssistedError, match="hết hạn"):
        services.confirm_with_code(draft, _code_of(draft), by=agent)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_code_still_valid_at_nine_minutes_confirms(draft, agent):
    services.send_code(draft, by=agent, now=timezone.now() - dt.timedelta(minutes=9))
    submitted = services.confirm_with_code(draft, _code_of(draft), by=agent)
    assert submitted.status == Status.SUBMITTED


def test_five_wrong_codes_kill_the_code_then_a_new_code_confirms(draft, agent):
    services.send_code(draft, by=agent)
    code = _code_of(draft)
    for left in (4, 3, 2, 1):
        with pytest.raises(services.AssistedError, match=f"Còn {left} lần nhập"):
            services.confirm_with_code(draft, _wrong(code), by=agent)
    with pytest.raises(services.AssistedError, match="sai 5 lần"):
        services.confirm_with_code(draft, _wrong(code), by=agent)
    with pytest.raises(services.AssistedError, match="không dùng được nữa"):
        services.confirm_with_code(draft, code, by=agent)  # right, but too late
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    services.send_code(draft, by=agent)
    fresh = _code_of(draft)
    submitted = services.confirm_with_code(draft, fresh, by=agent)
    assert submitted.status == Status.SUBMITTED
    assert submitted.on_behalf_confirmation == "otp"


def test_only_the_latest_code_counts(draft, agent):
    services.send_code(draft, by=agent)
    first = _code_of(draft)
    services.send_code(draft, by=agent)
    second = _code_of(draft)
    if first != second:
        with pytest.raises(services.AssistedError):
            services.confirm_with_code(draft, first, by=agent)
    assert services.confirm_with_code(draft, second, by=agent).status == Status.SUBMITTED


def test_three_codes_per_fifteen_minutes(draft, agent):
    start = timezone.now() - dt.timedelta(minutes=14)
    for minutes in (0, 1, 2):
        services.send_code(draft, by=agent, now=start + dt.timedelta(minutes=minutes))
    with pytest.raises(services.AssistedError, match="Đã gửi 3 mã xác nhận trong 15 phút"):
        services.send_code(draft, by=agent)
    assert ConfirmationCode.objects.count() == 3
    # Once the first one leaves the window, one more may go.
    later = timezone.now() + dt.timedelta(minutes=1, seconds=30)
    services.send_code(draft, by=agent, now=later)
    assert ConfirmationCode.objects.count() == 4


def test_an_online_only_procedure_is_accepted_through_an_agent(draft, agent, version):
    OnlineOnlyRule.objects.create(procedure=version.procedure, valid_from=timezone.localdate())
    services.send_code(draft, by=agent)
    submitted = services.confirm_with_code(draft, _code_of(draft), by=agent)
    assert submitted.status == Status.SUBMITTED and submitted.channel == "online"


def test_an_agency_that_did_not_authorise_the_agent_is_refused(
    agent, citizen, version, commune, far_commune
):
    with pytest.raises(services.AssistedError, match="không được cơ quan này ủy quyền"):
        services.start_filing(
            agent=agent,
            for_agency=far_commune,
            citizen=citizen,
            version=version,
            agency=commune,
            key=str(uuid.uuid4()),
        )


def test_a_citizen_without_a_registered_phone_confirms_by_signing_in(
    agent, version, commune, person
):
    person.phone = ""
    person.save(update_fields=["phone"])
    citizen = services.find_citizen(PID, by=agent)
    assert citizen.phone == ""
    dossier, _ = services.start_filing(
        agent=agent,
        for_agency=commune,
        citizen=citizen,
        version=version,
        agency=commune,
        key=str(uuid.uuid4()),
    )
    portal_services.save_form(dossier, form_data=form_data(), by=agent)
    for component in version.components.all():
        upload = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
        portal_services.attach_upload(dossier, upload, component_id=component.pk, by=agent)
    with pytest.raises(services.AssistedError, match="chưa có số điện thoại"):
        services.send_code(dossier, by=agent)


def test_the_same_form_token_gives_the_same_draft(agent, citizen, version, commune):
    key = str(uuid.uuid4())
    kwargs = dict(agent=agent, for_agency=commune, citizen=citizen, version=version, agency=commune)
    first, _ = services.start_filing(key=key, **kwargs)
    again, _ = services.start_filing(key=key, **kwargs)
    assert first.pk == again.pk


LEVEL2 = "Thủ tục này yêu cầu định danh điện tử mức độ 2: công dân cần tự đăng nhập VNeID mức 2"


def test_a_level2_procedure_refuses_the_code_path(draft, agent, version):
    version.min_assurance = 2
    version.save(update_fields=["min_assurance"])
    with pytest.raises(services.AssistedError, match=LEVEL2):
        services.send_code(draft, by=agent)
    assert not Notification.objects.filter(dossier_public_id=draft.public_id).exists()
    with pytest.raises(services.AssistedError, match=LEVEL2):
        services.confirm_with_code(draft, "123456", by=agent)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_code_sent_before_the_procedure_required_level2_no_longer_confirms(draft, agent, version):
    services.send_code(draft, by=agent)
    version.min_assurance = 2
    version.save(update_fields=["min_assurance"])
    with pytest.raises(services.AssistedError, match=LEVEL2):
        services.confirm_with_code(draft, _code_of(draft), by=agent)


@pytest.mark.parametrize("level", [None, 1])
def test_a_level2_procedure_refuses_a_sign_in_below_level2(draft, agent, version, level):
    version.min_assurance = 2
    version.save(update_fields=["min_assurance"])
    with pytest.raises(
        services.AssistedError, match="yêu cầu tài khoản định danh điện tử mức độ 2"
    ):
        services.confirm_by_sign_in(draft, applicant=draft.applicant, by=agent, eid_level=level)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    submitted = services.confirm_by_sign_in(draft, applicant=draft.applicant, by=agent, eid_level=2)
    assert submitted.status == Status.SUBMITTED and submitted.identity_assurance == "eid_level2"


def _another_draft(agent, citizen, version, commune):
    dossier, _prefill = services.start_filing(
        agent=agent,
        for_agency=commune,
        citizen=citizen,
        version=version,
        agency=commune,
        key=str(uuid.uuid4()),
    )
    portal_services.save_form(dossier, form_data=form_data(), by=agent)
    for component in version.components.all():
        upload = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
        portal_services.attach_upload(dossier, upload, component_id=component.pk, by=agent)
    return dossier


def test_the_code_leaves_the_stored_sms_once_it_is_sent(draft, agent):
    services.send_code(draft, by=agent)
    sms = Notification.objects.get(dossier_public_id=draft.public_id)
    code = _code_of(draft)
    assert code in sms.body  # waiting in the outbox: the sender needs it
    assert process_outbox(now=timezone.now() + dt.timedelta(seconds=1)) == 1
    sms.refresh_from_db()
    assert sms.status == "sent" and code not in sms.body and ": ****** (hiệu lực" in sms.body
    assert sms.body_after_send == ""
    # The code was sent as it was (the SMS backend got the real text) and still confirms.
    assert services.confirm_with_code(draft, code, by=agent).status == Status.SUBMITTED


def test_five_codes_per_hour_to_one_phone(draft, agent, citizen, version, commune):
    second = _another_draft(agent, citizen, version, commune)
    for _ in range(3):
        services.send_code(draft, by=agent)
    services.send_code(second, by=agent)
    services.send_code(second, by=agent)
    with pytest.raises(services.AssistedError, match="đã nhận 5 mã xác nhận trong một giờ"):
        services.send_code(second, by=agent)
    assert ConfirmationCode.objects.count() == 5


def test_codes_per_hour_by_one_agent(draft, agent, monkeypatch):
    monkeypatch.setattr(services, "AGENT_RATE", "2/h")
    services.send_code(draft, by=agent)
    services.send_code(draft, by=agent)
    with pytest.raises(services.AssistedError, match="Bạn đã gửi quá 2 mã xác nhận trong một giờ"):
        services.send_code(draft, by=agent)
    assert ConfirmationCode.objects.count() == 2
