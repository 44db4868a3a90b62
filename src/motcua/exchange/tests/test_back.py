"""The province side: a dossier filed on the national portal becomes a local online
dossier; what the citizen does there is applied here; every change here goes back, in
order, and nothing applied from the portal is sent back to it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.agencies.models import Role
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Attachment, Channel, Dossier, Status
from motcua.exchange import handlers
from motcua.exchange.messages import InvalidMessage
from motcua.exchange.models import InMessage, Link, OutMessage
from motcua.results import services as result_services
from tests.factories import officer_user

from .conftest import PNG

pytestmark = pytest.mark.django_db

PID = "001190000123"
SUBMITTED_AT = dt.datetime(2026, 11, 23, 9, 15, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _province(settings):
    settings.MOTCUA_EXCHANGE_ROLE = "province"


_seq = {"n": 0}


def receive(peer, type_, body, *, link=None, seq=None):
    """What the transport does on arrival: store the message, then apply it."""
    _seq["n"] += 1
    message = InMessage.objects.create(
        message_id=uuid.uuid4(),
        peer=peer,
        link=link,
        type=type_,
        seq=seq or _seq["n"],
        body={"v": 1, **body},
        received_at=timezone.now(),
    )
    ack = handlers.apply(message)
    message.applied_at = timezone.now()
    message.save(update_fields=["applied_at"])
    return message, ack


def filed_body(files, front_id=None, **overrides):
    body = {
        "front_id": str(front_id or uuid.uuid4()),
        "code": "000.00.12.H05-261123-010007",
        "procedure": {"code": "1.001193", "version": 1},
        "agency": {"code": "BN.STP", "identifier": "000.00.12.H05"},
        "submitted_at": SUBMITTED_AT.isoformat(),
        "applicant": {
            "kind": "person",
            "personal_id": PID,
            "tax_code": "",
            "name": "Nguyễn Thị Hoa",
            "birth_date": "1990-05-01",
            "address": "Số 1 Lý Thái Tổ, Bắc Ninh",
            "phone": "0912345678",
            "email": "hoa@example.vn",
        },
        "form_data": {"full_name": "Nguyễn Thị Hoa", "birth_date": "1990-05-01"},
        "prefill_sources": {"full_name": "dan_cu"},
        "identity_assurance": "eid_level2",
        "reused_data": False,
        "attachments": [
            {
                "sha256": files.add(PNG),
                "name": "giay-chung-sinh.png",
                "content_type": "image/png",
                "size": len(PNG),
                "kind": "component",
                "component": 2,
                "source": "upload",
                "digitised": False,
            }
        ],
        "fee_vnd": 5000,
        "result_delivery": "electronic",
        "delivery_address": {},
    }
    body.update(overrides)
    return body


@pytest.fixture
def filed(national_peer, version, files):
    body = filed_body(files)
    message, ack = receive(national_peer, "dossier.filed", body)
    dossier = Dossier.objects.get(public_id=ack["dossier_id"])
    return dossier, message, body


def sent(dossier):
    return list(OutMessage.objects.filter(link__dossier=dossier).order_by("seq"))


def test_a_filed_dossier_becomes_a_local_online_dossier_with_the_national_code(
    filed, national_peer, files
):
    dossier, message, body = filed
    assert dossier.code == body["code"]
    assert dossier.channel == Channel.ONLINE and dossier.status == Status.SUBMITTED
    assert dossier.submitted_at == SUBMITTED_AT
    assert dossier.agency.code == "BN.STP"
    assert dossier.procedure_version.procedure.code == "1.001193"
    assert dossier.form_data == body["form_data"]
    assert dossier.prefill_sources == {"full_name": "dan_cu"}
    assert dossier.identity_assurance == "eid_level2"
    assert dossier.result_delivery == "electronic"
    assert dossier.fee_vnd == 5000  # the portal's frozen fee, not recomputed
    applicant = Applicant.objects.get(personal_id=PID)
    assert dossier.applicant == applicant and applicant.phone == "0912345678"
    (attachment,) = dossier.attachments.all()
    assert attachment.sha256 == body["attachments"][0]["sha256"]
    assert attachment.component.position == 2 and attachment.kind == Attachment.Kind.COMPONENT
    link = Link.objects.get(dossier=dossier)
    assert link.side == Link.Side.BACK and str(link.remote_id) == body["front_id"]
    assert link.last_in_seq == message.seq
    message.refresh_from_db()
    assert message.link == link
    # The submission is in the history as the citizen's, at the portal's moment; the
    # dossier waits for the desk with the 8-working-hour intake limit.
    change = dossier.history.get()
    assert (change.action, change.actor, change.at) == ("submit", None, SUBMITTED_AT)
    assert dossier.intake_due_at is not None
    assert sent(dossier) == []  # nothing echoed back


def test_the_same_hand_over_twice_gives_the_same_dossier_and_fetches_nothing_again(
    filed, national_peer, files
):
    dossier, _message, body = filed
    fetched = len(files.fetched)
    _again, ack = receive(national_peer, "dossier.filed", body)
    assert ack == {"dossier_id": str(dossier.public_id), "code": dossier.code}
    assert Dossier.objects.count() == 1 and len(files.fetched) == fetched


def test_a_bad_body_is_refused_for_good(national_peer, version, files):
    body = filed_body(files, procedure={"code": "KHONG.CO", "version": 1})
    with pytest.raises(InvalidMessage) as refused:
        receive(national_peer, "dossier.filed", body)
    assert refused.value.code == "unknown_procedure"
    with pytest.raises(InvalidMessage) as unknown:
        receive(national_peer, "dossier.unknown", {})
    assert unknown.value.code == "unknown_type"
    assert not Dossier.objects.exists()


def test_changes_here_go_back_in_order_and_the_portals_go_nowhere(
    filed, national_peer, province_agency, files
):
    dossier, _message, body = filed
    link = Link.objects.get(dossier=dossier)
    desk = officer_user(province_agency, Role.DESK_OFFICER)
    dossier_services.transition(dossier, "receive", by=desk)
    dossier_services.request_supplement(
        dossier,
        by=desk,
        items=[
            {
                "component": dossier.procedure_version.components.get(position=2).pk,
                "reason": "Ảnh chụp bị mờ",
            }
        ],
        note="Đề nghị bổ sung bản chụp rõ nét",
    )
    # The citizen answers on the portal: a new file and a corrected answer.
    new_file = PNG + b"\x01"
    corrected = {**body["form_data"], "birth_date": "1990-05-02"}
    receive(
        national_peer,
        "dossier.supplement_provided",
        {
            "at": timezone.now().isoformat(),
            "note": "Đã bổ sung",
            "form_data": corrected,
            "attachments": [
                {
                    "sha256": files.add(new_file),
                    "name": "giay-chung-sinh-ro.png",
                    "content_type": "image/png",
                    "size": len(new_file),
                    "kind": "supplement",
                    "component": 2,
                }
            ],
        },
        link=link,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS
    assert dossier.form_data == corrected
    supplement = dossier.attachments.get(kind=Attachment.Kind.SUPPLEMENT)
    assert supplement.component.position == 2
    receive(
        national_peer,
        "dossier.paid",
        {
            "paid_at": "2026-11-23T10:00:00+00:00",
            "amount_vnd": 5000,
            "online": True,
            "gateway": "vnpay",
            "reference": "MC123",
        },
        link=link,
    )
    dossier.refresh_from_db()
    assert dossier.fee_paid_at == dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
    dossier_services.transition(dossier, "refuse", by=desk, note="Không đủ điều kiện")

    messages = sent(dossier)
    assert [(m.seq, m.type, m.body.get("action")) for m in messages] == [
        (1, "dossier.status", "receive"),
        (2, "dossier.supplement_requested", "request_supplement"),
        (3, "dossier.status", "refuse"),
    ]
    receive_body, request_body, refuse_body = (m.body for m in messages)
    assert receive_body["front_id"] == body["front_id"]
    assert receive_body["back_id"] == str(dossier.public_id)
    assert receive_body["due_date"] is not None and receive_body["note"] == ""
    assert request_body["items"] == [
        {"component": 2, "label": "Giấy chứng sinh", "reason": "Ảnh chụp bị mờ"}
    ]
    assert request_body["note"] == "Đề nghị bổ sung bản chụp rõ nét"
    assert request_body["supplement_due_date"] and request_body["at_intake"] is False
    assert refuse_body["to"] == Status.REFUSED and refuse_body["note"] == "Không đủ điều kiện"


def test_the_signed_result_goes_back_with_its_record(filed, province_agency):
    dossier, _message, _body = filed
    leader = officer_user(province_agency, Role.LEADER)
    for action in ("receive", "start_processing", "forward"):
        dossier_services.transition(dossier, action)
    dossier_services.transition(dossier, "approve", by=leader)
    result_services.preview_result(dossier, by=leader)
    result_services.issue_result(dossier, by=leader)
    message = sent(dossier)[-1]
    # An electronic-only result is returned at once: the status after the result.
    result = next(m for m in sent(dossier) if m.type == "dossier.result")
    assert result.body["action"] == "issue_result"
    (described,) = result.body["attachments"]
    (document,) = result.body["documents"]
    stored = dossier.attachments.get(kind=Attachment.Kind.RESULT)
    assert described["sha256"] == document["sha256"] == stored.sha256
    record = stored.result_document
    assert document["token"] == record.token and document["number"] == record.number
    assert "BEGIN CERTIFICATE" in document["certificate_pem"]
    assert "BEGIN CERTIFICATE" in document["ca_pem"]
    assert message.body["action"] == "return_result" and message.seq == result.seq + 1


def test_stop_and_withdrawal_asked_on_the_portal_apply_here(national_peer, version, files):
    _m, ack = receive(national_peer, "dossier.filed", filed_body(files, code="A-1"))
    first = Dossier.objects.get(public_id=ack["dossier_id"])
    receive(
        national_peer,
        "dossier.withdrawn",
        {"at": timezone.now().isoformat(), "reason": "Nộp nhầm thủ tục"},
        link=first.exchange_link,
    )
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN
    assert first.history.get(action="withdraw").note == "Nộp nhầm thủ tục"

    _m, ack = receive(national_peer, "dossier.filed", filed_body(files, code="A-2"))
    second = Dossier.objects.get(public_id=ack["dossier_id"])
    dossier_services.transition(second, "receive")
    _m, ack = receive(
        national_peer,
        "dossier.stop_requested",
        {"at": timezone.now().isoformat(), "reason": "Không còn nhu cầu"},
        link=second.exchange_link,
    )
    second.refresh_from_db()
    assert second.status == Status.STOPPED and ack["applied"] is True
    # A withdrawal that comes too late (received meanwhile) is a reported conflict.
    _m, ack = receive(
        national_peer,
        "dossier.withdrawn",
        {"at": timezone.now().isoformat(), "reason": "Muộn"},
        link=second.exchange_link,
    )
    assert ack["applied"] is False and ack["conflict"] == "illegal_transition"
    assert [m.body["action"] for m in sent(second)] == ["receive"]  # stop not echoed


def test_the_body_the_portal_writes_is_the_body_read_here(national_peer, version, files):
    """``front.filed_body`` (the portal's producer) read by ``back.apply_filed``: the
    national copy is made here on a stand-in agency, its body re-addressed to BN.STP."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.files import add_attachment
    from motcua.exchange import front
    from tests.factories import AgencyFactory, ApplicantFactory

    elsewhere = AgencyFactory(code="QG.STP", home_instance="BN")
    version.agencies.add(elsewhere)
    portal_copy = dossier_services.create_draft(
        applicant=ApplicantFactory(personal_id="001190009999", name="Lê Văn Minh"),
        version=version,
        agency=elsewhere,
        form_data={"full_name": "Lê Văn Minh"},
    )
    attachment = add_attachment(
        portal_copy,
        SimpleUploadedFile("to-khai.png", PNG + b"\x09", content_type="image/png"),
        kind=Attachment.Kind.COMPONENT,
        component=version.components.get(position=1),
    )
    files.add(attachment.file.read())
    Dossier.objects.filter(pk=portal_copy.pk).update(
        code="QG-1", submitted_at=SUBMITTED_AT, fee_vnd=5000
    )
    portal_copy.refresh_from_db()
    body = front.filed_body(portal_copy)
    body.update(code="000.00.12.H05-261123-010099", agency={"code": "BN.STP", "identifier": ""})
    _m, ack = receive(national_peer, "dossier.filed", body)
    here = Dossier.objects.get(public_id=ack["dossier_id"])
    assert here.applicant.personal_id == "001190009999" and here.applicant.name == "Lê Văn Minh"
    assert here.form_data == {"full_name": "Lê Văn Minh"} and here.fee_vnd == 5000
    assert here.submitted_at == SUBMITTED_AT
    (copied,) = here.attachments.all()
    assert copied.sha256 == attachment.sha256 and copied.component.position == 1


def test_a_fee_paid_at_the_desk_here_goes_to_the_portal(filed, province_agency):
    from motcua.payments import services as payment_services

    dossier, _message, body = filed
    desk = officer_user(province_agency, Role.DESK_OFFICER)
    dossier_services.transition(dossier, "receive", by=desk)
    payment_services.record_counter_payment(dossier, by=desk)
    paid = sent(dossier)[-1]
    assert paid.type == "dossier.paid" and paid.body["front_id"] == body["front_id"]
    assert paid.body["online"] is False and paid.body["amount_vnd"] == 5000
    assert paid.body["receipt_number"]


def test_the_submission_event_carries_the_portals_frozen_fee(national_peer, version, files):
    from motcua.dossiers.signals import dossier_event

    seen = []

    def listen(sender, dossier, event, **kwargs):
        if event == "submit":
            seen.append(dossier.fee_vnd)

    dossier_event.connect(listen, weak=False)
    try:
        receive(national_peer, "dossier.filed", filed_body(files, fee_vnd=4321))
    finally:
        dossier_event.disconnect(listen)
    assert seen == [4321]


def test_a_message_going_the_wrong_way_is_refused(national_peer, province_peer, version, files):
    # A province may not file a dossier here, nor the portal send a province's status.
    with pytest.raises(InvalidMessage) as from_province:
        receive(province_peer, "dossier.filed", filed_body(files))
    assert from_province.value.code == "wrong_direction"
    with pytest.raises(InvalidMessage) as backwards:
        receive(national_peer, "dossier.status", {"front_id": str(uuid.uuid4())})
    assert backwards.value.code == "wrong_direction"
    assert not Dossier.objects.exists()


def test_a_dossier_filed_for_an_agency_settled_elsewhere_is_refused(
    national_peer, version, files, province_agency
):
    province_agency.home_instance = "HNI"
    province_agency.save(update_fields=["home_instance"])
    with pytest.raises(InvalidMessage) as refused:
        receive(national_peer, "dossier.filed", filed_body(files))
    assert refused.value.code == "unknown_agency"
    assert not Dossier.objects.exists()


def test_a_national_instance_applies_no_national_to_province_message(
    settings, national_peer, version, files
):
    settings.MOTCUA_EXCHANGE_ROLE = "national"
    with pytest.raises(InvalidMessage) as refused:
        receive(national_peer, "dossier.filed", filed_body(files))
    assert refused.value.code == "wrong_direction"


def test_a_filed_dossier_with_a_code_already_used_here_is_refused(
    national_peer, version, files, make_local_dossier
):
    make_local_dossier(code="000.00.12.H05-261123-010007")
    with pytest.raises(InvalidMessage) as refused:
        receive(national_peer, "dossier.filed", filed_body(files))
    assert refused.value.code == "duplicate_code"
    assert not Link.objects.exists()


@pytest.fixture
def make_local_dossier(version, province_agency):
    from tests.factories import ApplicantFactory, dossier_in_status

    def make(**fields):
        return dossier_in_status(
            "submitted",
            applicant=ApplicantFactory(),
            procedure_version=version,
            agency=province_agency,
            **fields,
        )

    return make


def test_the_citizen_is_told_once_by_the_side_that_made_the_change(
    national_peer, version, files, province_agency
):
    from motcua.notifications.models import Notification

    body = filed_body(files)
    _message, ack = receive(national_peer, "dossier.filed", body)
    dossier = Dossier.objects.get(public_id=ack["dossier_id"])
    # The portal told the citizen of the filing; the copy here sends nothing.
    assert not Notification.objects.filter(dossier_public_id=dossier.public_id).exists()
    desk = officer_user(province_agency, Role.DESK_OFFICER)
    dossier_services.transition(dossier, "receive", by=desk)
    # A change made here is told from here: e-mail and SMS, once each.
    told = Notification.objects.filter(dossier_public_id=dossier.public_id)
    assert sorted(told.values_list("event", "channel")) == [
        ("receive", "email"),
        ("receive", "sms"),
    ]
