"""Counter intake of an online-only procedure: refused with a form error, marked in the
procedure picker (docs/ASSISTED.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.catalog.models import OnlineOnlyRule
from motcua.dossiers.models import Dossier

from .test_intake import URL, post_data

pytestmark = pytest.mark.django_db


def test_the_desk_sees_a_form_error_not_a_500(client, agency, officer_of, version):
    today = timezone.localdate()
    OnlineOnlyRule.objects.create(procedure=version.procedure, valid_from=today)
    client.force_login(officer_of(agency))
    page = client.post(URL, post_data(agency, version))
    assert page.status_code == 400
    body = page.content.decode()
    assert (
        f"Thủ tục này chỉ tiếp nhận hồ sơ trực tuyến từ ngày {today:%d/%m/%Y}; đề nghị hướng "
        "dẫn công dân nộp trực tuyến hoặc nộp hộ qua nhân viên hỗ trợ."
    ) in body
    assert not Dossier.objects.exists()


def test_the_picker_marks_online_only_procedures(client, agency, officer_of, version):
    client.force_login(officer_of(agency))
    assert "chỉ tiếp nhận trực tuyến" not in client.get(URL).content.decode()
    OnlineOnlyRule.objects.create(procedure=version.procedure, valid_from=timezone.localdate())
    page = client.get(URL).content.decode()
    assert f"{version.procedure.code} – {version.name} – chỉ tiếp nhận trực tuyến" in page


def test_a_rule_starting_tomorrow_does_not_refuse_today(client, agency, officer_of, version):
    OnlineOnlyRule.objects.create(
        procedure=version.procedure, valid_from=timezone.localdate() + dt.timedelta(days=1)
    )
    client.force_login(officer_of(agency))
    assert client.post(URL, post_data(agency, version)).status_code == 302
    assert Dossier.objects.count() == 1
