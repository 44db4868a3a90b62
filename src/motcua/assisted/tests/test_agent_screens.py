"""An agent files a dossier for a citizen through the screens, and who may not."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.dossiers.models import Channel, Dossier, IdentityAssurance, Status
from motcua.notifications.models import Notification
from tests.factories import UserFactory, citizen_user, officer_user

from .conftest import PDF, PHONE, PID, form_data

pytestmark = pytest.mark.django_db


def _start(client, version, commune):
    found = client.post("/ho-tro-nop-ho-so/", {"personal_id": PID})
    assert found.status_code == 302 and found.url == "/ho-tro-nop-ho-so/ho-so-moi/"
    page = client.get(f"/ho-tro-nop-ho-so/ho-so-moi/?thu_tuc={version.pk}")
    body = page.content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', body).group(1)
    started = client.post(
        "/ho-tro-nop-ho-so/ho-so-moi/",
        {"token": token, "version": version.pk, "agency": commune.pk, "for_agency": commune.pk},
    )
    assert started.status_code == 302, started.content.decode()[:3000]
    return Dossier.objects.get(public_id=re.search(r"/ho-so/([0-9a-f-]{36})/", started.url)[1])


def _fill(client, dossier):
    saved = client.post(
        f"/ho-tro-nop-ho-so/ho-so/{dossier.public_id}/khai/", {**form_data(), "action": "next"}
    )
    assert saved.status_code == 302 and saved.url.endswith("/giay-to/")
    for component in dossier.procedure_version.components.all():
        upload = SimpleUploadedFile("giay.pdf", PDF, content_type="application/pdf")
        client.post(
            f"/ho-tro-nop-ho-so/ho-so/{dossier.public_id}/giay-to/",
            {"component": component.pk, "file": upload},
        )


def _citizen():
    """The citizen's own account: signing in links it to the Applicant the agent used."""
    return UserFactory(username="lethihoa", full_name="Lê Thị Hoa", personal_id=PID)


def _sent_code(dossier) -> str:
    sms = Notification.objects.filter(dossier_public_id=dossier.public_id).latest("pk")
    assert sms.recipient == PHONE and sms.channel == Notification.Channel.SMS
    return re.search(r"\b(\d{6})\b", sms.body)[1]


def test_the_citizen_is_looked_up_in_the_population_registry(agent_client, person, version):
    agent_client.post("/ho-tro-nop-ho-so/", {"personal_id": PID})
    body = agent_client.get("/ho-tro-nop-ho-so/ho-so-moi/").content.decode()
    assert "Lê Thị Hoa" in body and "1956-03-08" in body
    assert "091****678" in body and PHONE not in body


def test_an_unknown_personal_id_is_a_form_error(agent_client, person):
    page = agent_client.post("/ho-tro-nop-ho-so/", {"personal_id": "001090009999"})
    assert page.status_code == 400
    assert "Không tìm thấy công dân" in page.content.decode()


def test_an_agent_files_and_the_citizen_confirms_by_code(
    agent_client, agent, person, version, commune
):
    dossier = _start(agent_client, version, commune)
    assert dossier.filed_by == agent and dossier.filed_for_agency == commune
    assert dossier.applicant.personal_id == PID and dossier.status == Status.DRAFT
    assert dossier.form_data["full_name"] == "Lê Thị Hoa"  # prefilled from the registry
    _fill(agent_client, dossier)
    confirm = f"/ho-tro-nop-ho-so/ho-so/{dossier.public_id}/xac-nhan/"
    assert "Gửi mã xác nhận" in agent_client.get(confirm).content.decode()

    sent = agent_client.post(confirm + "gui-ma/")
    assert sent.status_code == 302
    code = _sent_code(dossier)
    wrong = "000000" if code != "000000" else "111111"
    refused = agent_client.post(confirm + "nhap-ma/", {"code": wrong})
    assert refused.status_code == 400
    assert "Còn 4 lần nhập" in refused.content.decode()
    done = agent_client.post(confirm + "nhap-ma/", {"code": code})
    assert done.status_code == 302

    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code
    assert dossier.channel == Channel.ONLINE
    assert dossier.on_behalf_confirmation == "otp"
    assert dossier.on_behalf_confirmed_at is not None
    assert dossier.identity_assurance == IdentityAssurance.AGENT_OTP
    page = agent_client.get(confirm).content.decode()
    assert f"Hồ sơ {dossier.code} đã được nộp" in page
    assert "Nộp hộ bởi Phạm Văn Bưu (Phường Hòa Bình)" in page
    actions = set(
        AuditRecord.objects.filter(object_id=str(dossier.pk)).values_list("action", flat=True)
    )
    assert {"assisted.started", "assisted.code_sent", "assisted.confirmed"} <= actions


def test_the_citizen_follows_it_in_their_own_account(
    agent_client, client, person, version, commune
):
    dossier = _start(agent_client, version, commune)
    _fill(agent_client, dossier)
    confirm = f"/ho-tro-nop-ho-so/ho-so/{dossier.public_id}/xac-nhan/"
    agent_client.post(confirm + "gui-ma/")
    agent_client.post(confirm + "nhap-ma/", {"code": _sent_code(dossier)})
    dossier.refresh_from_db()

    client.force_login(_citizen())
    listing = client.get("/ho-so/").content.decode()
    assert dossier.code in listing
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert "Nộp hộ bởi Phạm Văn Bưu (Phường Hòa Bình)" in page


def test_the_citizen_confirms_by_signing_in(agent_client, client, person, version, commune):
    dossier = _start(agent_client, version, commune)
    _fill(agent_client, dossier)
    client.force_login(_citizen())
    listing = client.get("/ho-so/").content.decode()
    assert "Hồ sơ nộp hộ chờ bạn xác nhận" in listing
    review = client.get(f"/ho-tro-nop-ho-so/cong-dan/{dossier.public_id}/")
    assert review.status_code == 200
    assert "Nộp hộ bởi Phạm Văn Bưu" in review.content.decode()

    done = client.post(f"/ho-tro-nop-ho-so/cong-dan/{dossier.public_id}/xac-nhan/")
    assert done.status_code == 302 and done.url == f"/ho-so/{dossier.public_id}/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.on_behalf_confirmation == "sign_in"
    assert dossier.filed_by.username == "buudien.hoabinh"
    assert "Hồ sơ nộp hộ chờ bạn xác nhận" not in client.get("/ho-so/").content.decode()


def test_another_citizen_cannot_confirm_it(agent_client, client, person, version, commune):
    dossier = _start(agent_client, version, commune)
    _fill(agent_client, dossier)
    client.force_login(citizen_user("hangxom", "Trần Thị Bình", "001090006666"))
    assert client.get(f"/ho-tro-nop-ho-so/cong-dan/{dossier.public_id}/").status_code == 404
    assert (
        client.post(f"/ho-tro-nop-ho-so/cong-dan/{dossier.public_id}/xac-nhan/").status_code == 404
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


def test_without_the_agent_role_the_screens_are_403(client, commune, person):
    desk = officer_user(commune, Role.DESK_OFFICER, "motcua.hoabinh")
    citizen = citizen_user("lethihoa", "Lê Thị Hoa", PID)
    for user in (desk, citizen):
        client.force_login(user)
        page = client.get("/ho-tro-nop-ho-so/")
        assert page.status_code == 403
        assert "Chỉ nhân viên hỗ trợ nộp hồ sơ" in page.content.decode()
        assert client.post("/ho-tro-nop-ho-so/", {"personal_id": PID}).status_code == 403


def test_an_agent_has_no_officer_powers(agent_client, agent, person, version, commune):
    assert agent_client.get("/mot-cua/").status_code == 403
    assert agent_client.get("/mot-cua/tiep-nhan/").status_code == 403
    dossier = _start(agent_client, version, commune)
    assert agent_client.get(f"/mot-cua/ho-so/{dossier.public_id}/").status_code == 403


def test_an_agent_reaches_only_their_own_filings(agent_client, client, person, version, commune):
    dossier = _start(agent_client, version, commune)
    colleague = officer_user(commune, Role.AGENT, "cntcd.hoabinh")
    client.force_login(colleague)
    for suffix in ("khai/", "giay-to/", "xac-nhan/"):
        assert (
            client.get(f"/ho-tro-nop-ho-so/ho-so/{dossier.public_id}/{suffix}").status_code == 404
        )
    assert (
        client.post(f"/ho-tro-nop-ho-so/ho-so/{dossier.public_id}/xac-nhan/gui-ma/").status_code
        == 404
    )


def test_the_agency_administrator_authorises_an_agent(commune):
    from django.core.exceptions import ValidationError

    from motcua.agencies.services import grant_membership

    admin = officer_user(commune, Role.AGENCY_ADMIN, "quantri.hoabinh")
    newcomer = UserFactory(username="buudien.moi")
    membership = grant_membership(user=newcomer, agency=commune, role=Role.AGENT, by=admin)
    assert membership.role == Role.AGENT
    assert AuditRecord.objects.filter(action="membership.grant", actor=admin).exists()
    stranger = UserFactory(username="nguoi.la")
    with pytest.raises(ValidationError):  # other roles still come from the superuser
        grant_membership(user=stranger, agency=commune, role=Role.DESK_OFFICER, by=admin)
