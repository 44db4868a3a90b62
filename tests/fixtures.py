"""Fixtures that several test packages define alike, registered for the whole suite by
the root ``conftest.py`` (``pytest_plugins``).

A package whose fixture of the same name differs defines its own in its conftest, which
takes precedence over these. Fixtures that need others a package defines (``applicant``,
``version``) are used only where those exist.
"""

from __future__ import annotations

import pytest

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    UserFactory,
    World,
    citizen_user,
    dossier_maker,
    officer_user,
)

# The citizens of the portal, API and hostile-input tests.
PID = "001090001111"
OTHER_PID = "001090002222"


@pytest.fixture
def agency():
    return AgencyFactory(code="STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)


@pytest.fixture
def commune():
    return AgencyFactory(code="BN.KB", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def other_commune():
    return AgencyFactory(code="BN.VA", name="Phường Võ Cường", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def officer():
    return UserFactory(username="canbo")


@pytest.fixture
def officer_of():
    """``officer_of(agency, role=DESK_OFFICER, username=None)``: a user holding ``role`` at
    ``agency``."""

    def make(agency, role=Role.DESK_OFFICER, username=None):
        return officer_user(agency, role, username)

    return make


@pytest.fixture
def citizen():
    return citizen_user("congdan", "Nguyễn Văn An", PID)


@pytest.fixture
def other_citizen():
    return citizen_user("hangxom", "Trần Thị Bình", OTHER_PID)


@pytest.fixture
def make_dossier(applicant, version, agency):
    """A dossier put directly in ``status`` (as if it had got there through the workflow)."""
    return dossier_maker(
        Status.DRAFT, applicant=applicant, procedure_version=version, agency=agency
    )


@pytest.fixture
def world():
    """Dossiers driven through the real services at chosen moments."""
    return World()


@pytest.fixture(scope="session")
def instance_databases(tmp_path_factory):
    """Databases for instances run as processes (copies of one migrated template)."""
    from motcua.events.tests.instances import databases

    found = databases(tmp_path_factory.mktemp("instances"))
    yield found
    found.drop_all()


def registry_family(
    *,
    wife: tuple[str, str, str],
    husband: tuple[str, str, str],
    household_id: str,
    residence: dict,
    address: str,
    grandma: tuple[str, str, str] | None = None,
) -> None:
    """A married couple heading a household in the registry simulator (the husband is
    the head), and the wife's mother when ``grandma`` is given. Each person is
    ``(personal_id, full_name, birth_date)``."""
    from motcua.registrysim import services as sim

    common = {"household_id": household_id, "residence": residence, "permanent_address": address}
    if grandma is not None:
        pid, name, born = grandma
        sim.upsert_person(personal_id=pid, full_name=name, birth_date=born, gender="nu")
    pid, name, born = husband
    sim.upsert_person(
        personal_id=pid,
        full_name=name,
        birth_date=born,
        gender="nam",
        spouse_id=wife[0],
        relation_to_head="chu_ho",
        **common,
    )
    pid, name, born = wife
    parents = {"mother_id": grandma[0]} if grandma is not None else {}
    sim.upsert_person(
        personal_id=pid,
        full_name=name,
        birth_date=born,
        gender="nu",
        spouse_id=husband[0],
        relation_to_head="vo",
        **parents,
        **common,
    )
