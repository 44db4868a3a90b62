import pytest

from motcua.registrysim import services
from motcua.registrysim.models import ApiKey, RegistryMode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["person", "business", "landparcel", "registryrecord", "registrymode", "apikey"]
)
def test_admin_lists_the_simulator_data(admin_client, model):
    services.upsert_person(
        personal_id="001090001234", full_name="Lê Văn An", birth_date="1985-01-02"
    )

    response = admin_client.get(f"/quan-tri/registrysim/{model}/")

    assert response.status_code == 200


def test_admin_list_masks_personal_ids(admin_client):
    services.upsert_person(
        personal_id="001090001234", full_name="Lê Văn An", birth_date="1985-01-02"
    )

    page = admin_client.get("/quan-tri/registrysim/person/").content.decode()

    assert "********1234" in page
    assert "001090001234" not in page


def test_mode_can_be_changed_in_the_admin(admin_client):
    row = services.set_mode("dan_cu", "normal")

    response = admin_client.post(
        f"/quan-tri/registrysim/registrymode/{row.pk}/change/",
        {"registry": "dan_cu", "mode": "down", "latency_ms": "", "failure_percent": ""},
    )

    assert response.status_code == 302
    assert RegistryMode.objects.get(pk=row.pk).mode == "down"


def test_admin_shows_a_new_api_key_once_and_it_works(admin_client, client):
    response = admin_client.post(
        "/quan-tri/registrysim/apikey/add/", {"name": "Cổng DVC", "is_active": "on"}, follow=True
    )

    message = next(str(m) for m in response.context["messages"])
    raw_key = message.split("Khóa API mới: ")[1].split(" ")[0]
    assert ApiKey.objects.get().prefix == raw_key[:8]
    services.upsert_person(
        personal_id="001090001234", full_name="Lê Văn An", birth_date="1985-01-02"
    )
    assert (
        client.get(
            "/mo-phong/csdl/dan_cu/001090001234/", headers={"X-API-Key": raw_key}
        ).status_code
        == 200
    )
