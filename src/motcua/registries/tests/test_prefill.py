from motcua.accounts.models import Applicant
from motcua.catalog.formschema import default_schema
from motcua.registries.models import LookupLog
from motcua.registries.services import prefill_form
from motcua.registrysim import services as sim
from tests.factories import ApplicantFactory, UserFactory

from .conftest import PID, REP_PID, TAX

UNREACHABLE = "Không kết nối được CSDL quốc gia về dân cư; bạn có thể tự nhập các trường này."


def test_prefill_fills_and_marks_the_fields_the_population_registry_knows(citizen_record):
    applicant = ApplicantFactory(personal_id=PID)

    prefill = prefill_form(default_schema(["dan_cu"]), applicant)

    assert prefill.values == {
        "full_name": "Nguyễn Thị Hoa",
        "personal_id": PID,
        "birth_date": "1990-05-17",
        "permanent_address": "Số 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
    }
    assert prefill.sources == dict.fromkeys(prefill.values, "dan_cu")
    assert prefill.unavailable == {}


def test_prefill_gives_the_first_land_parcel_of_the_holder(citizen_record):
    applicant = ApplicantFactory(personal_id=PID)

    prefill = prefill_form(default_schema(["dan_cu", "dat_dai"]), applicant)

    assert prefill.values["land_parcel"] == "Thửa đất số 45, tờ bản đồ số 3, xã Đông Anh, Hà Nội"
    assert prefill.sources["land_parcel"] == "dat_dai"


def test_business_prefill_describes_the_representative_and_the_business(business_record):
    representative = ApplicantFactory(personal_id=REP_PID)
    company = Applicant.objects.create(
        kind="business", name="Sen Vàng", tax_code=TAX, representative=representative
    )

    prefill = prefill_form(default_schema(["dang_ky_kinh_doanh"]), company)

    assert prefill.values["full_name"] == "Trần Văn Bình"
    assert prefill.values["business_name"] == "Công ty TNHH Sen Vàng"
    assert prefill.values["head_office"] == "12 Lý Thường Kiệt, Hà Nội"
    assert prefill.sources["business_name"] == "dang_ky_kinh_doanh"
    assert prefill.sources["full_name"] == "dan_cu"


def test_person_unknown_to_the_registry_gets_a_message_and_empty_fields(registry_server):
    applicant = ApplicantFactory(personal_id="001090009999")

    prefill = prefill_form(default_schema(["dan_cu"]), applicant)

    assert prefill.values == {}
    assert prefill.unavailable["dan_cu"].startswith("Không tìm thấy thông tin trong CSDL")


def test_wrong_api_key_is_logged_as_a_failure_and_the_form_stays_usable(citizen_record, settings):
    settings.MOTCUA_REGISTRY_API_KEY = "khoa-sai"
    applicant = ApplicantFactory(personal_id=PID)

    prefill = prefill_form(default_schema(["dan_cu"]), applicant)

    assert prefill.values == {} and prefill.sources == {}
    assert prefill.unavailable == {"dan_cu": UNREACHABLE}
    log = LookupLog.objects.get()
    assert (log.outcome, log.http_status) == ("rejected", 401)


def test_registry_down_gives_the_unavailable_message_without_an_error(citizen_record):
    sim.set_mode("dan_cu", "down")
    applicant = ApplicantFactory(personal_id=PID)

    prefill = prefill_form(default_schema(["dan_cu"]), applicant)

    assert prefill.values == {}
    assert prefill.unavailable == {"dan_cu": UNREACHABLE}


def test_one_registry_down_does_not_stop_the_others(citizen_record):
    sim.set_mode("dat_dai", "down")
    applicant = ApplicantFactory(personal_id=PID)

    prefill = prefill_form(default_schema(["dan_cu", "dat_dai"]), applicant)

    assert prefill.values["full_name"] == "Nguyễn Thị Hoa"
    assert "land_parcel" not in prefill.values
    assert list(prefill.unavailable) == ["dat_dai"]


def test_prefill_logs_who_looked_up_whose_data_for_which_dossier(citizen_record):
    officer = UserFactory(full_name="Phạm Minh Khoa", username="khoa")
    applicant = ApplicantFactory(personal_id=PID)

    prefill_form(
        default_schema(["dan_cu"]),
        applicant,
        actor=officer,
        dossier_ref="6f1c2d7e-0000-4000-8000-000000000001",
    )

    log = LookupLog.objects.get()
    assert log.actor == officer
    assert log.actor_label == "Phạm Minh Khoa (khoa)"
    assert log.applicant == applicant
    assert log.subject_masked == "********1234"
    assert log.dossier_ref == "6f1c2d7e-0000-4000-8000-000000000001"
    assert log.purpose == "prefill"
    assert log.attributes == ["birth_date", "full_name", "permanent_address", "personal_id"]
    assert log.outcome == "found"
