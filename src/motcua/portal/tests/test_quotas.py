"""Storage quotas: the bytes of one dossier, of one applicant's unfinished dossiers, and
the number of drafts one applicant may keep (hole 9: 225 MB went into one draft)."""

import io
import random

import pikepdf
import pytest

from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Dossier, Status

from .conftest import applicant_of, pdf_file, public_id_in, start

pytestmark = pytest.mark.django_db

KB = 1024
# filesizeformat joins the number and its unit with a no-break space.


def big_pdf(name: str, size: int):
    """A one-page PDF of about ``size`` bytes that keeps its size when the upload check
    rebuilds it: the page's content stream holds incompressible bytes."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    noise = random.Random(size).randbytes(size)
    pdf.pages[0].Contents = pdf.make_stream(b"q\n" + noise + b"\nQ\n")
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return pdf_file(name, out.getvalue())


def new_draft(client, version, commune) -> Dossier:
    return Dossier.objects.get(public_id=public_id_in(start(client, version, commune).url))


def upload(client, dossier, upload_file):
    component = dossier.procedure_version.components.first()
    return client.post(
        f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
        {"component": component.pk, "file": upload_file},
    )


@pytest.fixture
def small_quotas(settings):
    settings.MOTCUA_DOSSIER_QUOTA_BYTES = 1024 * KB
    settings.MOTCUA_APPLICANT_QUOTA_BYTES = 1536 * KB


def test_a_file_that_would_fill_the_dossier_past_its_quota_is_refused_naming_the_limit(
    citizen_client, version, commune, registry, small_quotas
):
    draft = new_draft(citizen_client, version, commune)
    assert upload(citizen_client, draft, big_pdf("mot.pdf", 600 * KB)).status_code == 302

    response = upload(citizen_client, draft, big_pdf("hai.pdf", 600 * KB))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Hồ sơ đã đạt dung lượng tối đa 1,0\xa0MB" in page
    assert Attachment.objects.count() == 1


def test_many_drafts_cannot_multiply_the_dossier_quota(
    citizen_client, version, commune, registry, small_quotas
):
    first, second, third = (new_draft(citizen_client, version, commune) for _ in range(3))
    assert upload(citizen_client, first, big_pdf("a.pdf", 700 * KB)).status_code == 302
    assert upload(citizen_client, second, big_pdf("b.pdf", 700 * KB)).status_code == 302

    response = upload(citizen_client, third, big_pdf("c.pdf", 700 * KB))

    assert response.status_code == 400
    assert "dung lượng tối đa 1,5\xa0MB cho mỗi người nộp" in response.content.decode()
    assert not third.attachments.exists()


def test_files_of_finished_dossiers_no_longer_count_for_the_applicant(
    citizen_client, version, commune, registry, small_quotas
):
    finished = new_draft(citizen_client, version, commune)
    upload(citizen_client, finished, big_pdf("cu.pdf", 1000 * KB))
    Dossier.objects.filter(pk=finished.pk).update(status=Status.WITHDRAWN)
    draft = new_draft(citizen_client, version, commune)

    assert upload(citizen_client, draft, big_pdf("moi.pdf", 1000 * KB)).status_code == 302


def test_another_applicants_files_never_count_against_this_one(
    citizen_client, version, commune, registry, small_quotas
):
    from tests.factories import ApplicantFactory, dossier_in_status

    theirs = dossier_in_status(
        Status.DRAFT, applicant=ApplicantFactory(), procedure_version=version, agency=commune
    )
    add_attachment(theirs, big_pdf("cua-ho.pdf", 1000 * KB), kind=Attachment.Kind.COMPONENT)
    draft = new_draft(citizen_client, version, commune)

    assert upload(citizen_client, draft, big_pdf("cua-toi.pdf", 1000 * KB)).status_code == 302


def test_the_result_issued_by_the_agency_is_never_refused_by_a_quota(
    citizen_client, version, commune, registry, small_quotas
):
    draft = new_draft(citizen_client, version, commune)
    upload(citizen_client, draft, big_pdf("day.pdf", 1000 * KB))

    result = add_attachment(draft, big_pdf("ket-qua.pdf", 900 * KB), kind=Attachment.Kind.RESULT)

    assert result.pk is not None


def test_a_new_application_beyond_the_drafts_limit_is_refused(
    citizen_client, citizen, version, commune, registry, settings
):
    settings.MOTCUA_MAX_OPEN_DRAFTS = 2
    new_draft(citizen_client, version, commune)
    new_draft(citizen_client, version, commune)

    response = start(citizen_client, version, commune)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bạn đang có 2 hồ sơ nháp chưa nộp, đã đạt số hồ sơ nháp tối đa (2)" in page
    assert Dossier.objects.filter(applicant=applicant_of(citizen)).count() == 2


def test_submitting_a_draft_frees_a_place_for_a_new_one(
    citizen_client, citizen, version, commune, registry, settings
):
    settings.MOTCUA_MAX_OPEN_DRAFTS = 1
    first = new_draft(citizen_client, version, commune)
    Dossier.objects.filter(pk=first.pk).update(status=Status.SUBMITTED)

    assert start(citizen_client, version, commune).status_code == 302


def test_the_quota_sums_read_the_applicants_dossiers_then_each_ones_files():
    """The sums' cost follows the applicant's dossiers, not the platform's files: the
    statement reads dossiers and, for each, its files (a correlated subquery on the
    attachment's dossier index). Joined the other way, PostgreSQL hashed the whole
    attachment table on every upload (issue #21)."""
    from motcua.dossiers.files import _quota_sums

    sql = str(_quota_sums(1, 2).query)
    outer_from = sql.rsplit(" FROM ", 1)[1]
    assert outer_from.startswith('"dossiers_dossier"')
    assert "dossiers_attachment" not in outer_from
    assert '"dossier_id" = ("dossiers_dossier"."id")' in sql
