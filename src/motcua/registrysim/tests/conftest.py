import pytest


@pytest.fixture(autouse=True)
def _simulator_settings(settings):
    settings.MOTCUA_REGISTRYSIM_API_KEYS = ["khoa-thu-nghiem"]
    settings.MOTCUA_REGISTRYSIM_LATENCY_MS = 0
    settings.MOTCUA_REGISTRYSIM_SLOW_MS = 200
    settings.MOTCUA_REGISTRYSIM_FLAKY_PERCENT = 50


@pytest.fixture
def api(client):
    """GET a simulator URL with the test key (or another one)."""

    def get(path, key="khoa-thu-nghiem"):
        headers = {"X-API-Key": key} if key is not None else {}
        return client.get(f"/mo-phong/csdl/{path}", headers=headers)

    return get
