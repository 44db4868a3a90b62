import pytest

from motcua.registries.services import lookup
from tests.factories import UserFactory

from .conftest import PID


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_lookup_log_admin_shows_masked_numbers(citizen_record, admin_client):
    lookup("dan_cu", PID, dossier_ref="HS-9")

    page = admin_client.get("/quan-tri/registries/lookuplog/").content.decode()

    assert "********1234" in page and "HS-9" in page
    assert PID not in page


def test_lookup_log_admin_finds_lookups_by_full_identity_number(citizen_record, admin_client):
    lookup("dan_cu", PID, dossier_ref="HS-9")
    lookup("dan_cu", "001090009999", dossier_ref="HS-10")

    page = admin_client.get("/quan-tri/registries/lookuplog/", {"q": PID}).content.decode()

    assert "HS-9" in page and "HS-10" not in page


def test_lookup_log_cannot_be_added_changed_or_deleted_in_the_admin(citizen_record, admin_client):
    lookup("dan_cu", PID)
    from motcua.registries.models import LookupLog

    pk = LookupLog.objects.get().pk

    assert admin_client.get("/quan-tri/registries/lookuplog/add/").status_code == 403
    assert admin_client.get(f"/quan-tri/registries/lookuplog/{pk}/delete/").status_code == 403
    response = admin_client.post(f"/quan-tri/registries/lookuplog/{pk}/change/", {"purpose": "x"})
    assert response.status_code == 403
    assert LookupLog.objects.get().purpose == ""
