"""Actions on dossiers, the catalogue and permissions land in the audit trail."""

import pytest

from motcua.agencies import services as agency_services
from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.audit.selectors import verify_chain
from motcua.catalog import services as catalog_services
from motcua.dossiers import services as dossier_services
from tests.factories import AgencyFactory, ApplicantFactory, UserFactory, procedure_version


@pytest.mark.django_db
def test_dossier_transitions_are_audited_with_their_actor():
    officer = UserFactory()
    version = procedure_version()
    dossier = dossier_services.create_draft(
        applicant=ApplicantFactory(), version=version, agency=AgencyFactory()
    )
    dossier_services.transition(dossier, "submit")
    dossier_services.transition(dossier, "receive", by=officer)

    last = AuditRecord.objects.order_by("-id").first()
    assert (last.action, last.actor, last.data["code"]) == (
        "dossier.receive",
        officer,
        dossier.code,
    )
    assert last.data["from"] == "submitted" and last.data["to"] == "received"
    assert verify_chain().ok


@pytest.mark.django_db
def test_counter_intake_is_audited():
    officer = UserFactory()
    dossier = dossier_services.record_counter_dossier(
        applicant=ApplicantFactory(),
        version=procedure_version(),
        agency=AgencyFactory(),
        by=officer,
    )
    assert AuditRecord.objects.filter(
        action="dossier.receive", object_id=str(dossier.pk), actor=officer
    ).exists()


@pytest.mark.django_db
def test_publishing_a_catalogue_version_is_audited():
    version = procedure_version("AUD.01")
    agency = AgencyFactory()
    version.agencies.add(agency)
    admin = UserFactory(is_superuser=True)
    draft = catalog_services.new_draft_version(version.procedure, by=admin)
    catalog_services.publish_version(draft, by=admin)
    record = AuditRecord.objects.filter(action="catalog.publish").order_by("-id").first()
    assert record.actor == admin
    assert record.agency_id == agency.pk
    assert record.data == {
        "procedure": "AUD.01",
        "number": 2,
        "superseded_id": version.pk,
        "agencies": [agency.code],
        "removed_agencies": [],
        "changed": [],
        "changes": {},
    }


@pytest.mark.django_db
def test_granting_and_revoking_a_role_is_audited():
    admin, officer, agency = UserFactory(is_superuser=True), UserFactory(), AgencyFactory()
    membership = agency_services.grant_membership(
        user=officer, agency=agency, role=Role.LEADER, by=admin
    )
    agency_services.revoke_membership(membership, by=admin)
    actions = list(
        AuditRecord.objects.filter(action__startswith="membership.")
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("membership.grant", admin.pk), ("membership.revoke", admin.pk)]
