"""Files for the hostile upload tests: real PDFs, PNGs and JPEGs, and malicious ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 4, height: int = 4, *, extra: bytes = b"") -> bytes:
    """A valid RGB PNG; ``extra`` chunks go before the image data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(min(height, 64)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + extra
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def png_text(text: bytes) -> bytes:
    return png(extra=_chunk(b"tEXt", b"Comment\x00" + text))


def jpeg(width: int = 8, height: int = 8, *, comment: bytes = b"") -> bytes:
    """A JPEG made by Pillow; ``comment`` goes into a COM segment after the header."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    data = out.getvalue()
    if comment:
        segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
        data = data[:2] + segment + data[2:]
    return data


def jpeg_declaring(width: int, height: int) -> bytes:
    """A tiny JPEG whose frame header declares ``width`` × ``height`` (a pixel bomb)."""
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9"


PAGE_TREE = b"<</Type/Pages/Kids[9 0 R]/Count 1>>"


def pdf(*objects: bytes, trailer: bytes = b"<</Root 1 0 R>>") -> bytes:
    """A PDF whose catalog is object 1 (give it first) followed by ``objects``, and one
    blank page, object 9 (give ``PAGE_TREE`` as object 2: qpdf reads no file without
    a page)."""
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"
    numbered = [*enumerate(objects, start=1), (9, page)]
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, o) for n, o in numbered)
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"trailer\n" + trailer + b"\n%%EOF\n"


def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    return dictionary[:-2] + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"


def zip_archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Tờ khai đăng ký khai sinh</h1><p>Nguyễn Văn An</p>").write_pdf()
