"""The officer's path (issue 20): a back office of its own, "Việc của tôi" for each
role, one primary action, destructive actions confirmed, no skipped opinion, messages
for the officer, keyboard shortcuts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.backoffice import scope
from motcua.dossiers.models import Status
from motcua.dossiers.services import transition

pytestmark = pytest.mark.django_db
HOME = "/mot-cua/"


def page_of(client, dossier) -> str:
    return client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()


def test_the_back_office_has_its_own_header_with_the_officer_agency_and_role(
    client, agency, officer_of
):
    user = officer_of(agency, Role.DESK_OFFICER)
    user.full_name = "Lê Thị Hoa"
    user.save()
    client.force_login(user)
    page = client.get(HOME).content.decode()
    assert 'class="bo-header"' in page and 'class="site-header"' not in page
    assert "Lê Thị Hoa" in page and "Cán bộ một cửa" in page and agency.name in page
    for item in ("Việc của tôi", "Hàng đợi", "Tra cứu", "Sổ theo dõi", "PAKN", "Đăng xuất"):
        assert item in page
    assert "backoffice/shortcuts.js" in page


def test_signing_in_lands_on_my_work(client, agency, officer_of):
    user = officer_of(agency)
    user.set_password("mat-khau-dai-1!")
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "mat-khau-dai-1!"}, follow=True
    )
    assert response.redirect_chain[-1][0] == HOME
    assert "backoffice/my_work.html" in [t.name for t in response.templates]


def sections(client, user) -> dict:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return {s.key: s for s in response.context["sections"]}


def test_each_role_lands_on_its_own_work(client, agency, officer_of, make_dossier):
    new = make_dossier(Status.SUBMITTED)
    desk = officer_of(agency, Role.DESK_OFFICER)
    specialist = officer_of(agency, Role.SPECIALIST)
    leader = officer_of(agency, Role.LEADER)
    mine = sections(client, desk)
    assert list(mine) == ["receive", "due", "result"]
    assert [d for d, _ in mine["receive"].rows] == [new]
    assessed = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(assessed, "start_processing", by=desk, assignee=specialist)
    mine = sections(client, specialist)
    assert list(mine) == ["assess"] and [d for d, _ in mine["assess"].rows] == [assessed]
    assert sections(client, leader)["approve"].rows == []
    assessed.refresh_from_db()
    transition(assessed, "give_opinion", by=specialist, note="Đủ điều kiện")
    assert [d for d, _ in sections(client, leader)["approve"].rows] == [assessed]
    assert sections(client, specialist)["assess"].rows == []
    # A supervisor reads figures: no work list, a dashboard.
    client.force_login(officer_of(agency, Role.SUPERVISOR))
    response = client.get(HOME)
    assert response.context["sections"] == [] and response.context["dashboard"]
    assert "Tình hình giải quyết hồ sơ" in response.content.decode()


def test_a_queue_is_still_one_parameter_away(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    page = client.get(HOME + "?hang=moi").content.decode()
    assert "Hồ sơ cần xử lý" in page and dossier.code in page and "data-dossier-link" in page


def test_one_primary_action_and_the_destructive_ones_folded_and_red(
    client, agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    page = page_of(client, dossier)
    assert page.count('class="action-form primary"') == 1
    assert 'data-primary="receive"' in page
    assert '<details class="bo-danger" data-danger="refuse_intake"' in page
    assert 'class="danger">Từ chối tiếp nhận' in page
    assert "Thao tác khác" in page  # request_supplement is folded away
    assert 'name="confirm" value="on" required' in page


@pytest.mark.parametrize(
    ("status", "role", "action"),
    [
        (Status.SUBMITTED, Role.DESK_OFFICER, "refuse_intake"),
        (Status.IN_PROCESS, Role.LEADER, "refuse"),
        (Status.IN_PROCESS, Role.DESK_OFFICER, "stop"),
    ],
)
def test_destructive_actions_need_their_confirmation(
    client, agency, officer_of, make_dossier, status, role, action
):
    dossier = make_dossier(status, received_at=timezone.now())
    client.force_login(officer_of(agency, role))
    url = reverse("backoffice:act", args=[dossier.public_id, action])
    refused = client.post(url, {"note": "Hồ sơ không thuộc thẩm quyền"})
    assert refused.status_code == 400
    assert "Vui lòng đánh dấu xác nhận" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == status
    done = client.post(url, {"note": "Hồ sơ không thuộc thẩm quyền", "confirm": "on"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status in (Status.REFUSED, Status.STOPPED)


def test_a_transfer_needs_its_confirmation(client, agency, other_agency, officer_of, make_dossier):
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    client.force_login(officer_of(agency, Role.LEADER))
    url = reverse("backoffice:act", args=[dossier.public_id, "transfer"])
    data = {"agency": other_agency.pk, "note": "Phối hợp xác minh"}
    assert client.post(url, data).status_code == 400
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302


def test_the_specialist_cannot_skip_the_opinion(client, agency, officer_of, make_dossier):
    desk, specialist = officer_of(agency), officer_of(agency, Role.SPECIALIST)
    dossier = make_dossier(Status.RECEIVED, received_at=timezone.now())
    transition(dossier, "start_processing", by=desk, assignee=specialist)
    dossier.refresh_from_db()
    assert dossier.current_step.role == Role.SPECIALIST
    assert not scope.can(specialist, "forward", dossier)
    client.force_login(specialist)
    forward = reverse("backoffice:act", args=[dossier.public_id, "forward"])
    assert client.post(forward, {"note": ""}).status_code == 403
    page = page_of(client, dossier)
    assert 'data-action="forward"' not in page
    assert 'data-primary="give_opinion"' in page and "Ý kiến thẩm định (bắt buộc)" in page
    opinion = reverse("backoffice:act", args=[dossier.public_id, "give_opinion"])
    assert client.post(opinion, {"note": "  "}).status_code == 400
    dossier.refresh_from_db()
    assert dossier.current_step.role == Role.SPECIALIST
    response = client.post(opinion, {"note": "Đủ điều kiện giải quyết"}, follow=True)
    assert f"Đã ghi ý kiến thẩm định và chuyển hồ sơ {dossier.code}" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.current_step.role == Role.LEADER


def test_messages_speak_to_the_officer(client, agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    client.force_login(officer_of(agency))
    url = reverse("backoffice:act", args=[dossier.public_id, "receive"])
    page = client.post(url, {"note": ""}, follow=True).content.decode()
    dossier.refresh_from_db()
    expected = f"Đã tiếp nhận hồ sơ {dossier.code}, hẹn trả {dossier.due_date:%d/%m/%Y}."
    assert expected in page
    assert "của bạn" not in page.split('class="messages"')[1].split("</ul>")[0]


def test_the_shortcuts_script_is_served_and_leaves_fields_alone(client):
    from django.contrib.staticfiles import finders

    path = finders.find("backoffice/shortcuts.js")
    script = open(path, encoding="utf-8").read()
    assert "textarea" in script and "isContentEditable" in script  # disabled while typing
    assert "sessionStorage" in script and '"?"' in script
