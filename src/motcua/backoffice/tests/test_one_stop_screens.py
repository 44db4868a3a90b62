"""The back office's one-stop screens: the request listing every item (form 02), the
intake hours in the "new" queue, the processing periods, the stop (docs/ONE_STOP.md)."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from motcua.agencies.models import Role
from motcua.backoffice import selectors
from motcua.dossiers.models import Status, SupplementRequest
from motcua.dossiers.services import transition

pytestmark = pytest.mark.django_db
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day, hour, minute=0):
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=VN)


def test_the_desk_lists_every_item_in_one_request(
    client, agency, officer_of, make_dossier, version
):
    form, birth = version.components.order_by("position")
    dossier = make_dossier(Status.IN_PROCESS)
    client.force_login(officer_of(agency, Role.DESK_OFFICER))
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert "Thành phần hồ sơ cần bổ sung, hoàn thiện" in page and birth.name in page
    url = reverse("backoffice:act", args=[dossier.public_id, "request_supplement"])
    # A component ticked without its reason is refused.
    response = client.post(url, {"components": [str(form.pk)], "note": ""})
    assert response.status_code == 400
    assert "Vui lòng ghi lý do cần bổ sung thành phần này." in response.content.decode()
    response = client.post(
        url,
        {
            "components": [str(form.pk), str(birth.pk)],
            f"reason_{form.pk}": "Chưa ký",
            f"reason_{birth.pk}": "Bản chụp mờ",
            "other_items": "Giấy ủy quyền: người nộp thay",
            "note": "Nộp qua Cổng dịch vụ công",
        },
        follow=True,
    )
    request = SupplementRequest.objects.get(dossier=dossier)
    assert [item["reason"] for item in request.items] == [
        "Chưa ký",
        "Bản chụp mờ",
        "người nộp thay",
    ]
    body = response.content.decode()
    assert "Giấy ủy quyền: người nộp thay" in body and "hạn bổ sung" in body
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT


def test_the_page_shows_both_processing_periods(client, agency, officer_of, make_dossier):
    desk = officer_of(agency, Role.DESK_OFFICER)
    dossier = make_dossier(Status.SUBMITTED)
    transition(dossier, "receive", by=desk, at=_at(3, 9))
    transition(dossier, "request_supplement", by=desk, note="Thiếu tờ khai", at=_at(5, 9))
    transition(dossier, "provide_supplement", by=desk, at=_at(10, 14))
    client.force_login(desk)
    page = client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()
    assert "Lần 1: từ 03/03/2025 09:00 đến 05/03/2025 09:00" in page
    assert "Lần 2: từ 10/03/2025 14:00" in page


def test_the_new_queue_shows_the_intake_hours(make_dossier):
    dossier = make_dossier(Status.SUBMITTED, intake_due_at=_at(17, 15))
    assert selectors.intake_time(dossier, _at(17, 11)) == ("Còn 2,5 giờ làm việc", "")
    assert selectors.intake_time(dossier, _at(14, 15)) == ("Còn 8 giờ làm việc", "")
    text, state = selectors.intake_time(dossier, _at(18, 9, 30))
    assert (text, state) == ("Quá hạn tiếp nhận 4 giờ", "overdue")
    received = make_dossier(Status.RECEIVED, intake_due_at=_at(17, 15))
    assert selectors.intake_time(received, _at(18, 9)) == ("", "")


def test_the_queue_page_carries_the_intake_time(client, agency, officer_of, make_dossier):
    make_dossier(Status.SUBMITTED, intake_due_at=dt.datetime(2000, 1, 3, 9, tzinfo=VN))
    client.force_login(officer_of(agency, Role.DESK_OFFICER))
    page = client.get(reverse("backoffice:queue") + "?hang=moi").content.decode()
    assert "Quá hạn tiếp nhận" in page


def test_the_desk_stops_a_dossier_on_the_applicants_written_request(
    client, agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.IN_PROCESS)
    client.force_login(officer_of(agency, Role.DESK_OFFICER))
    url = reverse("backoffice:act", args=[dossier.public_id, "stop"])
    assert client.post(url, {"note": ""}).status_code == 400
    client.post(url, {"note": "Đơn đề nghị dừng giải quyết ngày 10/3", "confirm": "on"})
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED
