"""``cleanup_orphan_files``: files no row references are deleted once old enough; files
of rows, young files and anything outside the uploads' folders are never touched."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.management import call_command

from motcua.datastore import services as datastore_services
from motcua.dossiers.cleanup import cleanup_orphan_files, file_fields
from motcua.dossiers.models import Attachment

from .conftest import files_under, pdf

pytestmark = pytest.mark.django_db

DAY = 86400


def _old(path, seconds: int = 2 * DAY):
    moment = time.time() - seconds
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def stored(media, citizen, make_draft):
    """A draft's two attachments and a data-store document (all referenced), plus
    orphans of each kind, a young orphan and files outside the uploads' folders."""
    make_draft()
    document = datastore_services.save_upload(citizen, pdf("ho-khau.pdf"))
    kept = [media / a.file.name for a in Attachment.objects.all()] + [media / document.file.name]
    for path in kept:
        _old(path)
    orphans = []
    for folder in ("dossiers/2026/11", "datastore/2026/11"):
        (media / folder).mkdir(parents=True, exist_ok=True)
        orphan = media / folder / "mo-coi.pdf"
        orphan.write_bytes(b"%PDF-1.4 orphan")
        orphans.append(_old(orphan))
    young = media / "dossiers" / "2026" / "11" / "dang-tai-len.pdf"
    young.write_bytes(b"%PDF-1.4 upload in progress")
    (media / "ops").mkdir()
    outside = [media / "ops" / "readyz.txt", media / "ghi-chu.txt"]
    for path in outside:
        path.write_bytes(b"not an upload")
        _old(path)
    return {"kept": kept, "orphans": orphans, "young": young, "outside": outside}


def test_every_model_file_field_is_covered_through_the_app_registry():
    labels = {f"{model._meta.label}.{field.name}" for model, field in file_fields()}
    assert {"dossiers.Attachment.file", "datastore.Document.file"} <= labels


def test_a_dry_run_lists_the_orphans_and_deletes_nothing(stored, media):
    before = files_under(media)
    report = cleanup_orphan_files(dry_run=True)
    assert sorted(report.orphans) == sorted(str(p.relative_to(media)) for p in stored["orphans"])
    assert report.too_young == [str(stored["young"].relative_to(media))]
    assert files_under(media) == before


def test_old_orphans_go_and_everything_else_stays(stored, media):
    out = io.StringIO()
    call_command("cleanup_orphan_files", stdout=out)
    assert "tệp mồ côi đã xóa: 2" in out.getvalue()
    assert "chưa đủ thời gian chờ: 1" in out.getvalue()
    assert not any(p.exists() for p in stored["orphans"])
    assert all(p.exists() for p in [*stored["kept"], stored["young"], *stored["outside"]])


def test_a_zero_grace_takes_the_young_orphan_too(stored, media):
    report = cleanup_orphan_files(grace=0)
    assert len(report.orphans) == 3 and not stored["young"].exists()
    assert all(p.exists() for p in [*stored["kept"], *stored["outside"]])


def test_rows_whose_file_is_missing_are_reported(stored, media):
    lost = stored["kept"][0]
    lost.unlink()
    report = cleanup_orphan_files(dry_run=True)
    assert report.missing == [str(lost.relative_to(media))]
