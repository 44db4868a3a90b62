"""Officers belong to units (one-stop desk, specialists' office, leadership) inside an agency."""

import pytest

from motcua.agencies.models import Agency, Role
from motcua.backoffice import scope
from motcua.dossiers.models import Status
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_a_desk_officer_of_the_one_stop_unit_sees_and_receives_the_agencys_dossiers(
    agency, officer_of, make_dossier
):
    desk = AgencyFactory(kind=Agency.Kind.UNIT, parent=agency, name="Bộ phận một cửa")
    officer = officer_of(desk, Role.DESK_OFFICER)
    dossier = make_dossier(Status.SUBMITTED)
    assert scope.dossiers_for(officer).filter(pk=dossier.pk).exists()
    assert scope.can(officer, "receive", dossier)


def test_a_leader_of_the_leadership_unit_may_approve_but_not_receive(
    agency, officer_of, make_dossier
):
    leadership = AgencyFactory(kind=Agency.Kind.UNIT, parent=agency, name="Lãnh đạo")
    leader = officer_of(leadership, Role.LEADER)
    dossier = make_dossier(Status.IN_PROCESS)
    assert scope.can(leader, "approve", dossier)
    assert not scope.can(leader, "receive", dossier)


def test_a_unit_of_another_agency_sees_nothing_here(agency, other_agency, officer_of, make_dossier):
    desk = AgencyFactory(kind=Agency.Kind.UNIT, parent=other_agency)
    officer = officer_of(desk, Role.DESK_OFFICER)
    dossier = make_dossier(Status.SUBMITTED)
    assert not scope.dossiers_for(officer).filter(pk=dossier.pk).exists()
    assert not scope.can(officer, "receive", dossier)
