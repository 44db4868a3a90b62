"""Hole 14: temporary files of streamed uploads left behind by a killed process are
deleted by ``cleanup_orphan_files`` once stale; nothing else in the folder is touched."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import call_command

from motcua.dossiers.cleanup import cleanup_orphan_files

pytestmark = pytest.mark.django_db

DAY = 86400


@pytest.fixture
def upload_tmp(settings, tmp_path):
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MOTCUA_UPLOAD_TEMP_GRACE_S = 6 * 3600
    return folder


def left_behind(folder, name: str, age_s: float, content: bytes = b"%PDF-1.7 ..."):
    path = folder / name
    path.write_bytes(content)
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_a_stale_upload_temp_file_is_deleted_and_the_rest_kept(upload_tmp):
    # The name Django really gives a streamed upload's temporary file.
    real = TemporaryUploadedFile("ho-so.pdf", "application/pdf", 10, "utf-8")
    real_name = os.path.basename(real.temporary_file_path())
    real.close()
    stale = left_behind(upload_tmp, real_name, 2 * DAY)
    stale_plain = left_behind(upload_tmp, "tmpab_cd123.upload", 7 * 3600)
    young = left_behind(upload_tmp, "tmpzz9yy8xx.upload.png", 600)
    others = [
        left_behind(upload_tmp, "tmpab_cd124.txt", 9 * DAY),
        left_behind(upload_tmp, "notes.upload", 9 * DAY),
        left_behind(upload_tmp, "sessionXYZ", 9 * DAY),
    ]
    (upload_tmp / "tmpab_cd125.upload").mkdir()
    os.utime(upload_tmp / "tmpab_cd125.upload", (0, 0))

    report = cleanup_orphan_files()

    assert not stale.exists() and not stale_plain.exists()
    assert young.exists()
    assert all(p.exists() for p in others)
    assert (upload_tmp / "tmpab_cd125.upload").is_dir()
    assert sorted(report.temp_uploads) == sorted([str(stale), str(stale_plain)])


def test_a_dry_run_only_lists_them(upload_tmp):
    stale = left_behind(upload_tmp, "tmpab_cd123.upload.pdf", 2 * DAY)
    out = io.StringIO()
    call_command("cleanup_orphan_files", "--dry-run", stdout=out)
    assert stale.exists()
    assert str(stale) in out.getvalue()
