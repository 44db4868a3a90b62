"""The national side: a dossier filed for an agency a province settles is handed over in
the submission's transaction; the province's messages move the national copy through
the state machine with history; the citizen's actions go to the province; the province's
signed result downloads and verifies on the portal."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.agencies.models import Agency, Role
from motcua.dossiers import services as dossier_services
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import ApologyLetter, Attachment, Dossier, Status, SupplementRequest
from motcua.exchange import handlers
from motcua.exchange.messages import InvalidMessage
from motcua.exchange.models import InMessage, Link, OutMessage
from motcua.exchange.public import remote_state
from motcua.portal import services as portal_services
from motcua.results import services as result_services
from motcua.results.models import AgencyCertificate, CertificateAuthority, ResultDocument
from motcua.results.remote import authority_pems, trust_authorities
from motcua.results.verify import verify_pdf
from tests.factories import AgencyFactory, ApplicantFactory, UserFactory, officer_user

from .conftest import PNG

pytestmark = pytest.mark.django_db

PID = "001190000123"


@pytest.fixture(autouse=True)
def _national(settings):
    settings.MOTCUA_EXCHANGE_ROLE = "national"


@pytest.fixture
def remote_agency(province_agency, province_peer):
    """The province's department as the portal knows it after a catalogue pull."""
    Agency.objects.filter(code__in=["BN", "BN.STP"]).update(home_instance="BN")
    province_agency.refresh_from_db()
    return province_agency


@pytest.fixture
def citizen():
    user = UserFactory(username="congdan", full_name="Nguyễn Thị Hoa", personal_id=PID)
    ApplicantFactory(user=user, name="Nguyễn Thị Hoa", personal_id=PID)
    return user


@pytest.fixture
def submitted(remote_agency, version, citizen):
    applicant = citizen.applicants.get()
    dossier = dossier_services.create_draft(
        applicant=applicant,
        version=version,
        agency=remote_agency,
        form_data={"full_name": "Nguyễn Thị Hoa", "birth_date": "1990-05-01"},
    )
    add_attachment(
        dossier,
        SimpleUploadedFile("giay-chung-sinh.png", PNG, content_type="image/png"),
        kind=Attachment.Kind.COMPONENT,
        component=version.components.get(position=2),
        by=citizen,
    )
    return dossier_services.transition(dossier, "submit", by=citizen)


_seq = {"n": 0}


def from_province(peer, link, type_, body):
    _seq["n"] += 1
    message = InMessage.objects.create(
        message_id=uuid.uuid4(),
        peer=peer,
        link=link,
        type=type_,
        seq=_seq["n"],
        body={"v": 1, "front_id": str(link.dossier.public_id), **body},
        received_at=timezone.now(),
    )
    return handlers.apply(message)


def status(action, **extra):
    return {"action": action, "at": timezone.now().isoformat(), "note": "", **extra}


def out(dossier):
    return list(OutMessage.objects.filter(link__dossier=dossier).order_by("seq"))


def test_submitting_for_a_province_agency_hands_the_dossier_over(submitted, province_peer):
    (message,) = out(submitted)
    link = Link.objects.get(dossier=submitted)
    assert (link.side, link.peer, link.remote_id) == (Link.Side.FRONT, province_peer, None)
    assert (message.type, message.seq, message.peer) == ("dossier.filed", 1, province_peer)
    body = message.body
    assert body["front_id"] == str(submitted.public_id)
    assert body["code"] == submitted.code and body["code"]
    assert body["procedure"] == {"code": "1.001193", "version": 1}
    assert body["agency"] == {"code": "BN.STP", "identifier": "000.00.12.H05"}
    assert body["applicant"]["personal_id"] == PID
    assert body["applicant"]["name"] == "Nguyễn Thị Hoa"
    assert body["form_data"] == submitted.form_data
    assert body["fee_vnd"] == submitted.fee_vnd
    assert body["submitted_at"] == submitted.submitted_at.isoformat()
    (described,) = body["attachments"]
    stored = submitted.attachments.get()
    assert (described["sha256"], described["component"]) == (stored.sha256, 2)
    assert remote_state(submitted).state == "sending"


def test_a_dossier_settled_here_sends_nothing(version, citizen):
    local = AgencyFactory(code="HN.STP", name="Sở Tư pháp Hà Nội")
    version.agencies.add(local)
    dossier = dossier_services.create_draft(
        applicant=citizen.applicants.get(), version=version, agency=local
    )
    dossier_services.transition(dossier, "submit", by=citizen)
    assert not OutMessage.objects.exists() and not Link.objects.exists()
    assert remote_state(dossier) is None


def test_the_provinces_changes_move_the_copy_through_the_workflow(submitted, province_peer):
    link = Link.objects.get(dossier=submitted)
    back_id = str(uuid.uuid4())
    ack = from_province(
        province_peer,
        link,
        "dossier.status",
        status("receive", due_date="2026-12-01", back_id=back_id),
    )
    assert ack == {"applied": True, "status": Status.RECEIVED}
    link.refresh_from_db()
    assert str(link.remote_id) == back_id  # learnt even without the filed ack
    submitted.refresh_from_db()
    assert submitted.due_date == dt.date(2026, 12, 1)  # the province's date, not ours
    from_province(province_peer, link, "dossier.status", status("start_processing"))
    from_province(province_peer, link, "dossier.status", status("give_opinion", note="nội bộ"))
    from_province(
        province_peer,
        link,
        "dossier.supplement_requested",
        status(
            "request_supplement",
            note="Đề nghị bổ sung",
            items=[{"component": 2, "label": "Giấy chứng sinh", "reason": "Ảnh mờ"}],
        ),
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.WAITING_SUPPLEMENT
    request = SupplementRequest.objects.get(dossier=submitted)
    component = submitted.procedure_version.components.get(position=2)
    assert request.items == [
        {"component": component.pk, "label": component.name, "reason": "Ảnh mờ"}
    ]
    history = list(submitted.history.order_by("at", "pk").values_list("action", "actor"))
    assert [a for a, _ in history] == [
        "submit",
        "receive",
        "start_processing",
        "give_opinion",
        "request_supplement",
    ]
    assert all(actor is None for action, actor in history if action != "submit")
    assert len(out(submitted)) == 1  # nothing echoed back to the province
    assert remote_state(submitted).state == "in_sync"

    # The citizen answers on the portal (its own pages): the province is told.
    portal_services.answer_supplement(
        submitted,
        uploads=[SimpleUploadedFile("ro-net.png", PNG + b"\x02", content_type="image/png")],
        component_uploads={
            component.pk: [SimpleUploadedFile("gcs.png", PNG + b"\x03", content_type="image/png")]
        },
        by=submitted.applicant.user,
    )
    dossier_services.record_fee_payment(submitted, online=True)
    filed, supplement, paid = out(submitted)
    assert (supplement.seq, supplement.type) == (2, "dossier.supplement_provided")
    assert len(supplement.body["attachments"]) == 2
    assert {a["component"] for a in supplement.body["attachments"]} == {None, 2}
    assert supplement.body["form_data"] == submitted.form_data
    assert (paid.seq, paid.type) == (3, "dossier.paid")
    assert paid.body["amount_vnd"] == submitted.fee_vnd and paid.body["online"] is True

    # The province follows with the supplement applied there (no echo) and an apology.
    from_province(province_peer, link, "dossier.status", status("provide_supplement"))
    from_province(
        province_peer,
        link,
        "dossier.apology",
        {"at": timezone.now().isoformat(), "reason": "Cần xác minh", "new_date": "2026-12-20"},
    )
    submitted.refresh_from_db()
    assert submitted.appointment_date == dt.date(2026, 12, 20)
    assert ApologyLetter.objects.get(dossier=submitted).status == ApologyLetter.Status.SENT
    assert len(out(submitted)) == 3


def test_a_change_the_copy_cannot_follow_is_reported_not_retried(submitted, province_peer):
    link = Link.objects.get(dossier=submitted)
    portal_services.withdraw_dossier(submitted, reason="Nộp nhầm", by=submitted.applicant.user)
    assert out(submitted)[-1].type == "dossier.withdrawn"
    ack = from_province(province_peer, link, "dossier.status", status("receive"))
    assert ack["applied"] is False and ack["conflict"] == "illegal_transition"
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN


def _signed_elsewhere(version):
    """A result signed by another instance: made here, then everything of that instance
    removed (its dossier, its certificate and CA), leaving the bytes and their record."""
    other = AgencyFactory(code="XX.STP", name="Sở Tư pháp tỉnh khác", kind=Agency.Kind.DEPARTMENT)
    leader = officer_user(other, Role.LEADER)
    dossier = dossier_services.create_draft(
        applicant=ApplicantFactory(), version=version, agency=other, form_data={}
    )
    version.agencies.add(other)
    for action in ("submit", "receive", "start_processing", "forward"):
        dossier_services.transition(dossier, action)
    dossier_services.transition(dossier, "approve", by=leader)
    result_services.preview_result(dossier, by=leader)
    result_services.issue_result(dossier, by=leader)
    attachment = dossier.attachments.get(kind=Attachment.Kind.RESULT)
    data = attachment.file.read()
    from motcua.exchange.attachments import describe
    from motcua.results.remote import describe as describe_result

    described, document = describe(attachment), describe_result(attachment)
    Dossier.objects.filter(pk=dossier.pk).delete()
    AgencyCertificate.objects.all().delete()
    CertificateAuthority.objects.all().delete()
    return data, described, document


def test_the_provinces_signed_result_downloads_and_verifies_on_the_portal(
    submitted, province_peer, version, files, client, citizen
):
    data, described, document = _signed_elsewhere(version)
    # The portal has its own demo CA, named like every instance's.
    from motcua.results import pki

    own_ca, _created = pki.ensure_ca()
    files.add(data)
    assert not verify_pdf(data).valid  # unknown here before the message
    # The province's CA comes with its catalogue (pulled from the declared peer), tied
    # to it; the copy in the result message is never trusted.
    trust_authorities([document["ca_pem"]], peer_code=province_peer.code)
    link = Link.objects.get(dossier=submitted)
    for action in ("receive", "start_processing", "forward", "approve"):
        from_province(province_peer, link, "dossier.status", status(action))
    ack = from_province(
        province_peer,
        link,
        "dossier.result",
        status("issue_result", attachments=[described], documents=[document]),
    )
    assert ack == {"applied": True, "status": Status.RESULT_ISSUED}
    submitted.refresh_from_db()
    assert submitted.result_electronic
    result = submitted.attachments.get(kind=Attachment.Kind.RESULT)
    assert result.file.read() == data  # byte for byte: the signature holds
    record = ResultDocument.objects.get(dossier=submitted)
    assert record.token == document["token"] and record.attachment == result
    verdict = verify_pdf(data)
    assert verdict.valid, verdict.reasons
    assert record.certificate.issuer != own_ca
    assert verdict.document == record
    # The citizen downloads it from their dossier page, as any result.
    client.force_login(citizen)
    download = client.get(f"/ho-so/{submitted.public_id}/tep/{result.public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    client.logout()
    # The QR code's verification page works on the portal too.
    page = client.get(f"/ket-qua/xac-minh/{record.token}/")
    assert page.status_code == 200 and document["number"] in page.content.decode()
    # Delivered twice (a retry under a new id): one file, one record.
    from_province(
        province_peer,
        link,
        "dossier.result",
        status("issue_result", attachments=[described], documents=[document]),
    )
    assert submitted.attachments.filter(kind=Attachment.Kind.RESULT).count() == 1
    assert ResultDocument.objects.filter(dossier=submitted).count() == 1
    assert files.fetched.count(described["sha256"]) == 1


def test_the_dossier_page_says_where_it_is_settled(submitted, province_peer, citizen, client):
    client.force_login(citizen)
    page = client.get(f"/ho-so/{submitted.public_id}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nơi giải quyết" in text and province_peer.name in text
    assert "Đang chuyển đến" in text
    OutMessage.objects.filter(link__dossier=submitted).update(
        state=OutMessage.State.DELIVERED, delivered_at=timezone.now()
    )
    Link.objects.filter(dossier=submitted).update(handed_over_at=timezone.now())
    text = client.get(f"/ho-so/{submitted.public_id}/").content.decode()
    assert "chờ tiếp nhận" in text


def test_the_deadline_job_leaves_the_copy_to_the_province(submitted, province_peer):
    """The province flags, apologises and closes; the national copy only follows."""
    from motcua.dossiers.deadlines import check_deadlines

    link = Link.objects.get(dossier=submitted)
    for action in ("receive", "start_processing"):
        from_province(province_peer, link, "dossier.status", status(action))
    from_province(
        province_peer,
        link,
        "dossier.supplement_requested",
        status("request_supplement", note="Thiếu giấy tờ", items=[]),
    )
    Dossier.objects.filter(pk=submitted.pk).update(
        due_date=dt.date(2026, 1, 2), intake_due_at=timezone.now() - dt.timedelta(days=9)
    )
    SupplementRequest.objects.filter(dossier=submitted).update(due_date=dt.date(2026, 1, 2))
    report = check_deadlines(today=dt.date(2027, 1, 1))
    submitted.refresh_from_db()
    assert submitted.status == Status.WAITING_SUPPLEMENT
    assert submitted.code not in report.supplements_closed + report.apologies_drafted


def test_a_fee_paid_at_the_provinces_desk_is_recorded_on_the_portal(submitted, province_peer):
    link = Link.objects.get(dossier=submitted)
    from_province(province_peer, link, "dossier.status", status("receive"))
    ack = from_province(
        province_peer,
        link,
        "dossier.paid",
        {"paid_at": "2026-11-24T08:30:00+00:00", "amount_vnd": submitted.fee_vnd, "online": False},
    )
    submitted.refresh_from_db()
    assert ack["applied"] is True
    assert submitted.fee_paid_at == dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.UTC)
    assert not submitted.fee_paid_online
    assert [m.type for m in out(submitted)] == ["dossier.filed"]  # not sent back


def test_a_transfer_goes_only_to_an_agency_of_the_sending_province(submitted, province_peer):
    # An agency of the same code settled on another instance (or on this one) is not the
    # province's to hand the dossier to.
    AgencyFactory(code="HN.STP", name="Sở Tư pháp Hà Nội", home_instance="HNI")
    AgencyFactory(code="LOCAL.STP", name="Sở Tư pháp ở đây")
    link = Link.objects.get(dossier=submitted)
    from_province(province_peer, link, "dossier.status", status("receive"))
    for code in ("HN.STP", "LOCAL.STP"):
        with pytest.raises(InvalidMessage) as refused:
            from_province(
                province_peer, link, "dossier.status", status("transfer", agency={"code": code})
            )
        assert refused.value.code == "unknown_agency"
    submitted.refresh_from_db()
    assert submitted.agency.code == "BN.STP"


def _to_result(province_peer, submitted):
    link = Link.objects.get(dossier=submitted)
    for action in ("receive", "start_processing", "forward", "approve"):
        from_province(province_peer, link, "dossier.status", status(action))
    return link


def test_a_ca_shipped_in_a_result_message_is_not_trusted(submitted, province_peer, version, files):
    data, described, document = _signed_elsewhere(version)
    files.add(data)
    link = _to_result(province_peer, submitted)
    with pytest.raises(InvalidMessage) as refused:
        from_province(
            province_peer,
            link,
            "dossier.result",
            status("issue_result", attachments=[described], documents=[document]),
        )
    assert refused.value.code == "bad_result"
    assert not CertificateAuthority.objects.exists()
    assert not verify_pdf(data).valid


def test_a_peers_ca_serves_only_that_peers_agencies_and_is_never_passed_on(
    submitted, province_peer, version, files
):
    from motcua.results import pki

    data, described, document = _signed_elsewhere(version)
    own_ca, _created = pki.ensure_ca()
    files.add(data)
    # Another province's catalogue shipped the CA: not good for a dossier of BN.
    trust_authorities([document["ca_pem"]], peer_code="HNI")
    assert authority_pems() == [own_ca.certificate_pem]  # not re-exported
    assert pki.trusted_certificates() == [own_ca.certificate_pem]  # not for local results
    link = _to_result(province_peer, submitted)
    with pytest.raises(InvalidMessage) as refused:
        from_province(
            province_peer,
            link,
            "dossier.result",
            status("issue_result", attachments=[described], documents=[document]),
        )
    assert refused.value.code == "bad_result"
    # The record exists only if the CA belongs to the sender and the dossier's agency is
    # the sender's: a dossier settled elsewhere is not verified with that CA.
    CertificateAuthority.objects.filter(peer_code="HNI").update(peer_code="BN")
    from_province(
        province_peer,
        link,
        "dossier.result",
        status("issue_result", attachments=[described], documents=[document]),
    )
    record = ResultDocument.objects.get(dossier=submitted)
    assert verify_pdf(data).valid
    Agency.objects.filter(pk=submitted.agency_id).update(home_instance="")
    assert not verify_pdf(data).valid
    assert record.certificate.issuer.peer_code == "BN"
