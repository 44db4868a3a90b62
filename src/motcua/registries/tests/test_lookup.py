import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.registries.models import LookupLog
from motcua.registries.selectors import lookups_for_dossier, lookups_of_subject
from motcua.registries.services import InvalidLookup, lookup
from motcua.registrysim import selectors as sim_selectors
from tests.factories import UserFactory

from .conftest import PID, TAX


def test_lookup_returns_the_business_record(business_record):
    result = lookup("dang_ky_kinh_doanh", TAX, purpose="tra cứu")

    assert result.found
    assert result.attributes["name"] == "Công ty TNHH Sen Vàng"


def test_lookup_of_an_unknown_registry_is_refused(db):
    with pytest.raises(InvalidLookup, match="Không có CSDL"):
        lookup("khong_co", PID)


def test_lookup_with_a_malformed_identifier_is_refused_before_any_call(registry_server):
    with pytest.raises(InvalidLookup, match="số định danh cá nhân"):
        lookup("dan_cu", "12345")

    assert sim_selectors.request_count("dan_cu") == 0
    assert not LookupLog.objects.exists()


def test_an_auditor_finds_every_lookup_of_a_person_by_their_number(citizen_record):
    officer = UserFactory()
    lookup("dan_cu", PID, actor=officer, dossier_ref="HS-7", purpose="thẩm định")
    lookup("dat_dai", PID, actor=officer, dossier_ref="HS-7")
    lookup("dan_cu", "001090009999")

    assert lookups_of_subject(PID).count() == 2
    assert lookups_for_dossier("HS-7").count() == 2


def test_the_log_never_stores_the_identity_number(citizen_record):
    lookup("dan_cu", PID, actor=UserFactory(username=PID))

    row = LookupLog.objects.values().get()

    assert not any(PID in str(value) for value in row.values())


def test_a_disabled_connector_reports_unavailable_without_calling(registry_server, settings):
    settings.MOTCUA_REGISTRY_CONNECTORS = {"dan_cu": "disabled"}

    result = lookup("dan_cu", PID)

    assert result.outcome == "unavailable"
    assert sim_selectors.request_count("dan_cu") == 0


def test_an_unknown_connector_is_a_configuration_error(db, settings):
    settings.MOTCUA_REGISTRY_CONNECTORS = {"dan_cu": "motcua.khong.Co"}

    with pytest.raises(ImproperlyConfigured, match="unknown connector"):
        lookup("dan_cu", PID)
