"""Procedure versions: drafts, publishing, the online fee, and the catalogue selectors."""

import pytest

from motcua.catalog import selectors, services
from motcua.catalog.models import OnlineFeePolicy, ProcedureVersion, ServiceLevel
from tests.factories import procedure_version


@pytest.mark.django_db
def test_new_draft_version_copies_fields_components_and_steps():
    published = procedure_version(fee_vnd=20000, supplement_requests_allowed=3)
    draft = services.new_draft_version(published.procedure)
    assert (draft.number, draft.status) == (2, ProcedureVersion.Status.DRAFT)
    assert draft.fee_vnd == 20000
    # Every field of the version is carried over, the allowed supplement requests too.
    assert draft.supplement_requests_allowed == 3
    assert draft.form_schema == published.form_schema
    assert [(c.position, c.name) for c in draft.components.all()] == [
        (c.position, c.name) for c in published.components.all()
    ]
    assert [(s.position, s.name, s.role, s.days) for s in draft.steps.all()] == [
        (s.position, s.name, s.role, s.days) for s in published.steps.all()
    ]


@pytest.mark.django_db
def test_new_draft_version_leaves_the_published_version_current():
    published = procedure_version()
    services.new_draft_version(published.procedure)
    published.procedure.refresh_from_db()
    assert published.procedure.current_version_id == published.pk


@pytest.mark.django_db
def test_publish_version_supersedes_the_previous_one():
    old = procedure_version()
    draft = services.new_draft_version(old.procedure)
    services.publish_version(draft)
    old.refresh_from_db()
    old.procedure.refresh_from_db()
    assert old.status == ProcedureVersion.Status.SUPERSEDED
    assert draft.status == ProcedureVersion.Status.PUBLISHED
    assert draft.published_at is not None
    assert old.procedure.current_version_id == draft.pk


@pytest.mark.django_db
def test_save_procedure_with_identical_data_creates_no_version():
    first = procedure_version()
    again = procedure_version()
    assert again.pk == first.pk
    assert first.procedure.versions.count() == 1


@pytest.mark.parametrize(
    ("policy", "value", "expected"),
    [
        (OnlineFeePolicy.NONE, 0, 100000),
        (OnlineFeePolicy.PERCENT_DISCOUNT, 50, 50000),
        (OnlineFeePolicy.PERCENT_DISCOUNT, 100, 0),
        (OnlineFeePolicy.EXEMPT, 0, 0),
        (OnlineFeePolicy.FIXED, 30000, 30000),
        (OnlineFeePolicy.FIXED, 150000, 100000),  # never more than at the counter
    ],
)
def test_online_fee_vnd_applies_the_online_fee_policy(policy, value, expected):
    version = ProcedureVersion(fee_vnd=100000, online_fee_policy=policy, online_fee_value=value)
    assert version.online_fee_vnd == expected


@pytest.mark.django_db
def test_published_procedures_excludes_procedures_with_only_a_draft():
    published = procedure_version("A.01")
    draft_only, _ = services.save_procedure(
        services.ProcedureData(
            code="B.01",
            name="Nháp",
            sector="Hộ tịch",
            level="commune",
            authority="UBND",
            processing_days=1,
            fee_vnd=0,
            service_level=ServiceLevel.FULL,
            result_name="KQ",
            components=[("Tờ khai", "")],
        ),
        publish=False,
    )
    assert list(selectors.published_procedures()) == [published.procedure]
    assert selectors.procedure_by_code("A.01") == published.procedure
    assert selectors.procedure_by_code("B.01") is None
    assert selectors.procedure_by_code("C.01") is None


@pytest.mark.django_db
def test_sectors_with_counts_counts_published_procedures_once():
    procedure_version("A.01", sector="Hộ tịch")
    procedure_version("A.02", sector="Hộ tịch")
    procedure_version("A.02", sector="Hộ tịch", fee_vnd=1)  # a second version of A.02
    procedure_version("B.01", sector="Chứng thực")
    counts = {sector.name: sector.procedure_count for sector in selectors.sectors_with_counts()}
    assert counts == {"Chứng thực": 1, "Hộ tịch": 2}
