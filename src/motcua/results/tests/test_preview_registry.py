"""A birth registration's preview writes the child to the population registry (over HTTP,
to the simulator) and the document carries the child's new personal ID."""

import subprocess

import pytest
from django.core.cache import cache

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.registries.breakers import reset_breakers
from motcua.registrysim import services as sim
from motcua.registrysim.models import Person, Registration
from motcua.results import services
from motcua.results.exceptions import ResultError
from motcua.results.models import ResultDraft
from tests.fixtures import registry_family

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not hasattr(Dossier, "decision_data"),
        reason="Dossier.decision_data comes with the back office's assessment (i16-backoffice)",
    ),
]

MOTHER, FATHER = "027192001111", "027090002222"
BAC_NINH = {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc", "detail": "Số 5 Lý Bôn"}
PERSON = {"name": "", "label": "", "type": "person", "parts": ["full_name", "personal_id"]}
BIRTH_FORM = {
    "format": "motcua-eform/2",
    "title": "Tờ khai đăng ký khai sinh",
    "sections": [
        {
            "key": "child",
            "title": "Người được khai sinh",
            "fields": [
                {
                    "name": "child",
                    "label": "Người được khai sinh",
                    "type": "person",
                    "parts": ["full_name", "birth_date", "sex"],
                }
            ],
        },
        {
            "key": "parents",
            "title": "Cha, mẹ",
            "fields": [
                {**PERSON, "name": "mother", "label": "Người mẹ"},
                {**PERSON, "name": "father", "label": "Người cha"},
            ],
        },
    ],
    "decision": [
        {"name": "register_number", "label": "Số đăng ký", "type": "text"},
        {"name": "child_personal_id", "label": "Số định danh cá nhân của trẻ", "type": "text"},
    ],
    "result_data": {"registry": "dan_cu", "action": "register_birth"},
}
FORM_DATA = {
    "child": {"full_name": "Trần Minh An", "birth_date": "2026-10-01", "sex": "nam"},
    "mother": {"full_name": "Nguyễn Thị Hoa", "personal_id": MOTHER},
    "father": {"full_name": "Trần Văn Nam", "personal_id": FATHER},
}


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


@pytest.fixture(autouse=True)
def registry_server(live_server, settings):
    """The simulator served over real HTTP, as the registries' own tests use it."""
    cache.clear()
    reset_breakers()
    settings.MOTCUA_REGISTRY_BASE_URL = f"{live_server.url}/mo-phong/csdl/"
    settings.MOTCUA_REGISTRY_API_KEY = "khoa-thu-nghiem"
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "http"
    settings.MOTCUA_REGISTRY_CONNECTORS = {}
    settings.MOTCUA_REGISTRY_TIMEOUT_S = 2
    settings.MOTCUA_REGISTRY_RETRIES = 1
    settings.MOTCUA_REGISTRY_BACKOFF_S = 0.01
    settings.MOTCUA_REGISTRYSIM_API_KEYS = ["khoa-thu-nghiem"]
    settings.MOTCUA_REGISTRYSIM_LATENCY_MS = 0
    registry_family(
        wife=(MOTHER, "Nguyễn Thị Hoa", "1992-05-17"),
        husband=(FATHER, "Trần Văn Nam", "1990-03-04"),
        household_id="HK27-0001",
        residence=BAC_NINH,
        address="Số 5",
    )
    yield live_server
    cache.clear()
    reset_breakers()


@pytest.fixture
def birth(approved, version):
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=BIRTH_FORM)
    Dossier.objects.filter(pk=approved.pk).update(
        form_data=FORM_DATA, decision_data={"register_number": "15"}
    )
    approved.refresh_from_db()
    return approved


def test_the_preview_registers_the_child_and_prints_its_personal_id(birth, officer):
    draft = services.preview_result(birth, by=officer)
    birth.refresh_from_db()
    personal_id = birth.decision_data["child_personal_id"]
    child = Person.objects.get(personal_id=personal_id)
    assert (child.full_name, child.mother_id, child.father_id) == ("Trần Minh An", MOTHER, FATHER)
    assert birth.decision_data["register_number"] == "15"  # the specialist's data is kept
    text = pdf_text(bytes(draft.pdf))
    assert f"Số định danh cá nhân của trẻ {personal_id}" in text

    again = services.preview_result(birth, by=officer)  # idempotent by dossier code
    birth.refresh_from_db()
    assert birth.decision_data["child_personal_id"] == personal_id
    assert Registration.objects.count() == 1
    assert Person.objects.filter(full_name="Trần Minh An").count() == 1
    assert services.issue_result(birth, by=officer).result_electronic
    assert again.number == draft.number


def test_when_the_registry_does_not_answer_nothing_is_made(birth, officer):
    sim.set_mode("dan_cu", "down")
    with pytest.raises(ResultError, match="Chưa ghi được kết quả vào cơ sở dữ liệu") as refused:
        services.preview_result(birth, by=officer)
    assert refused.value.code == "registry_unavailable"
    assert "Không kết nối được CSDL quốc gia về dân cư" in refused.value.message
    birth.refresh_from_db()
    assert "child_personal_id" not in birth.decision_data
    assert not ResultDraft.objects.exists()
    assert not Person.objects.filter(full_name="Trần Minh An").exists()
