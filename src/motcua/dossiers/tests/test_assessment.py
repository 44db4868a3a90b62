"""The form data is kept as revisions (submission, supplements that changed answers),
and the specialist's assessment is recorded as the procedure's decision data."""

import pytest

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.catalog import eform
from motcua.dossiers import services
from motcua.dossiers.exceptions import IllegalTransition, InvalidData
from motcua.dossiers.models import FormRevision, Status
from tests.assessment_forms import DECISION, FORM, SOURCES, data, use_form
from tests.factories import officer_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_version(version):
    return use_form(version)


@pytest.fixture
def specialist(agency):
    return officer_user(agency, Role.SPECIALIST)


def test_the_sample_definition_is_valid():
    assert eform.validate_definition(FORM) is None


def test_submission_keeps_the_answers_as_the_first_revision(make_dossier, form_version, applicant):
    dossier = make_dossier(Status.DRAFT, procedure_version=form_version, form_data=data())
    services.transition(dossier, "submit")
    (revision,) = FormRevision.objects.filter(dossier=dossier)
    assert revision.reason == FormRevision.Reason.SUBMITTED
    assert revision.data == data()


def _waiting(make_dossier, form_version, officer):
    dossier = make_dossier(
        Status.DRAFT, procedure_version=form_version, form_data=data(), prefill_sources=SOURCES
    )
    services.transition(dossier, "submit")
    services.transition(dossier, "receive", by=officer)
    services.transition(dossier, "request_supplement", by=officer, note="Sai ngày sinh của trẻ")
    return dossier


def test_a_supplement_that_changes_answers_is_a_new_revision(make_dossier, form_version, officer):
    dossier = _waiting(make_dossier, form_version, officer)
    services.update_form_on_supplement(dossier, by=None, data=data(child_birth_date="2026-01-14"))
    services.transition(dossier, "provide_supplement", note="Đã sửa ngày sinh")
    first, second = FormRevision.objects.filter(dossier=dossier).order_by("created_at", "pk")
    assert second.reason == FormRevision.Reason.SUPPLEMENT
    assert eform.diff(FORM, first.data, second.data) == [
        {
            "path": "child_birth_date",
            "label": "Ngày, tháng, năm sinh",
            "before": "15/01/2026",
            "after": "14/01/2026",
        }
    ]
    dossier.refresh_from_db()
    assert dossier.form_data["child_birth_date"] == "2026-01-14"
    assert AuditRecord.objects.get(action="dossier.form_updated").data["paths"] == [
        "child_birth_date"
    ]


def test_a_supplement_of_files_only_keeps_no_new_revision(make_dossier, form_version, officer):
    dossier = _waiting(make_dossier, form_version, officer)
    services.transition(dossier, "provide_supplement", note="Nộp thêm giấy chứng sinh")
    assert FormRevision.objects.filter(dossier=dossier).count() == 1


def test_answers_corrected_on_supplement_are_checked(make_dossier, form_version, officer):
    dossier = _waiting(make_dossier, form_version, officer)
    with pytest.raises(InvalidData) as refused:
        services.update_form_on_supplement(dossier, by=None, data=data(child_name=""))
    assert "child_name" in refused.value.problems
    dossier.refresh_from_db()
    assert dossier.form_data == data()


def test_a_value_verified_by_a_registry_cannot_be_changed_on_supplement(
    make_dossier, form_version, officer
):
    dossier = _waiting(make_dossier, form_version, officer)
    changed = data()
    changed["mother"]["full_name"] = "Trần Thị Bình"
    with pytest.raises(InvalidData) as refused:
        services.update_form_on_supplement(dossier, by=None, data=changed)
    assert refused.value.problems["mother.full_name"] == [
        "Thông tin này đã được xác thực từ cơ sở dữ liệu quốc gia, không sửa được."
    ]


def test_answers_are_corrected_only_while_a_supplement_is_awaited(make_dossier, form_version):
    dossier = make_dossier(Status.IN_PROCESS, procedure_version=form_version, form_data=data())
    with pytest.raises(IllegalTransition):
        services.update_form_on_supplement(dossier, by=None, data=data(child_name="Khác"))


def test_the_specialist_records_the_decision_data(make_dossier, form_version, specialist):
    dossier = make_dossier(Status.IN_PROCESS, procedure_version=form_version, form_data=data())
    services.record_decision(dossier, by=specialist, data=DECISION)
    dossier.refresh_from_db()
    assert dossier.decision_data == DECISION


def test_a_hidden_decision_value_is_dropped(make_dossier, form_version, specialist):
    dossier = make_dossier(Status.RECEIVED, procedure_version=form_version)
    services.record_decision(dossier, by=specialist, data={**DECISION, "has_notes": False})
    dossier.refresh_from_db()
    assert "notes" not in dossier.decision_data
    assert dossier.decision_data["register_number"] == "125/2026"


def test_invalid_decision_data_is_refused_with_messages_by_path(
    make_dossier, form_version, specialist
):
    dossier = make_dossier(Status.IN_PROCESS, procedure_version=form_version)
    with pytest.raises(InvalidData) as refused:
        services.record_decision(
            dossier,
            by=specialist,
            data={
                "register_date": "2026-01-20",
                "has_notes": True,
                "notes": [{"noted_on": "2026-01-20"}],
            },
        )
    problems = refused.value.problems
    assert problems["register_number"] == ["Vui lòng nhập “Số đăng ký”."]
    assert sorted(problems) == ["notes.0.content", "register_number"]
    dossier.refresh_from_db()
    assert dossier.decision_data == {}
    assert not AuditRecord.objects.filter(action="dossier.decision_recorded").exists()


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.WAITING_SUPPLEMENT, Status.APPROVED, Status.REFUSED]
)
def test_the_decision_is_recorded_only_before_the_leader_decides(
    make_dossier, form_version, specialist, status
):
    dossier = make_dossier(status, procedure_version=form_version)
    with pytest.raises(IllegalTransition):
        services.record_decision(dossier, by=specialist, data=DECISION)
    dossier.refresh_from_db()
    assert dossier.decision_data == {}


def test_recording_the_decision_is_audited_without_its_values(
    make_dossier, form_version, specialist
):
    dossier = make_dossier(Status.IN_PROCESS, procedure_version=form_version)
    services.record_decision(dossier, by=specialist, data=DECISION)
    audit = AuditRecord.objects.get(action="dossier.decision_recorded")
    assert audit.actor == specialist
    assert audit.data["fields"] == sorted(DECISION)
    assert "125/2026" not in str(audit.data) and "Cha chưa nhận con" not in str(audit.data)


def test_a_procedure_without_decision_fields_takes_no_decision(make_dossier, version, specialist):
    dossier = make_dossier(Status.IN_PROCESS, procedure_version=version)
    with pytest.raises(services.DossierError) as refused:
        services.record_decision(dossier, by=specialist, data={"x": "1"})
    assert refused.value.code == "no_decision_fields"
