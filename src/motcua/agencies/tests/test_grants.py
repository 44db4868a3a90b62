"""The rules of granting roles (hole 7): no self-grant, only the administrator's own
agencies and officers, separation of duties."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from motcua.agencies.models import Agency, Membership, Role
from motcua.agencies.services import agency_admin_group, grant_membership, revoke_membership
from motcua.audit.models import AuditRecord
from tests.factories import AgencyFactory, UserFactory, citizen_user, officer_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def x():
    return AgencyFactory(code="X", name="Sở Tư pháp X")


@pytest.fixture
def admin_x(x):
    user = officer_user(x, Role.AGENCY_ADMIN, username="quantri.x", is_staff=True)
    user.groups.add(agency_admin_group())
    return user


def test_an_agency_admin_cannot_grant_themselves_a_role(x, admin_x):
    with pytest.raises(ValidationError, match="chính mình"):
        grant_membership(user=admin_x, agency=x, role=Role.LEADER, by=admin_x)
    assert not Membership.objects.filter(user=admin_x, role=Role.LEADER).exists()


def test_even_a_superuser_cannot_grant_themselves_a_role(x):
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError):
        grant_membership(user=superuser, agency=x, role=Role.DESK_OFFICER, by=superuser)


def test_an_agency_admin_cannot_give_a_citizen_a_role(x, admin_x):
    citizen = citizen_user("congdan", "Nguyễn Văn An", "001090000001")
    with pytest.raises(ValidationError, match="cán bộ đang công tác"):
        grant_membership(user=citizen, agency=x, role=Role.DESK_OFFICER, by=admin_x)


def test_an_agency_admin_cannot_give_another_agencys_officer_a_role(x, admin_x):
    other = officer_user(AgencyFactory(code="Y"), Role.DESK_OFFICER)
    with pytest.raises(ValidationError, match="cán bộ đang công tác"):
        grant_membership(user=other, agency=x, role=Role.SPECIALIST, by=admin_x)


def test_an_agency_admin_grants_a_role_to_their_own_officer(x, admin_x):
    officer = officer_user(x, Role.SPECIALIST)
    membership = grant_membership(user=officer, agency=x, role=Role.DESK_OFFICER, by=admin_x)
    assert AuditRecord.objects.filter(
        action="membership.grant", object_id=str(membership.pk), agency_id=x.pk
    ).exists()


def test_an_agency_admin_cannot_grant_the_supervisor_role(x, admin_x):
    officer = officer_user(x, Role.SPECIALIST)
    with pytest.raises(ValidationError, match="giám sát"):
        grant_membership(user=officer, agency=x, role=Role.SUPERVISOR, by=admin_x)


def test_desk_and_leader_roles_are_kept_apart_in_one_agency_and_its_units(x):
    desk_unit = AgencyFactory(parent=x, kind=Agency.Kind.UNIT, name="Bộ phận một cửa")
    leaders = AgencyFactory(parent=x, kind=Agency.Kind.UNIT, name="Lãnh đạo")
    officer = officer_user(desk_unit, Role.DESK_OFFICER)
    superuser = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError, match="đồng thời"):
        grant_membership(user=officer, agency=leaders, role=Role.LEADER, by=superuser)
    # Elsewhere the same person may lead.
    grant_membership(user=officer, agency=AgencyFactory(), role=Role.LEADER, by=superuser)


def test_separation_of_duties_follows_the_setting(x, settings):
    settings.MOTCUA_ROLE_CONFLICTS = []
    officer = officer_user(x, Role.DESK_OFFICER)
    grant_membership(user=officer, agency=x, role=Role.LEADER, by=UserFactory(is_superuser=True))
    settings.MOTCUA_ROLE_CONFLICTS = ["specialist+leader"]
    other = officer_user(x, Role.SPECIALIST, username="cv")
    with pytest.raises(ValidationError):
        grant_membership(user=other, agency=x, role=Role.LEADER, by=None)


def test_an_agency_admin_cannot_revoke_a_role_in_another_agency(admin_x):
    other = officer_user(AgencyFactory(code="Y"), Role.DESK_OFFICER)
    with pytest.raises(ValidationError):
        revoke_membership(other.memberships.get(), by=admin_x)
    assert other.memberships.exists()


def test_the_admin_form_says_why_a_self_grant_is_refused(x, admin_x):
    client = Client()
    client.force_login(admin_x)
    response = client.post(
        "/quan-tri/agencies/membership/add/",
        {"user": admin_x.pk, "agency": x.pk, "role": Role.LEADER, "_save": "1"},
    )
    assert response.status_code == 200
    assert "chính mình" in response.content.decode()
    assert not Membership.objects.filter(user=admin_x, role=Role.LEADER).exists()
