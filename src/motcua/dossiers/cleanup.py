"""Files no row references any more (orphans), found and deleted; used by
``motcua cleanup_orphan_files``.

An upload writes its file before its row commits. When the transaction never commits
(the web process killed, the database gone, a later check failing) the file stays
behind with nothing pointing at it. This job walks the folders that model file fields
write to — found through the app registry, so the dossiers' attachments, the personal
data store's documents and any later FileField are covered without this app
importing theirs — and deletes the files that no row names and that are older than a
grace period (``MOTCUA_ORPHAN_FILES_GRACE_S``), so an upload still in its transaction
is never touched. It also counts the opposite: rows whose file is missing (after a
restore from backup, say).

Large uploads are streamed to temporary files (Django's ``TemporaryUploadedFile``, in
``FILE_UPLOAD_TEMP_DIR`` or the system's temporary folder) that are deleted when the
request ends; a process killed meanwhile leaves them behind. The same job deletes
those older than ``MOTCUA_UPLOAD_TEMP_GRACE_S``, recognised by Django's name for them
(``tmp`` + 8 characters + ``.upload`` + the file's extension); nothing else there is
touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class CleanupReport:
    """What one run saw and did (names are storage names, relative to its root)."""

    dry_run: bool
    folders: list[str] = field(default_factory=list)
    scanned: int = 0
    referenced: int = 0
    orphans: list[str] = field(default_factory=list)  # deleted (or, dry run, to delete)
    orphan_bytes: int = 0
    too_young: list[str] = field(default_factory=list)  # orphans within the grace period
    missing: list[str] = field(default_factory=list)  # rows whose file is not there
    errors: list[str] = field(default_factory=list)
    temp_folder: str = ""
    temp_uploads: list[str] = field(default_factory=list)  # stale upload temp files deleted
    temp_upload_bytes: int = 0


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every concrete FileField (ImageField included) of every installed model."""
    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


def _top_folder(name: str) -> str:
    name = str(name).lstrip("/")
    return name.split("/", 1)[0] if "/" in name else ""


def _folders_of(model, file_field) -> set[str]:
    """The top folders ``file_field`` writes into (from ``upload_to``, else its rows)."""
    upload_to = file_field.upload_to
    if isinstance(upload_to, str) and upload_to:
        top = _top_folder(upload_to.split("%", 1)[0] + "x")
        if top:
            return {top}
    if callable(upload_to):
        try:
            top = _top_folder(upload_to(model(), "x"))
        except Exception:
            top = ""
        if top:
            return {top}
    names = model._default_manager.exclude(**{file_field.attname: ""}).values_list(
        file_field.attname, flat=True
    )
    return {_top_folder(n) for n in names[:1000] if _top_folder(n)}


def walk(storage, folder: str) -> Iterator[str]:
    """Every file under ``folder`` of ``storage`` (depth first; works on S3 too)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for directory in directories:
        yield from walk(storage, posixpath.join(folder, directory))


def _storages() -> dict[int, tuple[object, list[tuple[type[models.Model], models.FileField]]]]:
    grouped: dict[int, tuple[object, list]] = {}
    for model, file_field in file_fields():
        storage = file_field.storage
        grouped.setdefault(id(storage), (storage, []))[1].append((model, file_field))
    return grouped


def _referenced(fields) -> set[str]:
    names: set[str] = set()
    for model, file_field in fields:
        queryset = model._default_manager.exclude(**{file_field.attname: ""}).exclude(
            **{f"{file_field.attname}__isnull": True}
        )
        names.update(queryset.values_list(file_field.attname, flat=True).iterator(2000))
    return names


# NamedTemporaryFile(prefix="tmp", suffix=".upload" + extension), as Django names them.
TEMP_UPLOAD_NAME = re.compile(r"tmp[a-z0-9_]{8}\.upload(\.[^/\\]{0,64})?")


def temp_upload_folder() -> str:
    return str(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir())


def cleanup_temp_uploads(report: CleanupReport, now: dt.datetime) -> None:
    """Delete the upload temporary files older than ``MOTCUA_UPLOAD_TEMP_GRACE_S``
    (left by a process killed during an upload); only files with Django's name for
    them, never a link or a folder."""
    grace = int(getattr(settings, "MOTCUA_UPLOAD_TEMP_GRACE_S", 21600))
    report.temp_folder = folder = temp_upload_folder()
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        report.errors.append(f"{folder}: {exc}")
        return
    for entry in entries:
        try:
            if not TEMP_UPLOAD_NAME.fullmatch(entry.name) or not entry.is_file(
                follow_symlinks=False
            ):
                continue
            stat = entry.stat(follow_symlinks=False)
            if now.timestamp() - stat.st_mtime < grace:
                continue
            if not report.dry_run:
                os.unlink(entry.path)
        except OSError as exc:
            report.errors.append(f"{entry.path}: {exc}")
            continue
        report.temp_uploads.append(entry.path)
        report.temp_upload_bytes += stat.st_size


def grace_seconds() -> int:
    return int(getattr(settings, "MOTCUA_ORPHAN_FILES_GRACE_S", 86400))


def cleanup_orphan_files(
    *, dry_run: bool = False, grace: int | None = None, now: dt.datetime | None = None
) -> CleanupReport:
    """Delete the files no row references that are older than ``grace`` seconds.

    ``grace`` defaults to ``MOTCUA_ORPHAN_FILES_GRACE_S``; ``dry_run`` only reports.
    The folders are ``MOTCUA_ORPHAN_FILES_DIRS`` or, by default, those the models'
    file fields write to; nothing outside them is looked at. A file that cannot be
    deleted is reported in ``errors`` and the run goes on.
    """
    grace = grace_seconds() if grace is None else grace
    now = now or timezone.now()
    report = CleanupReport(dry_run=dry_run)
    configured = list(getattr(settings, "MOTCUA_ORPHAN_FILES_DIRS", []) or [])
    for storage, fields in _storages().values():
        folders = sorted(
            set(configured) or set().union(*(_folders_of(model, f) for model, f in fields))
        )
        report.folders += folders
        # List before reading the rows: a file committed meanwhile is then referenced.
        found = [name for folder in folders for name in walk(storage, folder)]
        referenced = _referenced(fields)
        report.scanned += len(found)
        report.referenced += len(referenced)
        present = set(found)
        report.missing += sorted(
            n for n in referenced if n not in present and _top_folder(n) in folders
        )
        for name in found:
            if name in referenced:
                continue
            try:
                modified = storage.get_modified_time(name)
                if timezone.is_naive(modified):
                    modified = timezone.make_aware(modified)
                if (now - modified).total_seconds() < grace:
                    report.too_young.append(name)
                    continue
                size = storage.size(name)
                if not dry_run:
                    storage.delete(name)
            except OSError as exc:
                report.errors.append(f"{name}: {exc}")
                continue
            report.orphans.append(name)
            report.orphan_bytes += size
    cleanup_temp_uploads(report, now)
    if report.temp_uploads and not dry_run:
        logger.info("stale upload temporary files deleted: %d", len(report.temp_uploads))
    if report.orphans and not dry_run:
        logger.info("orphan files deleted: %d (%d bytes)", len(report.orphans), report.orphan_bytes)
    return report
