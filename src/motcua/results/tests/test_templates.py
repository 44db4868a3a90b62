"""Each procedure may have its own result template, edited in the admin."""

import pytest

from motcua.results import pki, rendering, services
from motcua.results.admin import ResultTemplateForm
from motcua.results.models import ResultTemplate
from motcua.results.verify import verify_pdf

from .pdfs import read

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Trích lục cho {{ applicant.name }}, sinh ngày {{ data.birth_date }}, "
    "hồ sơ {{ dossier.code }}.</p>"
)


def test_a_procedures_template_gives_the_title_and_body(approved, officer, version):
    ResultTemplate.objects.create(
        procedure=version.procedure, title="Trích lục khai sinh", body=BODY
    )
    document = services.issue_electronic_result(approved, officer)
    assert document.title == "Trích lục khai sinh"
    assert verify_pdf(read(document)).valid
    body = rendering.render_body(
        BODY, {"applicant": approved.applicant, "data": approved.form_data, "dossier": approved}
    )
    assert body == (
        "<p>Trích lục cho Nguyễn Thị Hoa, sinh ngày 1990-05-01, hồ sơ BN.STP-261123-0001.</p>"
    )


def test_the_default_body_shows_the_applicant_the_dossier_and_the_form_data(approved, officer):
    # A legacy flat form (full_name, birth_date) read through the form engine.
    draft = services.preview_result(approved, by=officer)
    context = {
        **services._context(
            approved, pki.ensure_certificate(approved.agency), draft.number, draft.token, None
        ),
        "title": "Giấy khai sinh",
    }
    body = rendering.render_body(None, context)
    for expected in (
        "Nguyễn Thị Hoa",
        "001190000123",
        "BN.STP-261123-0001",
        "HT.01 – Đăng ký khai sinh",
        "01/05/1990",
    ):
        assert expected in body


def test_the_admin_refuses_a_template_with_a_syntax_error(version):
    form = ResultTemplateForm(
        data={"procedure": version.procedure.pk, "title": "", "body": "{% if %}"}
    )
    assert not form.is_valid()
    assert "Mẫu văn bản có lỗi cú pháp" in form.errors["body"][0]


def test_the_place_is_the_province_of_the_agency(agency):
    assert rendering.place_of(agency) == "Bắc Ninh"
    assert rendering.header_lines(agency) == ("Tỉnh Bắc Ninh", "Sở Tư pháp")
