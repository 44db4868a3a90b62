"""Electronic-only delivery: issuing an electronic result returns it at once (the
applicant has it in their dossier and data store); a paper result waits at the desk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import ResultDelivery, Status, StatusChange
from motcua.results import services as result_services

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_electronic_result_is_returned_when_issued(make_dossier, desk):
    dossier = make_dossier(status=Status.APPROVED, delivery=ResultDelivery.ELECTRONIC)
    scan = SimpleUploadedFile("ket-qua.png", PNG, content_type="image/png")

    done = result_services.issue_result(
        dossier, by=desk, mode=result_services.RESULT_UPLOAD, upload=scan
    )

    assert done.status == Status.RETURNED and done.returned_at is not None
    actions = list(
        StatusChange.objects.filter(dossier=dossier).order_by("id").values_list("action", "actor")
    )
    assert actions == [("issue_result", desk.pk), ("return_result", None)]


def test_a_paper_result_waits_at_the_desk_even_if_electronic_was_chosen(make_dossier, desk):
    dossier = make_dossier(status=Status.APPROVED, delivery=ResultDelivery.ELECTRONIC)
    done = result_services.issue_result(dossier, by=desk, mode=result_services.RESULT_PAPER)
    assert done.status == Status.RESULT_ISSUED


@pytest.mark.parametrize("delivery", [ResultDelivery.DESK, ResultDelivery.POST])
def test_other_choices_wait_for_the_desk(make_dossier, desk, delivery):
    dossier = make_dossier(status=Status.APPROVED, delivery=delivery)
    scan = SimpleUploadedFile("ket-qua.png", PNG, content_type="image/png")
    done = result_services.issue_result(
        dossier, by=desk, mode=result_services.RESULT_UPLOAD, upload=scan
    )
    assert done.status == Status.RESULT_ISSUED
