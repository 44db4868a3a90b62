"""“Xem trước kết quả”: the leader and the desk officer read the exact PDF that will be
signed, make it again, and sign it from there; nobody else sees it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.dossiers.models import Attachment, Status
from motcua.results.models import ResultDraft
from motcua.results.verify import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MOTCUA_PORTAL_PUBLIC_URL = ""


@pytest.fixture
def in_process(make_dossier):
    return make_dossier(Status.IN_PROCESS, received_at=timezone.now())


def page_url(dossier) -> str:
    return reverse("backoffice:result_preview", args=[dossier.public_id])


def pdf_url(dossier) -> str:
    return reverse("backoffice:result_preview_pdf", args=[dossier.public_id])


def as_officer(client, user):
    client.force_login(user)
    return client


def test_the_leader_makes_the_preview_and_reads_the_pdf_in_the_page(
    client, agency, officer_of, in_process
):
    leader = as_officer(client, officer_of(agency, Role.LEADER))
    page = leader.get(page_url(in_process)).content.decode()
    assert "Chưa có bản xem trước" in page and "Tạo bản xem trước" in page

    page = leader.post(page_url(in_process), follow=True).content.decode()
    draft = ResultDraft.objects.get(dossier=in_process)
    assert "Đã tạo bản xem trước văn bản kết quả." in page
    assert f'<iframe class="result-preview" src="{pdf_url(in_process)}"' in page
    assert "Tạo lại bản xem trước" in page and draft.number in page
    assert "đã thay đổi sau khi xem trước" not in page  # the leader's own draft is current
    assert "Ký số và ban hành" not in page  # the leader approves, the desk issues

    shown = leader.get(pdf_url(in_process))
    assert shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"].startswith("inline;")
    assert shown.content == bytes(draft.pdf)
    # Framed by its own page only; the page's policy lets it frame its own site.
    assert shown["X-Frame-Options"] == "SAMEORIGIN"
    policy = leader.get(page_url(in_process))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-src" not in policy
    downloaded = leader.get(pdf_url(in_process) + "?tai=1")
    assert downloaded["Content-Disposition"].startswith("attachment;")


def test_the_desk_signs_from_the_preview_exactly_the_previewed_bytes(
    client, agency, officer_of, make_dossier
):
    approved = make_dossier(Status.APPROVED, received_at=timezone.now())
    desk = as_officer(client, officer_of(agency, Role.DESK_OFFICER))
    page = desk.post(page_url(approved), follow=True).content.decode()
    assert "Ký số và ban hành" in page
    assert (
        f'action="{reverse("backoffice:act", args=[approved.public_id, "issue_result"])}"' in page
    )
    assert '<input type="hidden" name="result_mode" value="generated">' in page
    previewed = bytes(ResultDraft.objects.get(dossier=approved).pdf)

    desk.post(
        reverse("backoffice:act", args=[approved.public_id, "issue_result"]),
        {"note": "", "result_mode": "generated"},
    )
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_ISSUED
    with approved.attachments.get(kind=Attachment.Kind.RESULT).file.open("rb") as stored:
        signed = stored.read()
    assert signed.startswith(previewed)
    assert verify_pdf(signed).valid


def test_a_changed_form_makes_the_preview_stale_and_hides_the_signing_button(
    client, agency, officer_of, make_dossier
):
    approved = make_dossier(Status.APPROVED, received_at=timezone.now())
    desk = as_officer(client, officer_of(agency, Role.DESK_OFFICER))
    desk.post(page_url(approved))
    approved.form_data = {**approved.form_data, "content": "Đề nghị sửa lại"}
    approved.save(update_fields=["form_data"])
    page = desk.get(page_url(approved)).content.decode()
    assert "đã thay đổi sau khi xem trước" in page
    assert "Ký số và ban hành" not in page


def test_an_officer_of_another_agency_gets_not_found(client, other_agency, officer_of, in_process):
    stranger = as_officer(client, officer_of(other_agency, Role.LEADER))
    assert stranger.get(page_url(in_process)).status_code == 404
    assert stranger.post(page_url(in_process)).status_code == 404
    assert stranger.get(pdf_url(in_process)).status_code == 404
    assert not ResultDraft.objects.exists()


def test_a_specialist_of_the_agency_is_refused(client, agency, officer_of, in_process):
    specialist = as_officer(client, officer_of(agency, Role.SPECIALIST))
    response = specialist.post(page_url(in_process))
    assert response.status_code == 403
    assert "Chỉ lãnh đạo phê duyệt hoặc cán bộ ban hành kết quả" in response.content.decode()
    assert specialist.get(pdf_url(in_process)).status_code == 403
    assert not ResultDraft.objects.exists()


def test_a_dossier_not_yet_in_process_cannot_be_previewed(client, agency, officer_of, make_dossier):
    received = make_dossier(Status.RECEIVED, received_at=timezone.now())
    leader = as_officer(client, officer_of(agency, Role.LEADER))
    page = leader.get(page_url(received)).content.decode()
    assert "chỉ xem trước được kết quả của hồ sơ đang xử lý hoặc đã phê duyệt" in page
    assert leader.get(pdf_url(received)).url == page_url(received)  # no draft: the page
    page = leader.post(page_url(received), follow=True).content.decode()
    assert "Chỉ xem trước kết quả của hồ sơ đang xử lý" in page
    assert not ResultDraft.objects.exists()
