from motcua.catalog.formschema import default_schema
from motcua.registries.models import LookupLog
from motcua.registries.services import prefill_form, verify_prefilled
from motcua.registrysim import services as sim
from tests.factories import ApplicantFactory

from .conftest import PID

SCHEMA = default_schema(["dan_cu", "dat_dai"])


def _prefilled(applicant):
    prefill = prefill_form(SCHEMA, applicant)
    submitted = dict(prefill.values, phone="0912345678")
    return prefill, submitted


def test_verify_catches_a_tampered_prefilled_value(citizen_record):
    applicant = ApplicantFactory(personal_id=PID)
    prefill, submitted = _prefilled(applicant)
    submitted["full_name"] = "Nguyễn Thị Hoa Hồng"

    errors = verify_prefilled(SCHEMA, applicant, submitted, prefill.sources)

    assert list(errors) == ["full_name"]
    assert "“Họ, chữ đệm và tên” phải đúng như trong CSDL quốc gia về dân cư" in errors["full_name"]


def test_verify_accepts_untouched_values_and_harmless_differences(citizen_record):
    applicant = ApplicantFactory(personal_id=PID)
    prefill, submitted = _prefilled(applicant)
    # Decomposed Vietnamese letters and extra spaces, as some browsers send them.
    import unicodedata

    submitted["full_name"] = unicodedata.normalize("NFD", " Nguyễn  Thị Hoa ")

    assert verify_prefilled(SCHEMA, applicant, submitted, prefill.sources) == {}


def test_verify_ignores_fields_the_citizen_typed(citizen_record):
    applicant = ApplicantFactory(personal_id=PID)
    prefill, submitted = _prefilled(applicant)
    submitted["phone"] = "0987654321"
    sources = {k: v for k, v in prefill.sources.items() if k != "land_parcel"}
    submitted["land_parcel"] = "Thửa đất số 99, tờ bản đồ số 1"

    assert verify_prefilled(SCHEMA, applicant, submitted, sources) == {}


def test_verify_does_not_reject_when_the_registry_is_down_now(citizen_record, settings):
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 0  # so the second lookup really asks
    applicant = ApplicantFactory(personal_id=PID)
    prefill, submitted = _prefilled(applicant)
    sim.set_mode("dan_cu", "down")
    submitted["full_name"] = "Tên khác"

    assert verify_prefilled(SCHEMA, applicant, submitted, prefill.sources) == {}


def test_verify_rejects_a_marked_field_the_registry_no_longer_knows(citizen_record, settings):
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 0
    applicant = ApplicantFactory(personal_id="001090009999")
    sources = {"full_name": "dan_cu"}

    errors = verify_prefilled(SCHEMA, applicant, {"full_name": "Ai đó"}, sources)

    assert "tải lại biểu mẫu" in errors["full_name"]


def test_verify_logs_its_lookups_with_the_dossier(citizen_record):
    applicant = ApplicantFactory(personal_id=PID)
    prefill, submitted = _prefilled(applicant)

    verify_prefilled(SCHEMA, applicant, submitted, prefill.sources, dossier_ref="HS-01")

    purposes = set(LookupLog.objects.filter(dossier_ref="HS-01").values_list("purpose", flat=True))
    assert purposes == {"verify"}
    assert LookupLog.objects.filter(dossier_ref="HS-01").count() == 2
