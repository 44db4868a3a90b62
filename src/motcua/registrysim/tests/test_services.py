import pytest
from django.core.exceptions import ValidationError

from motcua.registrysim import services
from motcua.registrysim.models import Person, RegistryMode

pytestmark = pytest.mark.django_db


def test_upsert_person_updates_the_existing_record():
    services.upsert_person(
        personal_id="001090001234", full_name="Lê Văn An", birth_date="1985-01-02"
    )
    services.upsert_person(
        personal_id="001090001234",
        full_name="Lê Văn An",
        birth_date="1985-01-02",
        permanent_address="Thôn Đoài, xã Kim Chung",
    )

    assert Person.objects.count() == 1
    assert Person.objects.get().permanent_address == "Thôn Đoài, xã Kim Chung"


def test_upsert_person_rejects_a_personal_id_that_is_not_12_digits():
    with pytest.raises(ValidationError, match="12 chữ số"):
        services.upsert_person(personal_id="12345", full_name="Lê Văn An", birth_date="1985-01-02")


def test_upsert_business_rejects_a_malformed_tax_code():
    with pytest.raises(ValidationError, match="Mã số thuế"):
        services.upsert_business(
            tax_code="01-ABC",
            name="Công ty A",
            head_office="Hà Nội",
            representative_personal_id="001090001234",
        )


def test_civil_status_event_needs_the_person_in_the_population_registry():
    with pytest.raises(ValidationError, match="Chưa có công dân"):
        services.add_civil_status_event(
            personal_id="001090001234", kind="khai_sinh", event_date="2020-01-01", reference="1"
        )


def test_non_core_record_only_for_insurance_tax_health_or_customs():
    with pytest.raises(ValidationError, match="không phải CSDL"):
        services.upsert_record(registry="dan_cu", subject="001090001234", attributes={})


def test_set_mode_rejects_an_unknown_mode():
    with pytest.raises(ValidationError):
        services.set_mode("dan_cu", "broken")


def test_set_mode_rejects_a_failure_share_over_100_percent():
    with pytest.raises(ValidationError):
        services.set_mode("dan_cu", "flaky", failure_percent=150)


def test_set_mode_switches_an_existing_registry():
    services.set_mode("dat_dai", "down")
    services.set_mode("dat_dai", "normal")

    assert RegistryMode.objects.get(registry="dat_dai").mode == "normal"
