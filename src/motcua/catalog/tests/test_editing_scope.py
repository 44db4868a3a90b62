"""Who may make and publish versions of a procedure, and what publishing refuses (hole 1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from motcua.agencies.models import Agency, Role
from motcua.agencies.services import agency_admin_group
from motcua.audit.models import AuditRecord
from motcua.catalog import services
from motcua.catalog.models import ProcedureVersion
from tests.factories import AgencyFactory, UserFactory, offered_version, officer_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    """A province with a department (Sở Tư pháp) and a commune, each with its administrator."""
    p = AgencyFactory(code="TP", name="Tỉnh Phú An", kind=Agency.Kind.PROVINCE)
    department = AgencyFactory(code="TP.STP", name="Sở Tư pháp", kind="department", parent=p)
    commune = AgencyFactory(code="TP.XA", name="Xã An Bình", kind=Agency.Kind.COMMUNE, parent=p)
    return {"province": p, "department": department, "commune": commune}


def admin_of(agency):
    user = officer_user(agency, Role.AGENCY_ADMIN, is_staff=True)
    user.groups.add(agency_admin_group())
    return user


def test_a_commune_admin_cannot_make_a_version_of_a_department_procedure(province):
    version = offered_version("STP.01", [province["department"]], processing_days=10)
    with pytest.raises(PermissionDenied):
        services.new_draft_version(version.procedure, by=admin_of(province["commune"]))
    assert version.procedure.versions.count() == 1


def test_a_commune_admin_cannot_publish_a_draft_of_a_department_procedure(province):
    version = offered_version("STP.01", [province["department"]], processing_days=10)
    draft = services.new_draft_version(version.procedure)
    with pytest.raises(PermissionDenied):
        services.publish_version(draft, by=admin_of(province["commune"]))
    version.procedure.refresh_from_db()
    assert version.procedure.current_version == version


def test_a_procedure_shared_with_another_agency_is_left_to_the_national_level(province):
    version = offered_version("STP.02", [province["department"], province["commune"]])
    with pytest.raises(PermissionDenied):
        services.new_draft_version(version.procedure, by=admin_of(province["commune"]))


def test_the_owning_agency_admin_publishes_and_the_record_names_the_agency(province):
    department = province["department"]
    version = offered_version("STP.01", [department], processing_days=10)
    admin = admin_of(department)
    draft = services.new_draft_version(version.procedure, by=admin)
    draft.processing_days = 1
    draft.save()
    services.publish_version(draft, by=admin)
    records = AuditRecord.objects.filter(action__startswith="catalog.", actor=admin).order_by("id")
    assert [(r.action, r.agency_id) for r in records] == [
        ("catalog.new_draft", department.pk),
        ("catalog.publish", department.pk),
    ]
    assert records.last().data["changes"] == {"processing_days": [10, 1]}


def test_the_province_admin_may_edit_a_procedure_of_its_department(province):
    version = offered_version("STP.01", [province["department"]])
    draft = services.new_draft_version(version.procedure, by=admin_of(province["province"]))
    assert draft.status == ProcedureVersion.Status.DRAFT


def test_publishing_a_version_without_receiving_agency_is_refused(province):
    version = offered_version("STP.01", [province["department"]])
    draft = services.new_draft_version(version.procedure)
    draft.agencies.clear()
    superuser = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError, match="không có cơ quan tiếp nhận"):
        services.publish_version(draft, by=superuser)
    version.procedure.refresh_from_db()
    assert version.procedure.current_version == version


def test_an_agency_admin_cannot_give_their_procedure_to_another_agency(province):
    version = offered_version("STP.01", [province["commune"]])
    admin = admin_of(province["commune"])
    draft = services.new_draft_version(version.procedure, by=admin)
    draft.agencies.add(province["department"])
    with pytest.raises(PermissionDenied):
        services.publish_version(draft, by=admin)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_hides_other_agencies_procedures_and_refuses_their_actions(province):
    theirs = offered_version("STP.01", [province["department"]])
    ours = offered_version("XA.01", [province["commune"]])
    client = _client(admin_of(province["commune"]))
    page = client.get("/quan-tri/catalog/procedureversion/").content.decode()
    assert "XA.01" in page and "STP.01" not in page
    client.post(
        "/quan-tri/catalog/procedureversion/",
        {"action": "new_draft", "_selected_action": [theirs.pk, ours.pk]},
    )
    assert theirs.procedure.versions.count() == 1
    assert ours.procedure.versions.count() == 2


def test_the_admin_explains_why_a_draft_without_agency_is_not_published(province):
    version = offered_version("XA.01", [province["commune"]])
    client = _client(admin_of(province["commune"]))
    draft = services.new_draft_version(version.procedure)
    draft.agencies.clear()
    response = client.post(
        "/quan-tri/catalog/procedureversion/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "không có cơ quan tiếp nhận hồ sơ" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProcedureVersion.Status.DRAFT
