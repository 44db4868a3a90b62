"""Dossier files in S3-compatible object storage (moto's S3 server over real HTTP)."""

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.agencies.models import Role
from motcua.dossiers import pdfs
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Status
from motcua.settings import s3_storage_options
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    MembershipFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)

# A real (one blank page) PDF: uploads are read by qpdf and rebuilt before storing.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
BUCKET = "motcua-ho-so"


@pytest.fixture
def s3_storage(s3_server, settings, tmp_path):
    """The default storage configured from the environment variables of DEPLOY.md."""
    environ = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_ACCESS_KEY_ID": "khoa-thu",
        "AWS_SECRET_ACCESS_KEY": "bi-mat-thu",
        "AWS_S3_REGION_NAME": "ap-southeast-1",
        "AWS_LOCATION": "tep",
    }
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="khoa-thu",
        aws_secret_access_key="bi-mat-thu",
        region_name="ap-southeast-1",
    )
    s3.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
    )
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_storage_options(environ),
        },
    }
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


@pytest.mark.django_db
def test_an_attachment_is_stored_in_s3_and_downloaded_by_the_officer(s3_storage, client, settings):
    agency = AgencyFactory(code="STP")
    dossier = dossier_in_status(
        Status.RECEIVED,
        applicant=ApplicantFactory(),
        procedure_version=procedure_version("HT.01"),
        agency=agency,
    )
    upload = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    item = add_attachment(dossier, upload, kind=Attachment.Kind.COMPONENT)

    keys = [o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"tep/{item.file.name}"]
    assert item.file.name.startswith("dossiers/") and item.file.name.endswith(".pdf")
    assert s3_storage.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == pdfs.disarmed(PDF)
    assert not (settings.MEDIA_ROOT).exists()  # nothing on the local disk

    officer = UserFactory()
    MembershipFactory(user=officer, agency=agency, role=Role.DESK_OFFICER)
    client.force_login(officer)
    response = client.get(reverse("backoffice:attachment", args=[item.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdfs.disarmed(PDF)


@pytest.mark.django_db
def test_a_second_file_of_the_same_name_never_overwrites_the_first(s3_storage):
    first = default_storage.save("dossiers/2026/11/giay-to.pdf", SimpleUploadedFile("a", PDF))
    second = default_storage.save(
        "dossiers/2026/11/giay-to.pdf", SimpleUploadedFile("b", b"%PDF-2")
    )
    assert first != second
    with default_storage.open(first) as handle:
        assert handle.read() == PDF
    url = default_storage.url(first)
    assert "X-Amz-Signature=" in url  # private files: signed, expiring links
