"""Online-only rules: kept in the admin (audited), read by ``selectors.online_only``,
shown on the portal's procedure page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.audit.models import AuditRecord
from motcua.catalog.models import OnlineOnlyRule
from motcua.catalog.selectors import online_only
from tests.factories import AgencyFactory, UserFactory, offered_version

pytestmark = pytest.mark.django_db
URL = "/quan-tri/catalog/onlineonlyrule/"


@pytest.fixture
def province():
    return AgencyFactory(code="OP", name="Tỉnh Phú An", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def version(province):
    commune = AgencyFactory(code="OP.X", name="Xã A", kind="commune", parent=province)
    return offered_version("OO.01", [commune])


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="qtht", is_staff=True, is_superuser=True))
    return client


def test_adding_and_removing_a_rule_in_the_admin_is_audited(admin_client, version, province):
    added = admin_client.post(
        URL + "add/",
        {
            "procedure": version.procedure.pk,
            "agency": province.pk,
            "valid_from": "2026-07-01",
            "valid_until": "",
            "note": "Quyết định 123/QĐ-UBND",
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    rule = OnlineOnlyRule.objects.get()
    assert rule.valid_from == dt.date(2026, 7, 1) and rule.created_by.username == "qtht"
    saved = AuditRecord.objects.get(action="catalog.online_only_saved")
    assert saved.data["procedure"] == "OO.01" and saved.data["agency"] == "OP"

    removed = admin_client.post(f"{URL}{rule.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302
    assert not OnlineOnlyRule.objects.exists()
    assert AuditRecord.objects.get(action="catalog.online_only_removed").data["note"] == (
        "Quyết định 123/QĐ-UBND"
    )


def test_an_end_before_the_start_is_refused(admin_client, version):
    page = admin_client.post(
        URL + "add/",
        {
            "procedure": version.procedure.pk,
            "valid_from": "2026-07-01",
            "valid_until": "2026-06-30",
        },
    )
    assert page.status_code == 200
    assert "Ngày hết áp dụng phải sau ngày bắt đầu áp dụng." in page.content.decode()
    assert not OnlineOnlyRule.objects.exists()


def test_the_selector_finds_the_rule_of_an_agency_above(version, province):
    commune = version.agencies.get()
    rule = OnlineOnlyRule.objects.create(
        procedure=version.procedure, agency=province, valid_from=dt.date(2026, 7, 1)
    )
    assert online_only(version.procedure, commune, dt.date(2026, 7, 1)) == rule
    assert online_only(version.procedure, commune, dt.date(2026, 6, 30)) is None


def test_the_portal_page_says_online_only(client, version, province):
    page = client.get(f"/thu-tuc/{version.procedure.code}/").content.decode()
    assert "Chỉ tiếp nhận trực tuyến" not in page
    OnlineOnlyRule.objects.create(
        procedure=version.procedure, agency=province, valid_from=timezone.localdate()
    )
    page = client.get(f"/thu-tuc/{version.procedure.code}/").content.decode()
    assert "Chỉ tiếp nhận trực tuyến" in page
    assert "Tại Tỉnh Phú An và các đơn vị trực thuộc" in page
