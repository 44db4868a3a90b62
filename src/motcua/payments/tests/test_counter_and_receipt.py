"""Cash paid at the desk, receipt numbers, and the electronic receipt (PDF)."""

import io
import re

import pytest
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.audit.models import AuditRecord
from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.exceptions import NothingDue, PaymentError
from motcua.payments.receipt_pdf import receipt_document, render_receipt_pdf
from motcua.payments.words import vnd_in_words

from .conftest import fee_paid_events

pytestmark = pytest.mark.django_db


def test_counter_payment_is_recorded_with_a_receipt(dossier, officer):
    payment = services.record_counter_payment(dossier, by=officer)

    year = timezone.localtime().year
    assert payment.receipt_number == f"BL{year}-000001"
    assert (payment.status, payment.online, payment.gateway) == ("paid", False, "counter")
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None and not dossier.fee_paid_online
    assert fee_paid_events(dossier) == 1
    audit = AuditRecord.objects.get(action="payment.applied")
    assert audit.actor == officer and audit.data["receipt_number"] == payment.receipt_number


def test_counter_payment_refuses_a_second_payment_or_nothing_due(make_dossier, officer):
    dossier = make_dossier()
    services.record_counter_payment(dossier, by=officer)
    with pytest.raises(PaymentError, match="đã được nộp"):
        services.record_counter_payment(dossier, by=officer)
    with pytest.raises(NothingDue):
        services.record_counter_payment(make_dossier(fee=0), by=officer)
    with pytest.raises(PaymentError, match="Từ chối"):
        services.record_counter_payment(make_dossier(Status.REFUSED), by=officer)


def test_receipt_numbers_follow_each_other_within_the_year(make_dossier, officer):
    numbers = [
        services.record_counter_payment(make_dossier(), by=officer).receipt_number for _ in range(3)
    ]
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3]


def _text(document) -> str:
    return " ".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "text", None)
    )


def test_receipt_pdf_names_the_number_the_amount_in_words_and_the_dossier(dossier, officer):
    dossier.applicant.name = "Nguyễn Thị Ánh Tuyết"
    dossier.applicant.save()
    payment = services.record_counter_payment(dossier, by=officer)

    pdf = render_receipt_pdf(payment)

    assert pdf.startswith(b"%PDF")
    info = PdfFileReader(io.BytesIO(pdf)).trailer["/Info"]
    assert payment.receipt_number in str(info["/Title"])
    document = receipt_document(payment)
    text = re.sub(r"\s+", " ", _text(document))
    for expected in (
        payment.receipt_number,
        "Hai mươi nghìn đồng",
        "20.000 đồng",
        dossier.code,
        "Nguyễn Thị Ánh Tuyết",
        "UBND phường Kinh Bắc",
        "Đăng ký kết hôn",
        "Tiền mặt tại bộ phận một cửa",
    ):
        assert expected in text, expected
    assert all(not font.missing for font in document.fonts.values())


def test_only_a_paid_payment_has_a_receipt(dossier):
    payment, _url = services.start_online_payment(
        dossier, None, return_url="http://testserver/thanh-toan/ket-qua/", client_ip="127.0.0.1"
    )
    with pytest.raises(ValueError):
        render_receipt_pdf(payment)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (105_000, "Một trăm lẻ năm nghìn đồng"),
        (1_005_000, "Một triệu không trăm lẻ năm nghìn đồng"),
        (1_234_567, "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
    ],
)
def test_amounts_in_vietnamese_words(amount, words):
    assert vnd_in_words(amount) == words
