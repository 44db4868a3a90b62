"""Who sees which dossiers and who may do what: one agency's officers never reach another's."""

import pytest
from django.urls import reverse

from motcua.agencies.models import Agency, Role
from motcua.backoffice import scope
from motcua.dossiers.models import Status, StatusChange
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_desk_officer_sees_own_agency_submitted_dossier_in_new_queue(
    client, agency, other_agency, officer_of, make_dossier
):
    mine = make_dossier(Status.SUBMITTED)
    theirs = make_dossier(Status.SUBMITTED, agency=other_agency)
    client.force_login(officer_of(agency))
    page = client.get(reverse("backoffice:queue") + "?hang=moi").content.decode()
    assert mine.code in page
    assert theirs.code not in page


def test_other_agency_dossier_detail_by_url_is_not_found(
    client, agency, other_agency, officer_of, make_dossier
):
    theirs = make_dossier(Status.SUBMITTED, agency=other_agency)
    client.force_login(officer_of(agency))
    response = client.get(reverse("backoffice:dossier", args=[theirs.public_id]))
    assert response.status_code == 404


def test_receive_on_other_agency_dossier_is_not_found_and_changes_nothing(
    client, agency, other_agency, officer_of, make_dossier
):
    theirs = make_dossier(Status.SUBMITTED, agency=other_agency)
    client.force_login(officer_of(agency))
    response = client.post(reverse("backoffice:act", args=[theirs.public_id, "receive"]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED
    assert not StatusChange.objects.filter(dossier=theirs).exists()


def test_supervisor_of_parent_agency_sees_units_below(agency, officer_of, make_dossier):
    unit = AgencyFactory(parent=agency)
    below = make_dossier(Status.RECEIVED, agency=unit)
    supervisor = officer_of(agency, Role.SUPERVISOR)
    assert below in scope.dossiers_for(supervisor)


def test_supervisor_may_not_act(agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    supervisor = officer_of(agency, Role.SUPERVISOR)
    assert not any(scope.can(supervisor, action, dossier) for action in scope.ACTION_ROLES)


def test_officer_of_a_unit_does_not_see_the_parent_agency(agency, officer_of, make_dossier):
    unit = AgencyFactory(parent=agency)
    upstairs = make_dossier(Status.RECEIVED)
    assert upstairs not in scope.dossiers_for(officer_of(unit))


def test_drafts_are_never_in_scope(agency, officer_of, make_dossier):
    draft = make_dossier(Status.DRAFT, code=None)
    assert draft not in scope.dossiers_for(officer_of(agency))


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("backoffice:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_user_without_membership_gets_403_with_vietnamese_message(client):
    client.force_login(UserFactory(username="citizen"))
    response = client.get(reverse("backoffice:queue"))
    assert response.status_code == 403
    assert "chưa được phân công" in response.content.decode()


def test_leader_of_the_agency_may_approve_a_dossier_filed_at_one_of_its_units(
    agency, officer_of, make_dossier
):
    unit = AgencyFactory(parent=agency, kind=Agency.Kind.UNIT)
    dossier = make_dossier(Status.IN_PROCESS, agency=unit)
    assert scope.can(officer_of(agency, Role.LEADER), "approve", dossier)


@pytest.fixture
def ward_and_police():
    """A ward and its police: a separate agency placed under the ward, with its units."""
    ward = AgencyFactory(code="W", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE)
    police = AgencyFactory(
        code="W.CA", name="Công an phường Kinh Bắc", kind=Agency.Kind.DEPARTMENT, parent=ward
    )
    units = {
        (agency.code, role): AgencyFactory(parent=agency, kind=Agency.Kind.UNIT)
        for agency in (ward, police)
        for role in (Role.DESK_OFFICER, Role.LEADER)
    }
    return ward, police, units


def test_the_wards_desk_and_leader_see_but_never_act_on_the_police_dossiers(
    ward_and_police, officer_of, make_dossier
):
    ward, police, units = ward_and_police
    desk = officer_of(units[("W", Role.DESK_OFFICER)], Role.DESK_OFFICER)
    leader = officer_of(units[("W", Role.LEADER)], Role.LEADER)
    submitted = make_dossier(Status.SUBMITTED, agency=police)
    in_process = make_dossier(Status.IN_PROCESS, agency=police)
    assert submitted in scope.dossiers_for(desk)  # seeing stays hierarchical
    assert scope.permitted_actions(desk, submitted, list(scope.ACTION_ROLES)) == []
    assert scope.permitted_actions(leader, in_process, list(scope.ACTION_ROLES)) == []


def test_roles_held_directly_in_the_ward_do_not_act_on_the_police_dossiers(
    ward_and_police, officer_of, make_dossier
):
    ward, police, _units = ward_and_police
    dossier = make_dossier(Status.SUBMITTED, agency=police)
    desk = officer_of(ward, Role.DESK_OFFICER)
    assert not scope.can(desk, "receive", dossier)
    assert not scope.can(desk, "refuse_intake", dossier)


def test_the_polices_own_units_act_on_its_dossiers_and_the_wards_keep_the_wards(
    ward_and_police, officer_of, make_dossier
):
    ward, police, units = ward_and_police
    police_desk = officer_of(units[("W.CA", Role.DESK_OFFICER)], Role.DESK_OFFICER)
    ward_desk = officer_of(units[("W", Role.DESK_OFFICER)], Role.DESK_OFFICER)
    at_police = make_dossier(Status.SUBMITTED, agency=police)
    at_ward = make_dossier(Status.SUBMITTED, agency=ward)
    assert scope.can(police_desk, "receive", at_police)
    assert scope.can(ward_desk, "receive", at_ward)
    assert at_ward not in scope.dossiers_for(police_desk)


def test_a_supervisors_leader_role_in_the_province_does_not_act_in_its_departments(
    agency, officer_of, make_dossier
):
    province = AgencyFactory(kind=Agency.Kind.PROVINCE)
    agency.parent = province
    agency.save()
    dossier = make_dossier(Status.IN_PROCESS)
    assert not scope.can(officer_of(province, Role.LEADER), "approve", dossier)


def test_desk_officer_of_other_agency_may_not_receive(other_agency, officer_of, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    assert not scope.can(officer_of(other_agency), "receive", dossier)
