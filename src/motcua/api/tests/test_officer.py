"""The agency's side: lists with filters, workflow actions and their rules."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Attachment, Status
from tests.factories import AgencyFactory, UserFactory

from .conftest import PDF, as_bearer, error_code

pytestmark = pytest.mark.django_db


def actions(api, dossier, body):
    return api.post(f"/officer/dossiers/{dossier.public_id}/actions", body)


def test_list_filters_by_status_and_received_date(citizen, make_dossier, desk):
    now = timezone.now()
    old = make_dossier(citizen, Status.RECEIVED, received_at=now - dt.timedelta(days=10))
    new = make_dossier(citizen, Status.RECEIVED, received_at=now)
    make_dossier(citizen, Status.SUBMITTED)
    make_dossier(citizen, Status.DRAFT)  # never listed for officers
    api = as_bearer(desk)

    def ids(query):
        response = api.get(f"/officer/dossiers?{query}")
        assert response.status_code == 200, response.content
        return {d["id"] for d in response.json()["items"]}

    assert len(ids("")) == 3
    assert ids("status=received") == {str(old.public_id), str(new.public_id)}
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert ids(f"received_from={since}") == {str(new.public_id)}
    assert ids(f"received_to={since}") == {str(old.public_id)}
    assert ids("procedure=HT.01&status=received") == {str(old.public_id), str(new.public_id)}
    assert api.get("/officer/dossiers?status=draft").status_code == 422


def test_officer_detail_shows_the_applicant_masked_and_the_history(citizen, make_dossier, desk):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    detail = as_bearer(desk).get(f"/officer/dossiers/{dossier.public_id}").json()
    assert detail["applicant"]["masked_identifier"] == "********1111"
    # A supplement request may now be made at receipt (Decree 118/2025).
    assert detail["actions"] == ["receive", "refuse_intake", "request_supplement"]
    assert detail["history"] == []


def test_a_refusal_needs_its_reason(citizen, make_dossier, desk):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    api = as_bearer(desk)
    missing = actions(api, dossier, {"action": "refuse_intake"})
    assert missing.status_code == 422 and error_code(missing) == "note_required"
    done = actions(api, dossier, {"action": "refuse_intake", "note": "Sai thẩm quyền"})
    assert done.status_code == 200 and done.json()["status"] == "refused"
    mine = as_bearer(citizen).get(f"/dossiers/{dossier.public_id}").json()
    assert mine["timeline"][-1]["note"] == "Sai thẩm quyền"


def test_assignment_names_an_eligible_officer(citizen, make_dossier, desk, officer_of, commune):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    api = as_bearer(desk)
    actions(api, dossier, {"action": "receive"})
    stranger = UserFactory(username="nguoingoai")
    wrong = actions(api, dossier, {"action": "start_processing", "assignee": stranger.username})
    assert wrong.status_code == 422 and error_code(wrong) == "assignee_not_eligible"
    unknown = actions(api, dossier, {"action": "start_processing", "assignee": "khong-co"})
    assert unknown.status_code == 422 and error_code(unknown) == "unknown_assignee"
    misplaced = actions(api, dossier, {"action": "receive", "agency": "BN.VA"})
    assert misplaced.status_code == 422 and error_code(misplaced) == "field_not_allowed"
    specialist = officer_of(commune, Role.SPECIALIST)
    started = actions(api, dossier, {"action": "start_processing", "assignee": specialist.username})
    assert started.status_code == 200
    assert started.json()["assignee"] == specialist.username
    assert started.json()["current_step"] == "Thẩm định, xử lý hồ sơ"


def test_transfer_names_the_receiving_agency(citizen, make_dossier, officer_of, commune):
    district = AgencyFactory(code="BN.TP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)
    dossier = make_dossier(citizen, Status.RECEIVED, received_at=timezone.now())
    leader = as_bearer(officer_of(commune, Role.LEADER))
    missing = actions(leader, dossier, {"action": "transfer", "note": "Liên thông"})
    assert missing.status_code == 422 and error_code(missing) == "agency_required"
    moved = actions(
        leader,
        dossier,
        {"action": "transfer", "note": "Liên thông", "agency": "BN.TP", "part_days": 2},
    )
    assert moved.status_code == 200, moved.content
    dossier.refresh_from_db()
    assert dossier.status == Status.TRANSFERRED and dossier.agency == district
    # The sender no longer sees it; the receiving agency's desk does.
    assert leader.get(f"/officer/dossiers/{dossier.public_id}").status_code == 404
    their_desk = as_bearer(officer_of(district, Role.DESK_OFFICER))
    accepted = actions(their_desk, dossier, {"action": "accept_transfer"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "received"


def test_officer_downloads_a_file_of_a_dossier_in_scope(citizen, make_dossier, desk):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    attachment = Attachment(
        dossier=dossier,
        kind=Attachment.Kind.COMPONENT,
        original_name="to-khai.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    attachment.file.save("to-khai.pdf", ContentFile(PDF))
    response = as_bearer(desk).get(
        f"/officer/dossiers/{dossier.public_id}/attachments/{attachment.public_id}"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
