"""Backup and restore as docs/RESILIENCE.md describes it: ``pg_dump -Fc`` of the database
plus an archive of the media folder, restored into a new database and folder; the
restored copy has every dossier and file, and its audit chain verifies."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from motcua.datastore import services as datastore_services
from motcua.dossiers.models import Attachment, Dossier
from motcua.portal import services as portal_services

from .conftest import pdf

pytestmark = pytest.mark.django_db(transaction=True)

MOTCUA = Path(sys.executable).with_name("motcua")


def _conninfo(dbname: str) -> str:
    data = connection.settings_dict
    password = f" password={data['PASSWORD']}" if data.get("PASSWORD") else ""
    return (
        f"host={data['HOST'] or '127.0.0.1'} port={data['PORT'] or 5432} "
        f"user={data['USER']} dbname={dbname}{password}"
    )


def _url(dbname: str) -> str:
    data = connection.settings_dict
    auth = data["USER"] + (f":{data['PASSWORD']}" if data.get("PASSWORD") else "")
    return f"postgres://{auth}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/{dbname}"


def _motcua(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": _url(database),
        "MOTCUA_MEDIA_ROOT": str(media),
        "MOTCUA_SECRET_KEY": settings.SECRET_KEY,
    }
    return subprocess.run(
        [str(MOTCUA), *args], env=env, capture_output=True, text=True, timeout=120
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pg_dump_and_media_archive_restore_a_verifiable_copy(
    on_postgres, tmp_path, media, citizen, make_draft
):
    filed = [portal_services.submit_application(make_draft(), by=citizen) for _ in range(3)]
    datastore_services.save_upload(citizen, pdf("giay-khai-sinh.pdf"), name="Giấy khai sinh")
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore_{secrets.token_hex(3)}"

    # Back up: the database (custom format) and the media folder.
    dump = tmp_path / "motcua.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _conninfo(source)],
        check=True,
        timeout=120,
    )
    archive = shutil.make_archive(str(tmp_path / "media-backup"), "gztar", media)

    admin = psycopg.connect(_conninfo("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{target}"')
    try:
        # Restore: a new database from the dump, a new folder from the archive.
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_conninfo(target)}", dump],
            check=True,
            timeout=120,
        )
        restored_media = tmp_path / "restored-media"
        shutil.unpack_archive(archive, restored_media)

        verified = _motcua("verify_audit", database=target, media=restored_media)
        assert verified.returncode == 0, verified.stderr
        assert "Nhật ký toàn vẹn" in verified.stdout

        files = _motcua(
            "cleanup_orphan_files", "--dry-run", "--grace=0", database=target, media=restored_media
        )
        assert files.returncode == 0, files.stderr
        assert "bản ghi thiếu tệp: 0" in files.stdout
        assert "tệp mồ côi sẽ xóa: 0" in files.stdout

        with psycopg.connect(_conninfo(target)) as copy:
            rows = copy.execute(
                "SELECT code, status, fee_vnd FROM dossiers_dossier WHERE code IS NOT NULL "
                "ORDER BY code"
            ).fetchall()
            files_kept = copy.execute("SELECT file, sha256 FROM dossiers_attachment").fetchall()
            documents = copy.execute("SELECT file, sha256 FROM datastore_document").fetchall()
        originals = Dossier.objects.filter(pk__in=[d.pk for d in filed]).order_by("code")
        assert rows == [(d.code, d.status, d.fee_vnd) for d in originals]
        assert len(files_kept) == Attachment.objects.count() == 6
        for name, digest in [*files_kept, *documents]:
            assert _sha256(restored_media / name) == digest
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
