"""The PAKN pages: filing (signed in, anonymous), the look-up and rating, the published
list, and the officers' queue limited to their agencies."""

import pytest
from django.urls import reverse

from motcua.feedback import services
from motcua.feedback.models import Feedback, Kind, Status, Subject

from .conftest import EXE, pdf

pytestmark = pytest.mark.django_db


def _post_anonymous(client, ward, **extra):
    data = {
        "kind": Kind.FEEDBACK,
        "subject": Subject.AGENCY,
        "agency": ward.code,
        "title": "Thái độ tiếp dân",
        "content": "Cán bộ trả lời cộc lốc.",
        "contact_name": "Phạm Văn Nam",
        "contact_phone": "0934567890",
    }
    data.update(extra)
    return client.post(reverse("feedback:file"), data)


def test_anonymous_filing_shows_code_and_secret(client, ward):
    response = _post_anonymous(client, ward)
    assert response.status_code == 302 and response["Location"] == reverse("feedback:sent")
    feedback = Feedback.objects.get()
    page = client.get(reverse("feedback:sent"))
    assert (
        feedback.code in page.content.decode() and feedback.lookup_secret in page.content.decode()
    )
    assert feedback.agency == ward and feedback.applicant is None


def test_anonymous_filing_without_contact_is_refused(client, ward):
    response = _post_anonymous(client, ward, contact_phone="", contact_email="")
    assert response.status_code == 200
    assert "số điện thoại hoặc thư điện tử" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_refused_file_is_reported_on_the_form(client, ward):
    response = _post_anonymous(client, ward, files=[pdf("x.pdf", EXE)])
    assert response.status_code == 200
    assert "không phải PDF, JPG hoặc PNG" in response.content.decode()
    assert not Feedback.objects.exists()


def test_signed_in_citizen_files_about_own_dossier(client, citizen, dossier, ward):
    client.force_login(citizen)
    page = client.get(reverse("feedback:file") + f"?ho_so={dossier.public_id}")
    assert f'value="{dossier.public_id}" selected' in page.content.decode()
    response = client.post(
        reverse("feedback:file"),
        {
            "kind": Kind.PETITION,
            "subject": Subject.DOSSIER,
            "own_dossier": str(dossier.public_id),
            "title": "Xin giải quyết sớm",
            "content": "Hồ sơ đã quá hẹn.",
            "files": [pdf()],
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.dossier == dossier and feedback.agency == ward
    assert feedback.applicant.user == citizen and feedback.attachments.count() == 1
    mine = client.get(reverse("feedback:mine"))
    assert feedback.code in mine.content.decode()
    detail = client.get(reverse("feedback:detail", args=[feedback.public_id]))
    assert detail.status_code == 200


def test_someone_elses_dossier_needs_its_secret(client, other_citizen, dossier):
    client.force_login(other_citizen)
    data = {
        "kind": Kind.FEEDBACK,
        "subject": Subject.DOSSIER,
        "dossier_code": dossier.code,
        "dossier_secret": "SAI",
        "title": "T",
        "content": "C",
    }
    assert client.post(reverse("feedback:file"), data).status_code == 200
    assert not Feedback.objects.exists()
    data["dossier_secret"] = dossier.lookup_secret
    assert client.post(reverse("feedback:file"), data).status_code == 302
    assert Feedback.objects.get().dossier == dossier


def test_other_citizen_cannot_open_a_pakn(client, citizen, other_citizen, dossier, person):
    feedback = services.file_feedback(
        kind=Kind.FEEDBACK,
        subject=Subject.DOSSIER,
        title="T",
        content="C",
        dossier=dossier,
        applicant=person,
    )
    client.force_login(other_citizen)
    assert client.get(reverse("feedback:detail", args=[feedback.public_id])).status_code == 404


def test_queue_is_limited_to_the_officer_agencies(client, ward, desk, other_desk):
    feedback = services.file_feedback(
        kind=Kind.FEEDBACK,
        subject=Subject.AGENCY,
        agency=ward,
        title="Ở phường Xuân",
        content="C",
        contact_name="A",
        contact_phone="0900000000",
    )
    client.force_login(other_desk)
    assert feedback.code not in client.get(reverse("backoffice:pakn_queue")).content.decode()
    assert client.get(reverse("backoffice:pakn", args=[feedback.public_id])).status_code == 404
    answer = client.post(
        reverse("backoffice:pakn_answer", args=[feedback.public_id]), {"answer": "X"}
    )
    assert answer.status_code == 404
    client.force_login(desk)
    assert feedback.code in client.get(reverse("backoffice:pakn_queue")).content.decode()
    assert client.get(reverse("backoffice:pakn", args=[feedback.public_id])).status_code == 200


def test_answer_publish_rate_once_through_the_pages(client, ward, desk):
    _post_anonymous(client, ward, content="Gọi tôi: 0934567890, Phạm Văn Nam.")
    feedback = Feedback.objects.get()
    client.force_login(desk)
    response = client.post(
        reverse("backoffice:pakn_answer", args=[feedback.public_id]),
        {"answer": "Đã chấn chỉnh.", "publish": "on"},
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == Status.ANSWERED and feedback.is_published
    client.logout()
    listing = client.get(reverse("feedback:index")).content.decode()
    assert feedback.code in listing and "Đã chấn chỉnh." in listing
    assert "0934567890" not in listing and "Phạm Văn Nam" not in listing
    assert (
        feedback.code not in client.get(reverse("feedback:index") + "?q=khongcogi").content.decode()
    )
    lookup = {"code": feedback.code, "secret": feedback.lookup_secret}
    page = client.post(reverse("feedback:lookup"), lookup).content.decode()
    assert "Đã chấn chỉnh." in page and 'name="danh_gia"' in page
    client.post(reverse("feedback:lookup"), {**lookup, "danh_gia": "1", "satisfied": "1"})
    client.post(reverse("feedback:lookup"), {**lookup, "danh_gia": "1", "satisfied": "0"})
    feedback.refresh_from_db()
    assert feedback.satisfied is True
    wrong = client.post(reverse("feedback:lookup"), {"code": feedback.code, "secret": "ABC"})
    assert "Không tìm thấy phản ánh" in wrong.content.decode()


def test_supervisor_figures_panel(client, ward, desk):
    services.file_feedback(
        kind=Kind.FEEDBACK,
        subject=Subject.AGENCY,
        agency=ward,
        title="T",
        content="C",
        contact_name="A",
        contact_phone="0900000000",
    )
    client.force_login(desk)
    page = client.get(reverse("backoffice:pakn_figures"))
    assert page.status_code == 200 and ward.name in page.content.decode()
