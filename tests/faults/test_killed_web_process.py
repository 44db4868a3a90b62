"""The web process SIGKILLed in the middle of an upload: no half dossier, and the file it
had already written is removed by the orphan-file cleanup."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from django.core.management import call_command

from motcua.audit.models import AuditRecord
from motcua.dossiers.models import Attachment, Dossier, Status

from .conftest import PDF, Browser, files_under
from .servers import WebServer, copy_back, database_url_for_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_sigkill_during_an_upload_leaves_no_half_dossier_and_no_orphan_after_cleanup(
    tmp_path, media, make_draft, citizen, capsys
):
    draft = make_draft(with_files=False)
    component = draft.procedure_version.components.first()
    browser = Browser(citizen)
    database_url = database_url_for_server(tmp_path)
    # The server pauses for 30 s inside the upload's transaction, after writing the file.
    server = WebServer(tmp_path, database_url, MOTCUA_FAULT_DELAY_AFTER_FILE_S="30").start()
    browser.base_url = server.url
    answers = []

    def upload():
        try:
            answers.append(
                browser.post(
                    f"/ho-so/{draft.public_id}/giay-to/tai-len/",
                    data={"component": component.pk},
                    files={"file": ("giay-chung-sinh.pdf", PDF, "application/pdf")},
                    timeout=60,
                )
            )
        except requests.RequestException as lost:
            answers.append(lost)

    client = threading.Thread(target=upload)
    try:
        client.start()
        deadline = time.monotonic() + 30
        while not files_under(media / "dossiers") and time.monotonic() < deadline:
            time.sleep(0.05)
        written = files_under(media / "dossiers")
        assert len(written) == 1, answers or server.log.read_text()[-2000:]
        server.kill()
        client.join(30)
    finally:
        server.kill()

    # The browser saw the connection die; no answer claims the file was taken.
    assert len(answers) == 1 and isinstance(answers[0], requests.ConnectionError)
    copy_back(database_url)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Attachment.objects.filter(dossier=draft).exists()
    assert not AuditRecord.objects.filter(action="dossier.attach").exists()
    assert written[0].exists()  # the orphan: on disk, referenced by no row

    call_command("cleanup_orphan_files", "--dry-run", "--grace=0")
    report = capsys.readouterr().out
    assert f"Sẽ xóa: {written[0].relative_to(media)}" in report
    assert written[0].exists()

    call_command("cleanup_orphan_files", "--grace=0")
    assert "tệp mồ côi đã xóa: 1" in capsys.readouterr().out
    assert files_under(media / "dossiers") == []
    # The citizen simply uploads again: the dossier is whole and can go on.
    assert Dossier.objects.get(pk=draft.pk).attachments.count() == 0
