"""Every component the supplement request asks for needs its file before the single
allowed request is completed (Decree 118/2025/NĐ-CP; docs/ONE_STOP.md "Supplements");
free-text items need none. A dossier asked to complete at intake is withdrawn, not
stopped."""

import pytest

from motcua.catalog.models import ProcedureComponent
from motcua.dossiers import services as dossier_services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Status
from motcua.dossiers.services import transition
from motcua.portal import services

from .conftest import pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def components(version):
    return [
        ProcedureComponent.objects.create(version=version, position=91, name="Giấy chứng sinh"),
        ProcedureComponent.objects.create(version=version, position=92, name="Sổ hộ khẩu"),
    ]


@pytest.fixture
def waiting(citizen, make_dossier, version, components):
    dossier = make_dossier(citizen, Status.SUBMITTED, procedure_version=version)
    transition(dossier, "receive")
    dossier_services.request_supplement(
        dossier,
        by=None,
        items=[
            {"component": components[0].pk, "reason": "Bản chụp mờ"},
            {"component": components[1].pk, "reason": "Thiếu trang 2"},
            {"label": "Ghi rõ số điện thoại", "reason": "Để liên hệ"},
        ],
    )
    dossier.refresh_from_db()
    return dossier


def test_the_service_refuses_until_every_component_has_a_file(waiting, components):
    with pytest.raises(DossierError) as excinfo:
        services.answer_supplement(
            waiting,
            uploads=[pdf_file("khac.pdf")],
            component_uploads={components[0].pk: [pdf_file("chung-sinh.pdf")]},
        )
    assert excinfo.value.code == "supplement_incomplete"
    assert "Sổ hộ khẩu" in excinfo.value.message
    assert "Giấy chứng sinh" not in excinfo.value.message
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert not waiting.attachments.exists()
    services.answer_supplement(
        waiting,
        uploads=[],
        component_uploads={
            components[0].pk: [pdf_file("chung-sinh.pdf")],
            components[1].pk: [pdf_file("ho-khau.pdf")],
        },
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    attached = waiting.attachments.filter(kind=Attachment.Kind.SUPPLEMENT)
    assert sorted(a.component_id for a in attached) == sorted(c.pk for c in components)


def test_the_page_has_one_input_per_component_and_lists_what_is_missing(
    citizen_client, waiting, components
):
    url = f"/ho-so/{waiting.public_id}/bo-sung/"
    page = citizen_client.get(url).content.decode()
    assert f'name="component_{components[0].pk}"' in page
    assert f'name="component_{components[1].pk}"' in page
    response = citizen_client.post(
        url, {f"component_{components[0].pk}": [pdf_file("chung-sinh.pdf")]}
    )
    assert response.status_code == 400
    assert "Sổ hộ khẩu" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    citizen_client.post(
        url,
        {
            f"component_{components[0].pk}": [pdf_file("chung-sinh.pdf")],
            f"component_{components[1].pk}": [pdf_file("ho-khau.pdf")],
        },
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS


def test_free_text_items_need_no_file(citizen, make_dossier, version):
    dossier = make_dossier(citizen, Status.SUBMITTED, procedure_version=version)
    transition(dossier, "receive")
    dossier_services.request_supplement(
        dossier, by=None, items=[{"label": "Ghi rõ số điện thoại", "reason": "Để liên hệ"}]
    )
    dossier.refresh_from_db()
    services.answer_supplement(dossier, uploads=[pdf_file("ghi-chu.pdf")])
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS


def test_an_intake_request_shows_withdraw_not_stop(citizen_client, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    dossier_services.request_supplement(
        dossier, by=None, items=[{"label": "Tờ khai", "reason": "Chưa ký"}]
    )
    page = citizen_client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    assert f"/ho-so/{dossier.public_id}/rut/" in page
    response = citizen_client.post(f"/ho-so/{dossier.public_id}/rut/", {"reason": "Nộp nhầm"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
