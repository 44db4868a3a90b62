"""Online-only procedures at the counter (``online_only.check_counter_intake``, called
by ``services.receive_at_counter``): which rule applies where and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.agencies.models import Agency, Role
from motcua.catalog.models import OnlineOnlyRule
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.online_only import OnlineOnly, check_counter_intake
from tests.factories import AgencyFactory, offered_version, officer_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 1)
PERSON = {
    "kind": "person",
    "personal_id": "001090123456",
    "tax_code": "",
    "name": "Nguyễn Văn An",
    "phone": "",
    "address": "",
}


@pytest.fixture
def tree():
    p = AgencyFactory(code="OP", name="Tỉnh Phú An", kind=Agency.Kind.PROVINCE)
    q = AgencyFactory(code="OQ", name="Tỉnh Bình Yên", kind=Agency.Kind.PROVINCE)
    return {
        "p": p,
        "q": q,
        "p_commune": AgencyFactory(code="OP.X", name="Xã A", kind="commune", parent=p),
        "q_commune": AgencyFactory(code="OQ.Y", name="Xã B", kind="commune", parent=q),
    }


@pytest.fixture
def version(tree):
    return offered_version("OO.01", [tree["p_commune"], tree["q_commune"]])


def _rule(version, agency=None, start=TODAY, end=None):
    return OnlineOnlyRule.objects.create(
        procedure=version.procedure, agency=agency, valid_from=start, valid_until=end
    )


def test_refused_from_the_first_day_with_the_date_in_the_message(tree, version):
    _rule(version, tree["p"])
    with pytest.raises(OnlineOnly) as refused:
        check_counter_intake(version, tree["p"], TODAY)
    assert "chỉ tiếp nhận hồ sơ trực tuyến từ ngày 01/07/2026" in refused.value.message
    assert "nộp hộ qua nhân viên hỗ trợ" in refused.value.message
    with pytest.raises(OnlineOnly):
        check_counter_intake(version, tree["p"], TODAY + dt.timedelta(days=30))


def test_accepted_the_day_before(tree, version):
    _rule(version, tree["p"])
    check_counter_intake(version, tree["p"], TODAY - dt.timedelta(days=1))


def test_accepted_after_the_rule_ends(tree, version):
    _rule(version, tree["p"], end=TODAY + dt.timedelta(days=10))
    with pytest.raises(OnlineOnly):
        check_counter_intake(version, tree["p"], TODAY + dt.timedelta(days=10))
    check_counter_intake(version, tree["p"], TODAY + dt.timedelta(days=11))


def test_applies_to_the_agencies_below(tree, version):
    _rule(version, tree["p"])
    with pytest.raises(OnlineOnly):
        check_counter_intake(version, tree["p_commune"], TODAY)


def test_not_in_another_province(tree, version):
    _rule(version, tree["p"])
    check_counter_intake(version, tree["q"], TODAY)
    check_counter_intake(version, tree["q_commune"], TODAY)


def test_a_rule_without_agency_applies_everywhere(tree, version):
    _rule(version)
    for agency in tree.values():
        with pytest.raises(OnlineOnly):
            check_counter_intake(version, agency, TODAY)


def test_another_procedure_is_not_concerned(tree, version):
    _rule(version, tree["p"])
    other = offered_version("OO.02", [tree["p_commune"]])
    check_counter_intake(other, tree["p_commune"], TODAY)


def test_receive_at_counter_records_nothing_when_refused(tree, version):
    desk = officer_user(tree["p_commune"], Role.DESK_OFFICER)
    _rule(version, tree["p"], start=timezone.localdate())
    with pytest.raises(OnlineOnly):
        services.receive_at_counter(
            applicant=PERSON, version=version, agency=tree["p_commune"], by=desk
        )
    assert not Dossier.objects.exists()
    dossier = services.receive_at_counter(
        applicant=PERSON, version=version, agency=tree["q_commune"], by=desk
    )
    assert dossier.channel == Channel.COUNTER
