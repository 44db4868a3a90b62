"""The optional virus scanner: every upload streamed to clamd (INSTREAM), a detection
refused, an unreachable scanner refusing uploads (fail closed) unless told otherwise.

``FakeClamd`` speaks clamd's protocol over a real socket (TCP or Unix) and flags the
EICAR test string, as ClamAV does."""

from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.datastore.models import Document
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import check_upload

from . import samples

pytestmark = pytest.mark.django_db

FOUND = "phát hiện có mã độc"
DOWN = "Hệ thống kiểm tra virus đang tạm thời gián đoạn"


class FakeClamd:
    """clamd's INSTREAM on a socket; ``reply`` overrides the verdict, ``silent`` never answers."""

    def __init__(self, family=socket.AF_INET, path: str = "", reply: bytes = b"", silent=False):
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(path or ("127.0.0.1", 0))
        self.server.listen(8)
        self.reply, self.silent = reply, silent
        self.scanned: list[bytes] = []
        self.commands: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def address(self) -> str:
        name = self.server.getsockname()
        return f"clamd://{name[0]}:{name[1]}" if isinstance(name, tuple) else f"clamd://{name}"

    def _read(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            piece = conn.recv(n - len(data))
            if not piece:
                raise ConnectionError
            data += piece
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                try:
                    command = b""
                    while not command.endswith(b"\0"):
                        command += self._read(conn, 1)
                    self.commands.append(command)
                    data = b""
                    while size := struct.unpack("!L", self._read(conn, 4))[0]:
                        data += self._read(conn, size)
                    self.scanned.append(data)
                    if self.silent:
                        conn.recv(1)  # wait for the client to give up
                        continue
                    verdict = self.reply or (
                        b"stream: Eicar-Test-Signature FOUND\0"
                        if samples.EICAR in data
                        else b"stream: OK\0"
                    )
                    conn.sendall(verdict)
                except (ConnectionError, OSError):
                    continue

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings):
    fake = FakeClamd()
    settings.MOTCUA_VIRUS_SCANNER = fake.address
    settings.MOTCUA_VIRUS_SCANNER_TIMEOUT_S = 2
    yield fake
    fake.close()


# A real PDF (qpdf reads it) with a marker the fake scanners look for in a comment.
def real_pdf(marker: bytes = b"clean") -> bytes:
    return samples.pdf(b"<</Type/Catalog/Pages 2 0 R>>", samples.PAGE_TREE) + b"%" + marker + b"\n"


def upload(content: bytes, name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def test_a_clean_file_is_streamed_whole_and_accepted(clamd):
    content = real_pdf(b"x" * 200_000)  # several INSTREAM chunks
    assert check_upload(upload(content)).extension == ".pdf"
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.scanned == [content]


def test_the_eicar_test_file_is_refused(clamd):
    with pytest.raises(DossierError) as refused:
        check_upload(upload(b"%PDF-1.4\n" + samples.EICAR + b"\n%%EOF\n"))
    assert refused.value.code == "malware"
    assert FOUND in refused.value.message


def test_a_detection_through_the_data_store_page_keeps_nothing(clamd, client, citizen, settings):
    client.force_login(citizen)
    response = client.post(
        "/kho-du-lieu/tai-len/",
        {"name": "Tờ khai", "file": upload(b"%PDF-1.4\n" + samples.EICAR + b"\n%%EOF\n")},
    )
    assert response.status_code == 400
    assert FOUND in response.content.decode()
    assert not Document.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_clamd_over_its_unix_socket(settings, tmp_path):
    fake = FakeClamd(socket.AF_UNIX, str(tmp_path / "clamd.ctl"))
    settings.MOTCUA_VIRUS_SCANNER = fake.address
    try:
        with pytest.raises(DossierError, match=FOUND):
            check_upload(upload(b"%PDF-1.4\n" + samples.EICAR))
        assert check_upload(upload(real_pdf())).extension == ".pdf"
    finally:
        fake.close()


def test_an_unreachable_scanner_refuses_uploads_by_default(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens
    settings.MOTCUA_VIRUS_SCANNER = f"clamd://127.0.0.1:{port}"
    with pytest.raises(DossierError) as refused:
        check_upload(upload(real_pdf()))
    assert refused.value.code == "scanner_unavailable"
    assert DOWN in refused.value.message and "thử lại" in refused.value.message


def test_a_scanner_that_never_answers_times_out_and_refuses(settings):
    fake = FakeClamd(silent=True)
    settings.MOTCUA_VIRUS_SCANNER = fake.address
    settings.MOTCUA_VIRUS_SCANNER_TIMEOUT_S = 0.3
    try:
        with pytest.raises(DossierError, match=DOWN):
            check_upload(upload(real_pdf()))
    finally:
        fake.close()


def test_a_scanner_error_refuses(settings):
    fake = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    settings.MOTCUA_VIRUS_SCANNER = fake.address
    try:
        with pytest.raises(DossierError, match=DOWN):
            check_upload(upload(real_pdf()))
    finally:
        fake.close()


def test_fail_open_accepts_unscanned_when_the_scanner_is_down(settings):
    settings.MOTCUA_VIRUS_SCANNER = "clamd://127.0.0.1:9"
    settings.MOTCUA_VIRUS_SCANNER_FAIL_OPEN = True
    assert check_upload(upload(real_pdf())).extension == ".pdf"


def flag_tax_forms(upload) -> str | None:
    """A scanner given as a dotted path (e.g. a vendor's SDK wrapped in a function)."""
    return "Test.Policy.Refused" if b"REFUSE-ME" in upload.read() else None


def broken_scanner(upload):
    raise RuntimeError("licence expired")


def test_a_scanner_given_as_a_dotted_path(settings):
    settings.MOTCUA_VIRUS_SCANNER = f"{__name__}.flag_tax_forms"
    with pytest.raises(DossierError, match=FOUND):
        check_upload(upload(b"%PDF-1.4\nREFUSE-ME"))
    assert check_upload(upload(real_pdf(b"fine"))).extension == ".pdf"
    settings.MOTCUA_VIRUS_SCANNER = f"{__name__}.broken_scanner"
    with pytest.raises(DossierError, match=DOWN):
        check_upload(upload(real_pdf(b"fine")))
