"""The officer previews the exact result document before signing; what is signed is what
was previewed (the same bytes, then the signature)."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Status, StatusChange
from motcua.results import rendering, services
from motcua.results.exceptions import ResultError
from motcua.results.models import NumberCounter, ResultDocument, ResultDraft, ResultTemplate
from motcua.results.verify import verify_pdf
from tests.factories import AgencyFactory, UserFactory

from .pdfs import read

pytestmark = pytest.mark.django_db

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
                },
                {"name": "birth_place", "label": "Nơi sinh", "type": "text"},
            ],
        },
        {
            "key": "request",
            "title": "Nội dung đề nghị",
            "fields": [{"name": "copies", "label": "Số bản sao đề nghị cấp", "type": "number"}],
        },
    ],
    "decision": [{"name": "register_book", "label": "Quyển số", "type": "text"}],
}
BIRTH_DATA = {
    "child": {"full_name": "Trần Minh Khôi", "birth_date": "2026-03-05", "sex": "nam"},
    "birth_place": "Bệnh viện Sản Nhi Bắc Ninh",
    "copies": 2,
}


def pdf_text(data: bytes) -> str:
    """The text a reader (or a search engine) gets out of the PDF, as ``pdftotext`` reads it."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


@pytest.fixture
def birth(approved, version):
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=BIRTH_FORM)
    approved.form_data = BIRTH_DATA
    approved.save(update_fields=["form_data"])
    approved.refresh_from_db()
    return approved


@pytest.fixture
def leader(agency):
    user = UserFactory(username="gd.stp", full_name="Lê Văn Giám")
    Membership.objects.create(user=user, agency=agency, role=Role.LEADER)
    return user


def approve(dossier, leader):
    StatusChange.objects.create(
        dossier=dossier,
        action="approve",
        from_status=Status.IN_PROCESS,
        to_status=Status.APPROVED,
        actor=leader,
        at=timezone.now(),
    )


def test_the_default_body_prints_the_form_by_sections(birth, leader):
    text = pdf_text(bytes(services.preview_result(birth, by=leader).pdf))
    for expected in (
        "NGƯỜI ĐƯỢC KHAI SINH",  # a section of the tờ khai
        "Trần Minh Khôi",
        "05/03/2026",  # dates as dd/mm/yyyy
        "Nam",  # choices by their label
        "Bệnh viện Sản Nhi Bắc Ninh",
        "NỘI DUNG ĐỀ NGHỊ",
        "Số bản sao đề nghị cấp 2",
    ):
        assert expected in text, expected
    assert "2026-03-05" not in text and "nam " not in text.replace("Nam", "")


def test_the_frame_carries_motto_agency_number_place_title_and_signer(birth, leader):
    approve(birth, leader)
    draft = services.preview_result(birth, by=leader)
    text = pdf_text(bytes(draft.pdf))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỈNH BẮC NINH",
        "SỞ TƯ PHÁP",
        f"Số: {draft.number}",
        "Bắc Ninh, ngày",
        "GIẤY KHAI SINH",
        "GIÁM ĐỐC",  # the signer's title, from the kind of agency
        "Lê Văn Giám",  # the leader who approved
    ):
        assert expected in text, expected


def test_the_procedures_template_may_name_the_signers_title(birth, leader, version):
    ResultTemplate.objects.create(
        procedure=version.procedure,
        body="<p>Cấp cho {{ data.child.full_name }}.</p>",
        signer_title="KT. GIÁM ĐỐC\nPhó Giám đốc",
    )
    text = pdf_text(bytes(services.preview_result(birth, by=leader).pdf))
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text


def test_a_peoples_committee_signs_on_behalf_of_the_committee():
    commune = AgencyFactory(code="BN.KB", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE)
    desk = AgencyFactory(code="BN.KB.MC", name="Bộ phận một cửa", kind=Agency.Kind.UNIT)
    desk.parent = commune
    desk.save()
    assert rendering.signer_title_lines(desk) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_the_admin_body_comes_before_the_file_body_before_the_default(
    birth, leader, version, settings, tmp_path
):
    bodies = tmp_path / "templates" / "results" / "bodies"
    bodies.mkdir(parents=True)
    (bodies / "HT.01.html").write_text(
        "<p>Thân văn bản từ tệp cho {{ data.child.full_name }}, quyển {{ decision.register_book"
        "|default:'chưa ghi' }}.</p>",
        encoding="utf-8",
    )
    original = settings.TEMPLATES
    settings.TEMPLATES = [
        {**original[0], "DIRS": [tmp_path / "templates", *original[0]["DIRS"]]},
        *original[1:],
    ]
    from_file = pdf_text(bytes(services.preview_result(birth, by=leader).pdf))
    assert "Thân văn bản từ tệp cho Trần Minh Khôi, quyển chưa ghi." in from_file
    assert "NỘI DUNG ĐỀ NGHỊ" not in from_file  # not the default body

    ResultTemplate.objects.create(
        procedure=version.procedure, body="<p>Thân văn bản do quản trị soạn.</p>"
    )
    from_admin = pdf_text(bytes(services.preview_result(birth, by=leader).pdf))
    assert "Thân văn bản do quản trị soạn." in from_admin
    assert "Thân văn bản từ tệp" not in from_admin

    settings.TEMPLATES = original  # no file body any more (the loaders start afresh)
    ResultTemplate.objects.all().delete()
    default = pdf_text(bytes(services.preview_result(birth, by=leader).pdf))
    assert "NỘI DUNG ĐỀ NGHỊ" in default


def test_what_is_signed_is_the_previewed_draft_then_the_signature(birth, leader, officer):
    approve(birth, leader)
    draft = services.preview_result(birth, by=leader)
    previewed = bytes(draft.pdf)
    dossier = services.issue_result(birth, by=officer)
    assert dossier.status == Status.RESULT_ISSUED
    document = ResultDocument.objects.get(dossier=birth)
    signed = read(document)
    assert signed.startswith(previewed) and len(signed) > len(previewed)
    verdict = verify_pdf(signed)
    assert verdict.valid, verdict.reasons
    assert (document.number, document.token) == (draft.number, draft.token)
    assert not ResultDraft.objects.filter(dossier=birth).exists()


def test_issuing_a_generated_result_without_a_preview_is_refused(birth, officer):
    with pytest.raises(ResultError, match="Chưa có bản xem trước") as refused:
        services.issue_result(birth, by=officer)
    assert refused.value.code == "no_draft"
    birth.refresh_from_db()
    assert birth.status == Status.APPROVED and not ResultDocument.objects.exists()


def test_a_draft_is_stale_once_the_form_data_changes(birth, leader, officer):
    approve(birth, leader)
    services.preview_result(birth, by=leader)
    birth.form_data = {**BIRTH_DATA, "copies": 3}
    birth.save(update_fields=["form_data"])
    with pytest.raises(ResultError, match="đã thay đổi sau khi xem trước") as refused:
        services.issue_result(birth, by=officer)
    assert refused.value.code == "stale_draft"
    birth.refresh_from_db()
    assert birth.status == Status.APPROVED and not ResultDocument.objects.exists()
    services.preview_result(birth, by=leader)  # previewed again: now it may be signed
    assert services.issue_result(birth, by=officer).status == Status.RESULT_ISSUED


def test_a_draft_approved_by_another_leader_is_stale(birth, leader, officer, agency):
    services.preview_result(birth, by=leader)  # before approving: the leader's own name
    other = UserFactory(username="pgd.stp", full_name="Đỗ Thị Phó")
    Membership.objects.create(user=other, agency=agency, role=Role.LEADER)
    approve(birth, other)
    with pytest.raises(ResultError) as refused:
        services.issue_result(birth, by=officer)
    assert refused.value.code == "stale_draft"


def test_a_draft_made_on_another_day_is_stale(birth, leader, officer):
    approve(birth, leader)
    draft = services.preview_result(birth, by=leader)
    ResultDraft.objects.filter(pk=draft.pk).update(
        issued_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ResultError, match="phải ghi ngày hôm nay"):
        services.issue_result(birth, by=officer)


def test_a_new_preview_replaces_the_old_one_and_keeps_its_number(birth, leader, agency):
    first = services.preview_result(birth, by=leader)
    second = services.preview_result(birth, by=leader)
    assert ResultDraft.objects.filter(dossier=birth).count() == 1
    assert (second.number, second.token) == (first.number, first.token)
    assert NumberCounter.objects.get(agency=agency).value == 1


def test_only_a_dossier_in_process_or_approved_is_previewed(birth, leader):
    birth.status = Status.RECEIVED
    birth.save(update_fields=["status"])
    with pytest.raises(ResultError, match="Chỉ xem trước kết quả"):
        services.preview_result(birth, by=leader)
    assert not ResultDraft.objects.exists()
