"""Applying with the real registry connectors, talking HTTP to the bundled simulator."""

import pytest
from django.core.cache import cache

from motcua.dossiers.models import Dossier, Status
from motcua.registries.breakers import reset_breakers
from motcua.registries.models import LookupLog
from motcua.registrysim import services as sim

from .conftest import PID, pdf_file, public_id_in, start


@pytest.fixture
def simulator(live_server, settings):
    """The registry simulator over real HTTP, with small timeouts and no cache."""
    settings.MOTCUA_REGISTRY_BASE_URL = f"{live_server.url}/mo-phong/csdl/"
    settings.MOTCUA_REGISTRY_API_KEY = "khoa-cong-thu-nghiem"
    settings.MOTCUA_REGISTRYSIM_API_KEYS = ["khoa-cong-thu-nghiem"]
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "http"
    settings.MOTCUA_REGISTRY_CONNECTORS = {}
    settings.MOTCUA_REGISTRY_TIMEOUT_S = 0.5
    settings.MOTCUA_REGISTRY_RETRIES = 0
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 0
    settings.MOTCUA_REGISTRYSIM_LATENCY_MS = 0
    cache.clear()
    reset_breakers()
    sim.upsert_person(
        personal_id=PID,
        full_name="Nguyễn Văn An",
        birth_date="1990-05-17",
        permanent_address="Số 5 phố Hàng Bông, phường Kinh Bắc",
    )
    yield live_server
    cache.clear()
    reset_breakers()


def _fill_and_attach(client, dossier):
    client.post(f"/ho-so/{dossier.public_id}/khai/", {"phone": "0912345678", "action": "next"})
    for component in dossier.procedure_version.components.all():
        client.post(
            f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
            {"component": component.pk, "file": pdf_file()},
        )


def test_apply_prefilled_over_http_and_submit(simulator, citizen_client, version, commune):
    response = start(citizen_client, version, commune)
    body = citizen_client.get(response.url).content.decode()
    assert "Số 5 phố Hàng Bông, phường Kinh Bắc" in body
    assert "Dữ liệu từ CSDL quốc gia" in body
    dossier = Dossier.objects.get(public_id=public_id_in(response.url))
    assert dossier.prefill_sources["full_name"] == "dan_cu"
    assert LookupLog.objects.filter(dossier_ref=str(dossier.public_id)).exists()

    _fill_and_attach(citizen_client, dossier)
    submitted = citizen_client.post(f"/ho-so/{dossier.public_id}/nop/")

    assert submitted.url == f"/ho-so/{dossier.public_id}/bien-nhan/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_form_is_usable_when_the_simulator_is_down(simulator, citizen_client, version, commune):
    sim.set_mode("dan_cu", "down")
    response = start(citizen_client, version, commune)
    body = citizen_client.get(response.url).content.decode()
    assert "Không kết nối được CSDL quốc gia về dân cư" in body
    typed = {
        "full_name": "Nguyễn Văn An",
        "personal_id": PID,
        "birth_date": "1990-05-17",
        "permanent_address": "Số 5 phố Hàng Bông",
        "phone": "0912345678",
        "action": "next",
    }
    saved = citizen_client.post(response.url, typed)
    assert saved.status_code == 302
    assert Dossier.objects.get().form_data["full_name"] == "Nguyễn Văn An"


def test_a_value_that_no_longer_matches_the_registry_is_refused(
    simulator, citizen_client, version, commune
):
    response = start(citizen_client, version, commune)
    dossier = Dossier.objects.get(public_id=public_id_in(response.url))
    _fill_and_attach(citizen_client, dossier)
    sim.upsert_person(
        personal_id=PID,
        full_name="Nguyễn Văn Ân",
        birth_date="1990-05-17",
        permanent_address="Số 5 phố Hàng Bông, phường Kinh Bắc",
    )

    refused = citizen_client.post(f"/ho-so/{dossier.public_id}/nop/")

    assert refused.status_code == 400
    assert "phải đúng như trong CSDL quốc gia về dân cư" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


def test_refreshing_from_the_registry_lets_the_changed_record_through(
    simulator, citizen_client, version, commune
):
    response = start(citizen_client, version, commune)
    dossier = Dossier.objects.get(public_id=public_id_in(response.url))
    _fill_and_attach(citizen_client, dossier)
    sim.upsert_person(
        personal_id=PID,
        full_name="Nguyễn Văn Ân",
        birth_date="1990-05-17",
        permanent_address="Số 5 phố Hàng Bông, phường Kinh Bắc",
    )

    citizen_client.post(f"/ho-so/{dossier.public_id}/lay-lai-du-lieu/")
    submitted = citizen_client.post(f"/ho-so/{dossier.public_id}/nop/")

    assert submitted.url == f"/ho-so/{dossier.public_id}/bien-nhan/"
    dossier.refresh_from_db()
    assert dossier.form_data["full_name"] == "Nguyễn Văn Ân"
    assert dossier.status == Status.SUBMITTED
