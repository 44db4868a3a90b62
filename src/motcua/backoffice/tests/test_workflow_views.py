"""Officers move a dossier along the workflow from its page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.dossiers.models import Status, StatusChange

pytestmark = pytest.mark.django_db


def act(client, dossier, action, note=""):
    url = reverse("backoffice:act", args=[dossier.public_id, action])
    return client.post(url, {"note": note, "confirm": "on"}, follow=True)


def test_desk_officer_receives_dossier_and_sees_due_date(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    page = act(client, dossier, "receive").content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert StatusChange.objects.filter(dossier=dossier, action="receive").count() == 1
    assert dossier.due_date.strftime("%d/%m/%Y") in page


def test_detail_offers_only_actions_the_role_allows(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.IN_PROCESS, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.SPECIALIST))
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert reverse("backoffice:act", args=[dossier.public_id, "request_supplement"]) in page
    assert reverse("backoffice:act", args=[dossier.public_id, "approve"]) not in page


def test_detail_masks_applicant_personal_id(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert dossier.applicant.personal_id not in page
    assert dossier.applicant.personal_id[-4:] in page


def test_specialist_cannot_approve(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.IN_PROCESS, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.SPECIALIST))
    response = client.post(reverse("backoffice:act", args=[dossier.public_id, "approve"]))
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS


def test_leader_approves(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.IN_PROCESS, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.LEADER))
    page = act(client, dossier, "approve").content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.APPROVED
    assert f"Đã phê duyệt hồ sơ {dossier.code}" in page


def test_refusal_without_note_is_rejected_with_vietnamese_message(
    client, agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.IN_PROCESS, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.LEADER))
    response = act(client, dossier, "refuse", note="  ")
    assert response.status_code == 400
    assert "Vui lòng ghi rõ lý do" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS


def test_refusal_with_note_records_the_reason(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.IN_PROCESS, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.LEADER))
    page = act(client, dossier, "refuse", note="Thiếu giấy chứng sinh bản chính").content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert "Thiếu giấy chứng sinh bản chính" in page


def test_stale_second_receive_asks_to_reload_and_writes_no_second_history_row(
    client, agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    act(client, dossier, "receive")
    page = act(client, dossier, "receive").content.decode()
    assert "tải lại" in page
    assert StatusChange.objects.filter(dossier=dossier).count() == 1


def test_a_leader_transfers_a_dossier_with_its_part_of_the_days(
    client, agency, other_agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.LEADER))
    url = reverse("backoffice:act", args=[dossier.public_id, "transfer"])
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert url in page and other_agency.name in page
    response = client.post(
        url,
        {"agency": other_agency.pk, "part_days": 2, "note": "Phối hợp xác minh", "confirm": "on"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.TRANSFERRED and dossier.agency == other_agency
    # The receiving agency's desk sees it and accepts it; its part is timed.
    client.force_login(officer_of(other_agency))
    accept = reverse("backoffice:act", args=[dossier.public_id, "accept_transfer"])
    assert client.post(accept, {"note": ""}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    part = dossier.agency_parts.get(agency=other_agency)
    assert part.days == 2 and part.due_date is not None


def test_a_transfer_without_a_reason_is_refused(
    client, agency, other_agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.LEADER))
    url = reverse("backoffice:act", args=[dossier.public_id, "transfer"])
    response = client.post(url, {"agency": other_agency.pk, "note": ""})
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_overdue_dossier_is_shown_in_red(client, agency, officer_of, make_dossier):
    dossier = make_dossier(
        Status.IN_PROCESS,
        received_at=timezone.now() - dt.timedelta(days=30),
        due_date=timezone.localdate() - dt.timedelta(days=3),
    )
    client.force_login(officer_of(agency))
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert 'class="overdue"' in page


def test_action_page_refuses_get(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    response = client.get(reverse("backoffice:act", args=[dossier.public_id, "receive"]))
    assert response.status_code == 405
