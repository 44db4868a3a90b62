"""seed_demo walks a few dossiers to a paid, approved, signed and returned result."""

import io

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.payments.models import Payment
from motcua.results.models import ResultDocument
from motcua.results.verify import verify_pdf

# The payment round trip runs over HTTP in server threads: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_demo_leaves_paid_signed_results_that_verify(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--dossiers",
        "0",
        "--citizens",
        "6",
        "--businesses",
        "0",
        "--walkthrough",
        "0",
        "--signed-results",
        "2",
        stdout=out,
    )
    assert "2 hồ sơ đã đi hết quy trình tại Sở Tư pháp" in out.getvalue()
    returned = list(Dossier.objects.filter(status=Status.RETURNED, agency__code="BN.STP"))
    assert len(returned) == 2
    for dossier in returned:
        assert dossier.result_electronic
        assert list(dossier.history.values_list("action", flat=True)) == [
            "submit",
            "receive",
            "start_processing",
            "give_opinion",
            "approve",
            "issue_result",
            "return_result",
        ]
        if dossier.fee_vnd:
            assert dossier.fee_paid_online
            payment = Payment.objects.get(dossier=dossier, status=Payment.Status.PAID)
            assert payment.online and payment.receipt_number
        document = ResultDocument.objects.get(dossier=dossier)
        attachment = dossier.attachments.get(kind=Attachment.Kind.RESULT)
        with attachment.file.open("rb") as stored:
            verdict = verify_pdf(stored.read())
        assert verdict.valid, verdict.reasons
        assert verdict.document == document
        page = client.get(f"/ket-qua/xac-minh/{document.token}/")
        assert page.status_code == 200 and dossier.code in page.content.decode()
    assert Payment.objects.filter(online=True, status=Payment.Status.PAID).exists()
