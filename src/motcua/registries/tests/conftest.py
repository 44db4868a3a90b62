import pytest
from django.core.cache import cache

from motcua.registries.breakers import reset_breakers
from motcua.registrysim import services as sim

PID = "001090001234"
REP_PID = "079085004321"
TAX = "0101234567"


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()
    reset_breakers()
    yield
    cache.clear()
    reset_breakers()


@pytest.fixture
def registry_server(live_server, settings):
    """The simulator served over real HTTP, with small timeouts so failures are quick."""
    settings.MOTCUA_REGISTRY_BASE_URL = f"{live_server.url}/mo-phong/csdl/"
    settings.MOTCUA_REGISTRY_API_KEY = "khoa-thu-nghiem"
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "http"
    settings.MOTCUA_REGISTRY_CONNECTORS = {}
    # Generous enough for a loaded CI machine; the slow-mode tests lower it.
    settings.MOTCUA_REGISTRY_TIMEOUT_S = 2
    settings.MOTCUA_REGISTRY_RETRIES = 1
    settings.MOTCUA_REGISTRY_BACKOFF_S = 0.01
    settings.MOTCUA_REGISTRY_BREAKER_FAILURES = 3
    settings.MOTCUA_REGISTRY_BREAKER_RESET_S = 60
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 60
    settings.MOTCUA_REGISTRYSIM_API_KEYS = ["khoa-thu-nghiem"]
    settings.MOTCUA_REGISTRYSIM_LATENCY_MS = 0
    settings.MOTCUA_REGISTRYSIM_FLAKY_PERCENT = 50
    return live_server


@pytest.fixture
def citizen_record(registry_server):
    """A citizen known to the population and land registries."""
    sim.upsert_person(
        personal_id=PID,
        full_name="Nguyễn Thị Hoa",
        birth_date="1990-05-17",
        gender="nu",
        permanent_address="Số 5 phố Hàng Bông, phường Hoàn Kiếm, Hà Nội",
    )
    sim.upsert_land_parcel(
        owner_id=PID,
        map_sheet="3",
        parcel_number="45",
        address="xã Đông Anh, Hà Nội",
        area_m2=200,
        certificate_issued_on="2012-06-30",
    )


@pytest.fixture
def business_record(registry_server):
    """A business and its legal representative, both in the registries."""
    sim.upsert_person(
        personal_id=REP_PID,
        full_name="Trần Văn Bình",
        birth_date="1985-02-03",
        permanent_address="12 Nguyễn Huệ, TP Hồ Chí Minh",
    )
    sim.upsert_business(
        tax_code=TAX,
        name="Công ty TNHH Sen Vàng",
        head_office="12 Lý Thường Kiệt, Hà Nội",
        representative_personal_id=REP_PID,
    )
