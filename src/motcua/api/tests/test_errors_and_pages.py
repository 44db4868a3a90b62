"""One error format everywhere; bounded pages; the catalogue."""

import pytest
from django.test import Client

from motcua.dossiers.models import Status

from .conftest import Api, as_bearer, error_code

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_validation_errors_name_the_fields(citizen):
    response = as_bearer(citizen).post("/dossiers", {"form": "not a dict"})
    error = assert_error(response, 422, "validation_error")
    assert error["message"] == "Dữ liệu gửi lên không hợp lệ; xem chi tiết từng trường."
    assert {tuple(d["loc"][-1:]) for d in error["details"]} >= {("procedure",), ("form",)}


def test_a_malformed_uuid_in_the_path_is_a_validation_error(citizen):
    assert_error(as_bearer(citizen).get("/dossiers/khong-phai-uuid"), 422, "validation_error")


def test_invalid_json_is_a_bad_request(citizen):
    client = Client()
    api = as_bearer(citizen)
    response = client.post(
        "/api/v1/dossiers",
        data="{not json",
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "k"},
    )
    assert_error(response, 400, "bad_request")


def test_unknown_dossier_is_404(citizen):
    response = as_bearer(citizen).get("/dossiers/6f1c1d7e-0000-4000-8000-000000000000")
    assert_error(response, 404, "not_found")


def test_limit_is_bounded(citizen):
    api = as_bearer(citizen)
    for limit in (0, 101, -5):
        assert_error(api.get(f"/dossiers?limit={limit}"), 422, "validation_error")
    assert api.get("/dossiers?limit=100").status_code == 200


def test_a_forged_cursor_is_refused(citizen, make_dossier):
    api = as_bearer(citizen)
    assert_error(api.get("/dossiers?cursor=abc"), 400, "invalid_cursor")
    make_dossier(citizen)
    make_dossier(citizen)
    my_cursor = api.get("/dossiers?limit=1").json()["next"]
    assert api.get(f"/dossiers?limit=1&cursor={my_cursor}").status_code == 200
    # A cursor of one list is not accepted by another.
    assert_error(Api(Client()).get(f"/procedures?cursor={my_cursor}"), 400, "invalid_cursor")


def test_catalogue_pages_cannot_go_deeper_than_the_bound(version, settings):
    settings.MOTCUA_API_MAX_OFFSET = 1
    anonymous = Api(Client())
    first = anonymous.get("/procedures?limit=1").json()
    assert first["items"][0]["code"] == "HT.01"
    from motcua.api.pagination import encode

    deep = encode({"k": "procedures", "o": 10_000_000})
    assert_error(anonymous.get(f"/procedures?cursor={deep}"), 400, "page_too_deep")


def test_throttled_caller_gets_429(citizen, settings):
    settings.MOTCUA_API_RATE_AUTHENTICATED = "2/m"
    api = as_bearer(citizen)
    assert api.get("/dossiers").status_code == 200
    assert api.get("/dossiers").status_code == 200
    assert_error(api.get("/dossiers"), 429, "throttled")


def test_public_lookup_is_throttled_per_address(settings):
    # The look-up counts on the limits it shares with the portal's /tra-cuu/ (one counter
    # per address and window, issue #21), not on the API's general public rate.
    from django.core.cache import cache

    cache.clear()
    settings.MOTCUA_LOOKUP_RATE = "1/m"
    anonymous = Api(Client())
    body = {"code": "BN.KB-000000-0001", "secret": "ABCD1234"}
    assert anonymous.post("/public/lookup", body, key=None).status_code == 404
    assert_error(anonymous.post("/public/lookup", body, key=None), 429, "throttled")


def test_a_file_too_large_is_413(citizen, version, settings):
    from .conftest import FORM, pdf

    settings.MOTCUA_MAX_UPLOAD_BYTES = 10
    api = as_bearer(citizen)
    dossier_id = api.post("/dossiers", {"procedure": "HT.01", "form": FORM}).json()["id"]
    response = api.upload(
        f"/dossiers/{dossier_id}/attachments",
        {"component": version.components.first().pk, "file": pdf()},
    )
    assert_error(response, 413, "file_too_large")


def test_an_illegal_transition_is_a_conflict(citizen, make_dossier, desk):
    dossier = make_dossier(citizen, Status.RETURNED)
    response = as_bearer(desk).post(
        f"/officer/dossiers/{dossier.public_id}/actions", {"action": "receive"}
    )
    error = assert_error(response, 409, "illegal_transition")
    assert "Tiếp nhận hồ sơ" in error["message"]


def test_catalogue_lists_searches_and_shows_a_procedure(version, other_commune):
    from tests.factories import procedure_version

    procedure_version("DD.02", name="Cấp giấy chứng nhận quyền sử dụng đất", sector="Đất đai")
    anonymous = Api(Client())
    listed = anonymous.get("/procedures").json()
    assert {p["code"] for p in listed["items"]} == {"HT.01", "DD.02"}
    found = anonymous.get("/procedures?q=dang ky khai sinh").json()
    assert [p["code"] for p in found["items"]][0] == "HT.01"
    typo = anonymous.get("/procedures?q=khai sihn").json()
    assert typo["items"] and typo["items"][0]["code"] == "HT.01"
    detail = anonymous.get("/procedures/HT.01").json()
    assert detail["fee"] == {
        "counter_vnd": 10000,
        "online_vnd": 5000,
        "policy": "percent",
        "policy_label": "Giảm theo tỷ lệ khi nộp trực tuyến",
        "legal_basis": "",
    }
    assert detail["processing_days"] == 3 and detail["service_level"] == "full"
    assert (detail["processing_unit"], detail["processing_time"]) == (
        "working_days",
        "3 ngày làm việc",
    )
    assert [c["name"] for c in detail["components"]] == ["Tờ khai", "Giấy chứng sinh"]
    assert detail["agencies"] == [{"code": "BN.KB", "name": "Phường Kinh Bắc"}]
    assert {f["name"] for f in detail["form"]} >= {"full_name", "phone"}
    assert error_code(anonymous.get("/procedures/KHONG.CO")) == "not_found"
    sectors = anonymous.get("/sectors").json()
    assert {s["name"] for s in sectors} == {"Hộ tịch", "Đất đai"}
    by_sector = anonymous.get(f"/procedures?sector={sectors[0]['id']}").json()
    assert len(by_sector["items"]) == 1


def test_a_body_too_large_is_413(citizen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    body = {"procedure": "HT.01", "form": {"request_note": "x" * 500}}
    for key in ("k-big", None):  # with the idempotency check and without
        response = as_bearer(citizen).post("/dossiers", body, key=key)
        if key:
            assert_error(response, 413, "payload_too_large")
        else:
            assert_error(response, 400, "idempotency_key_required")
    withdraw = as_bearer(citizen).post(
        "/dossiers/6f1c1d7e-0000-4000-8000-000000000000/withdraw",
        {"reason": "x" * 500},
        key=None,
    )
    assert_error(withdraw, 413, "payload_too_large")


def test_a_form_body_with_an_idempotency_key_on_a_json_operation_is_a_bad_request(
    citizen, make_dossier
):
    """The idempotency fingerprint parses the form; the JSON operation then has no body
    left to read. That is the caller's mistake (400), never a server error."""
    dossier = make_dossier(citizen, Status.RETURNED)
    response = Client().post(
        f"/api/v1/dossiers/{dossier.public_id}/rating",
        {"score": "5"},
        headers={**as_bearer(citizen).headers, "Idempotency-Key": "cung-mot-khoa"},
    )
    assert response.status_code == 400 and error_code(response) == "bad_request"
