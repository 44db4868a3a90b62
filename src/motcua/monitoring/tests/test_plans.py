"""Targets and plans: which target applies, progress against a plan, agencies with no plan."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion, ServiceLevel
from motcua.monitoring import services
from motcua.monitoring.models import Indicator, Target
from motcua.monitoring.plans import agencies_without_plan, plan_progress
from motcua.monitoring.selectors import Context, targets_for
from motcua.monitoring.services import MonitoringError, PlannedProcedure
from motcua.monitoring.tests.conftest import local
from tests.factories import AgencyFactory, procedure_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry():
    return AgencyFactory(code="BO.TP", name="Bộ Tư pháp", kind=Agency.Kind.MINISTRY)


def test_national_targets_from_the_seed_documents_are_loaded(province, ministry):
    tree = Context().tree
    for_province = targets_for(province.pk, 2025, tree)
    for_ministry = targets_for(ministry.pk, 2025, tree)
    assert for_province[Indicator.FULLY_ONLINE_DOSSIERS].value == 70
    assert for_ministry[Indicator.FULLY_ONLINE_DOSSIERS].value == 85
    assert for_province[Indicator.ELIGIBLE_FULL_ONLINE].value == 100
    assert for_province[Indicator.ONLINE_DOSSIERS].value == 80
    # 2024 had its own, lower targets.
    assert targets_for(province.pk, 2024, tree)[Indicator.FULLY_ONLINE_DOSSIERS].value == 30


def test_a_target_stays_in_force_until_a_later_year_sets_another(department):
    tree = Context().tree
    assert targets_for(department.pk, 2027, tree)[Indicator.ONLINE_DOSSIERS].value == 80


def test_an_agencys_own_target_wins_over_the_national_one(department):
    services.save_target(
        indicator=Indicator.ONLINE_DOSSIERS, year=2026, value="90", agency=department
    )
    tree = Context().tree
    assert targets_for(department.pk, 2026, tree)[Indicator.ONLINE_DOSSIERS].value == 90


def test_a_target_outside_0_to_100_per_cent_is_refused(department):
    with pytest.raises(MonitoringError, match="0–100"):
        services.save_target(indicator=Indicator.ON_TIME, year=2026, value="120", agency=department)
    assert not Target.objects.filter(agency=department).exists()


def test_agencies_without_a_plan_are_listed_like_the_appendix(province, ministry):
    other_province = AgencyFactory(code="TINH2", name="Tỉnh Hai", kind=Agency.Kind.PROVINCE)
    idle_ministry = AgencyFactory(code="BO.NG", name="Bộ Ngoại giao", kind=Agency.Kind.MINISTRY)
    department = AgencyFactory(code="TINH2.SYT", name="Sở Y tế", parent=other_province)
    version = procedure_version("KT.70")
    version.agencies.add(province, ministry, department)
    services.file_plan(
        agency=province, year=2026, document_number="01/KH-UBND", issued_on=dt.date(2026, 1, 5)
    )

    groups = agencies_without_plan(2026, None, Context())

    assert [(g.label, [name for _pk, name in g.agencies]) for g in groups] == [
        ("Các bộ, ngành", ["Bộ Tư pháp"]),
        ("Tỉnh, thành phố trực thuộc Trung ương", ["Tỉnh Hai"]),
    ]
    assert idle_ministry.name not in str(groups)  # offers no public service


def test_plan_progress_by_month_and_by_procedure(world, department):
    done = procedure_version("KT.80", service_level=ServiceLevel.FULL)
    late = procedure_version("KT.81", service_level=ServiceLevel.PARTIAL)
    pending = procedure_version("KT.82", service_level=ServiceLevel.PARTIAL)
    ineligible = procedure_version(
        "KT.83", service_level=ServiceLevel.PARTIAL, not_fully_online_reason="Sinh trắc học"
    )
    for version in (done, late, pending, ineligible):
        version.agencies.add(department)
    ProcedureVersion.objects.update(published_at=local(2026, 1, 1))
    plan = services.file_plan(
        agency=department,
        year=2026,
        document_number="15/KH-STP",
        issued_on=dt.date(2026, 2, 1),
        monthly_targets={
            (10, Indicator.ONLINE_DOSSIERS): "60",
            (11, Indicator.ONLINE_DOSSIERS): "70",
        },
        procedures=[
            PlannedProcedure(done.procedure_id, True, 6),
            PlannedProcedure(late.procedure_id, True, 9),
            PlannedProcedure(pending.procedure_id, True, 12),
            PlannedProcedure(ineligible.procedure_id, False, reason="Cần sinh trắc học"),
        ],
    )
    world.online(done, department, local(2026, 10, 5))
    world.counter(done, department, local(2026, 10, 6))

    progress = plan_progress(plan, Context(), today=dt.date(2026, 11, 23))

    october, november, december = progress.months[9], progress.months[10], progress.months[11]
    # October: 1 online of 2 received = 50 % against a target of 60 %.
    assert october.targets == {"online_dossier_share": 60.0}
    assert october.value(Indicator.ONLINE_DOSSIERS) == 50
    assert october.met(Indicator.ONLINE_DOSSIERS) is False
    assert november.value(Indicator.ONLINE_DOSSIERS) is None  # no dossier yet
    assert december.figures is None  # not begun
    statuses = {p.code: p.status for p in progress.procedures}
    assert statuses == {"KT.80": "done", "KT.81": "late", "KT.82": "pending", "KT.83": "ineligible"}
    assert (progress.done, progress.late, progress.eligible) == (1, 1, 3)


def test_a_plan_refuses_an_ineligible_procedure_without_reason(department):
    version = procedure_version("KT.84")
    with pytest.raises(MonitoringError, match="KT.84 không đủ điều kiện"):
        services.file_plan(
            agency=department,
            year=2026,
            document_number="16/KH",
            issued_on=dt.date(2026, 1, 2),
            procedures=[PlannedProcedure(version.procedure_id, False, reason=" ")],
        )


def test_filing_again_replaces_the_plan(department):
    version = procedure_version("KT.85")
    first = services.file_plan(
        agency=department,
        year=2026,
        document_number="16/KH",
        issued_on=dt.date(2026, 1, 2),
        monthly_targets={(1, Indicator.ELIGIBLE_FULL_ONLINE): Decimal("50")},
        procedures=[PlannedProcedure(version.procedure_id, True, 3)],
    )
    second = services.file_plan(
        agency=department, year=2026, document_number="16/KH-sửa", issued_on=dt.date(2026, 3, 2)
    )
    assert first.pk == second.pk
    second.refresh_from_db()
    assert second.document_number == "16/KH-sửa"
    assert not second.monthly_targets.exists() and not second.procedures.exists()
