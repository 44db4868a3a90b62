"""Applicants are created in one place, and every creation leaves an audit record."""

import pytest

from motcua.accounts import services
from motcua.accounts.models import Applicant
from motcua.audit.models import AuditRecord
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db

PID = "001090123456"


def created_records():
    return list(AuditRecord.objects.filter(action="applicant.created"))


def test_a_new_person_is_created_and_audited_without_the_identifier():
    officer = UserFactory(username="motcua.stp")
    person, created = services.get_or_create_person(
        PID, defaults={"name": "Nguyễn Văn An"}, by=officer, source=services.FROM_COUNTER
    )
    assert created and person.kind == Applicant.Kind.PERSON and person.name == "Nguyễn Văn An"
    [record] = created_records()
    assert record.actor_id == officer.pk and record.object_id == str(person.pk)
    assert record.data == {"kind": "person", "source": "counter"}
    assert PID not in str(record.data)


def test_an_existing_person_is_returned_unchanged_and_not_audited_again():
    existing = ApplicantFactory(personal_id=PID, name="Tên cũ")
    person, created = services.get_or_create_person(PID, defaults={"name": "Tên mới"})
    assert not created and person.pk == existing.pk and person.name == "Tên cũ"
    assert not created_records()


def test_a_business_is_created_by_its_tax_code():
    business, created = services.get_or_create_business(
        "0101234567", defaults={"name": "Công ty TNHH Mẫu"}
    )
    assert created and business.kind == Applicant.Kind.BUSINESS
    assert created_records()[0].data == {"kind": "business", "source": "sign_in"}


def test_the_counter_keeps_an_existing_applicant_and_creates_a_new_one_with_details():
    officer = UserFactory(username="motcua.stp")
    existing = ApplicantFactory(personal_id=PID, name="Nguyễn Văn An", phone="0911111111")
    same = services.applicant_at_counter(
        kind="person", personal_id=PID, name="Khác", phone="0922222222", address="", by=officer
    )
    assert same.pk == existing.pk and same.phone == "0911111111"
    new = services.applicant_at_counter(
        kind="business",
        tax_code="0101234567",
        name="Công ty TNHH Mẫu",
        phone="0933333333",
        address="Bắc Ninh",
        by=officer,
    )
    assert (new.tax_code, new.phone, new.address) == ("0101234567", "0933333333", "Bắc Ninh")
    assert len(created_records()) == 1
