import time

import pytest

from motcua.registrysim import selectors, services

pytestmark = pytest.mark.django_db

PID = "001090001234"


@pytest.fixture
def person():
    return services.upsert_person(
        personal_id=PID,
        full_name="Nguyễn Thị Hoa",
        birth_date="1990-05-17",
        gender="nu",
        permanent_address="Số 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
        phone="0912345678",
    )


def test_population_record_returns_the_persons_attributes(api, person):
    response = api(f"dan_cu/{PID}/")

    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Nguyễn Thị Hoa"
    assert body["birth_date"] == "1990-05-17"
    assert body["gender"] == "Nữ"
    assert body["permanent_address"].startswith("Số 5 phố Hàng Bông")
    assert body["current_address"] == body["permanent_address"]


def test_request_without_api_key_is_refused_with_json_401(api, person):
    response = api(f"dan_cu/{PID}/", key=None)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "X-API-Key" in response.json()["detail"]


def test_wrong_api_key_is_refused(api, person):
    assert api(f"dan_cu/{PID}/", key="khoa-sai").status_code == 401


def test_key_created_by_the_service_is_accepted_until_deactivated(api, person):
    key, raw = services.create_api_key("Cổng dịch vụ công tỉnh")
    assert api(f"dan_cu/{PID}/", key=raw).status_code == 200

    key.is_active = False
    key.save()
    assert api(f"dan_cu/{PID}/", key=raw).status_code == 401


def test_unknown_person_gives_json_404(api):
    response = api("dan_cu/001090009999/")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_unknown_registry_gives_404(api):
    assert api(f"khong_co/{PID}/").status_code == 404


def test_malformed_subject_gives_400(api):
    response = api("dan_cu/12345/")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_subject"


def test_post_is_not_allowed(client, person):
    response = client.post(f"/mo-phong/csdl/dan_cu/{PID}/", headers={"X-API-Key": "x"})
    assert response.status_code == 405


def test_business_record_names_its_representative(api):
    services.upsert_business(
        tax_code="0101234567",
        name="Công ty TNHH Sen Vàng",
        head_office="12 Lý Thường Kiệt, Hà Nội",
        representative_personal_id=PID,
        registered_on="2015-03-02",
    )

    body = api("dang_ky_kinh_doanh/0101234567/").json()

    assert body["name"] == "Công ty TNHH Sen Vàng"
    assert body["head_office"] == "12 Lý Thường Kiệt, Hà Nội"
    assert body["representative_personal_id"] == PID
    assert body["status_label"] == "Đang hoạt động"


def test_land_parcels_are_listed_oldest_certificate_first(api):
    services.upsert_land_parcel(
        owner_id=PID,
        map_sheet="7",
        parcel_number="120",
        address="Xã Đông Anh, Hà Nội",
        area_m2="95.5",
        certificate_issued_on="2020-01-01",
    )
    services.upsert_land_parcel(
        owner_id=PID,
        map_sheet="3",
        parcel_number="45",
        address="Xã Đông Anh, Hà Nội",
        area_m2=200,
        certificate_issued_on="2012-06-30",
    )

    parcels = api(f"dat_dai/{PID}/").json()["parcels"]

    assert [p["parcel_number"] for p in parcels] == ["45", "120"]
    assert parcels[1]["area_m2"] == "95.5"


def test_civil_status_reports_marriage(api, person):
    services.add_civil_status_event(
        personal_id=PID, kind="ket_hon", event_date="2018-10-10", reference="KH-12/2018"
    )

    body = api(f"ho_tich/{PID}/").json()

    assert body["marital_status"] == "Đã kết hôn"
    assert body["events"][0]["kind_label"] == "Kết hôn"


def test_non_core_registry_returns_its_attributes(api):
    services.upsert_record(
        registry="bao_hiem",
        subject=PID,
        attributes={"insurance_number": "0123456789", "health_card_valid_to": "2026-12-31"},
    )

    body = api(f"bao_hiem/{PID}/").json()

    assert body["insurance_number"] == "0123456789"


def test_down_registry_answers_503(api, person):
    services.set_mode("dan_cu", "down")

    response = api(f"dan_cu/{PID}/")

    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"


def test_down_mode_of_one_registry_leaves_the_others_up(api, person):
    services.set_mode("dang_ky_kinh_doanh", "down")

    assert api(f"dan_cu/{PID}/").status_code == 200


def test_flaky_registry_at_50_percent_fails_every_other_request(api, person):
    services.set_mode("dan_cu", "flaky")

    statuses = [api(f"dan_cu/{PID}/").status_code for _ in range(4)]

    assert statuses == [503, 200, 503, 200]


def test_flaky_failure_percent_is_configurable_per_registry(api, person):
    services.set_mode("dan_cu", "flaky", failure_percent=0)

    assert {api(f"dan_cu/{PID}/").status_code for _ in range(3)} == {200}


def test_slow_registry_delays_its_answer(api, person):
    services.set_mode("dan_cu", "slow", latency_ms=250)

    started = time.monotonic()
    response = api(f"dan_cu/{PID}/")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.25


def test_normal_latency_comes_from_settings(api, person, settings):
    settings.MOTCUA_REGISTRYSIM_LATENCY_MS = 200

    started = time.monotonic()
    api(f"dan_cu/{PID}/")

    assert time.monotonic() - started >= 0.15  # 200 ms ± 25 % jitter


def test_every_request_is_counted(api, person):
    api(f"dan_cu/{PID}/")
    api(f"dan_cu/{PID}/", key="khoa-sai")

    assert selectors.request_count("dan_cu") == 2
    assert selectors.request_count("dat_dai") == 0
