"""Every role's allowed and forbidden actions, assignment along the process, "my tasks",
the result upload, apology letters and files, through the officers' screens."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.backoffice import scope, selectors
from motcua.dossiers.models import ApologyLetter, Attachment, Status
from motcua.dossiers.services import transition
from motcua.dossiers.workflow import TRANSITIONS
from motcua.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db

# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ROLES = [Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN, Role.SUPERVISOR]
# The workflow actions each role may take on a dossier of its own agency.
EXPECTED = {
    Role.DESK_OFFICER: {
        "receive",
        "refuse_intake",
        "start_processing",
        "request_supplement",
        "provide_supplement",
        "transfer",
        "accept_transfer",
        "assign",
        "forward",
        "issue_result",
        "return_result",
        "stop",
    },
    Role.SPECIALIST: {
        "start_processing",
        "request_supplement",
        "provide_supplement",
        "assign",
        "forward",
        "give_opinion",
    },
    Role.LEADER: {"approve", "refuse", "transfer", "assign", "forward", "stop"},
    Role.AGENCY_ADMIN: set(),
    Role.SUPERVISOR: set(),
}
ACTIONS = sorted(set(TRANSITIONS) - {"submit", "withdraw", "expire_supplement"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_may_do_exactly_its_actions(role, action, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    user = officer_of(agency, role)
    assert scope.can(user, action, dossier) == (action in EXPECTED[role])


@pytest.mark.parametrize("role", [Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER])
def test_no_role_may_act_on_another_agencys_dossier_by_url(
    role, client, agency, other_agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.SUBMITTED, agency=other_agency)
    client.force_login(officer_of(agency, role))
    for action in ("receive", "approve", "transfer"):
        url = reverse("backoffice:act", args=[dossier.public_id, action])
        assert client.post(url, {"note": "x"}).status_code == 404
    assert client.get(reverse("backoffice:dossier", args=[dossier.public_id])).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


@pytest.fixture
def team(agency, officer_of):
    return {role: officer_of(agency, role) for role in (Role.DESK_OFFICER, *ROLES[1:3])}


def _post(client, dossier, action, **data):
    return client.post(reverse("backoffice:act", args=[dossier.public_id, action]), data)


def test_the_desk_hands_over_to_a_chosen_specialist_who_finds_it_in_my_tasks(
    client, team, make_dossier
):
    dossier = make_dossier(Status.SUBMITTED)
    desk, specialist = team[Role.DESK_OFFICER], team[Role.SPECIALIST]
    client.force_login(desk)
    assert _post(client, dossier, "receive", note="").status_code == 302
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert specialist.username in page or (specialist.full_name and specialist.full_name in page)
    assert _post(client, dossier, "start_processing", assignee=specialist.pk).status_code == 302
    mine = selectors.queue_page(specialist, "viec-cua-toi")
    assert [d.pk for d in mine.dossiers] == [dossier.pk]
    assert selectors.queue_counts(specialist)["viec-cua-toi"] == 1
    assert selectors.queue_page(desk, "viec-cua-toi").dossiers == []


def test_only_the_assigned_specialist_gives_the_opinion(
    client, agency, team, officer_of, make_dossier
):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(
        dossier, "start_processing", by=team[Role.DESK_OFFICER], assignee=team[Role.SPECIALIST]
    )
    colleague = officer_of(agency, Role.SPECIALIST, username="chuyenvien-khac")
    dossier.refresh_from_db()
    assert not scope.can(colleague, "give_opinion", dossier)
    client.force_login(colleague)
    assert _post(client, dossier, "give_opinion", note="Đồng ý").status_code == 403
    client.force_login(team[Role.SPECIALIST])
    response = _post(client, dossier, "give_opinion", note="Đủ điều kiện giải quyết")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.current_step.role == Role.LEADER


def test_an_opinion_needs_its_text(client, team, make_dossier):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(
        dossier, "start_processing", by=team[Role.DESK_OFFICER], assignee=team[Role.SPECIALIST]
    )
    client.force_login(team[Role.SPECIALIST])
    response = _post(client, dossier, "give_opinion", note="  ")
    assert response.status_code == 400
    assert "Vui lòng ghi rõ" in response.content.decode()


def test_issuing_an_uploaded_result_needs_the_file_and_makes_it_electronic(
    client, team, make_dossier, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    dossier = make_dossier(Status.APPROVED, received_at=timezone.now())
    client.force_login(team[Role.DESK_OFFICER])
    assert _post(client, dossier, "issue_result", note="", result_mode="upload").status_code == 400
    upload = SimpleUploadedFile("giay-khai-sinh.png", PNG, content_type="image/png")
    response = client.post(
        reverse("backoffice:act", args=[dossier.public_id, "issue_result"]),
        {"note": "", "result_mode": "upload", "result_file": upload},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_ISSUED and dossier.result_electronic
    result = dossier.attachments.get(kind=Attachment.Kind.RESULT)
    download = client.get(reverse("backoffice:attachment", args=[result.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG


def test_a_renamed_program_is_refused_as_a_result(client, team, make_dossier):
    dossier = make_dossier(Status.APPROVED, received_at=timezone.now())
    client.force_login(team[Role.DESK_OFFICER])
    upload = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    client.post(
        reverse("backoffice:act", args=[dossier.public_id, "issue_result"]),
        {"note": "", "result_file": upload},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.APPROVED
    assert not dossier.attachments.exists()


def test_files_of_another_agencys_dossier_are_not_found(
    client, agency, other_agency, officer_of, make_dossier
):
    from motcua.dossiers.files import add_attachment

    dossier = make_dossier(Status.RECEIVED, agency=other_agency)
    item = add_attachment(dossier, SimpleUploadedFile("a.pdf", PDF), kind=Attachment.Kind.COMPONENT)
    client.force_login(officer_of(agency))
    assert client.get(reverse("backoffice:attachment", args=[item.public_id])).status_code == 404


def test_the_desk_drafts_an_apology_and_only_the_leader_sends_it(client, team, make_dossier):
    today = timezone.localdate()
    # Made at the latest one working day before the due date (Decree 118/2025).
    dossier = make_dossier(
        Status.IN_PROCESS, received_at=timezone.now(), due_date=add_working_days(today, 2)
    )
    client.force_login(team[Role.DESK_OFFICER])
    new_date = (today + dt.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("backoffice:apology_draft", args=[dossier.public_id]),
        {"reason": "Cần xác minh thêm tại địa phương", "new_date": new_date},
    )
    assert response.status_code == 302
    letter = ApologyLetter.objects.get(dossier=dossier)
    decide = reverse("backoffice:apology_decide", args=[dossier.public_id, letter.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(team[Role.LEADER])
    assert selectors.queue_counts(team[Role.LEADER])["xin-loi"] == 1
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    letter.refresh_from_db()
    dossier.refresh_from_db()
    assert letter.status == ApologyLetter.Status.SENT
    assert dossier.appointment_date.isoformat() == new_date
    printed = client.get(reverse("backoffice:apology_print", args=[dossier.public_id, letter.pk]))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in printed.content.decode()


def test_the_step_deadline_is_shown_with_its_colour(client, team, make_dossier):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(dossier, "start_processing", by=team[Role.DESK_OFFICER])
    dossier.refresh_from_db()
    dossier.step_due_date = timezone.localdate() - dt.timedelta(days=1)
    dossier.save(update_fields=["step_due_date"])
    client.force_login(team[Role.SPECIALIST])
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert 'class="overdue" data-step-due=' in page


def test_the_leader_approves_only_at_the_leaders_step(team, make_dossier):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(dossier, "start_processing", by=team[Role.DESK_OFFICER])
    dossier.refresh_from_db()
    assert not scope.can(team[Role.LEADER], "approve", dossier)
    transition(dossier, "give_opinion", by=team[Role.SPECIALIST], note="Đủ điều kiện")
    dossier.refresh_from_db()
    assert scope.can(team[Role.LEADER], "approve", dossier)
    assert not scope.can(team[Role.LEADER], "forward", dossier)


def test_a_transferred_dossier_waits_in_the_receiving_desks_new_queue(
    agency, other_agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(
        dossier,
        "transfer",
        by=officer_of(agency, Role.LEADER),
        note="Phối hợp",
        agency=other_agency,
    )
    desk = officer_of(other_agency)
    assert [d.pk for d in selectors.queue_page(desk, "moi").dossiers] == [dossier.pk]
