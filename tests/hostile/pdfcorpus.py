"""Crafted PDFs for the disarm tests, made with pikepdf (no binary file is committed).

``document`` is an ordinary two-page PDF; the other helpers add what an attacker would:
actions, scripts, XFA, embedded files, and ``update_in_object_stream`` appends an
incremental update whose objects sit in an object stream encoded with any filters."""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String

TEXT = b"BT /F1 24 Tf 72 720 Td (Giay khai sinh) Tj ET"


def document(pages: int = 2) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(TEXT)
    return pdf


def saved(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def javascript(pdf: pikepdf.Pdf, code: str = "app.alert(1)") -> Dictionary:
    return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(code)))


def link(pdf: pikepdf.Pdf, action: Dictionary, subtype=Name.Link) -> None:
    """An annotation on the first page running ``action`` when clicked."""
    annotation = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=subtype, Rect=Array([0, 0, 100, 100]), A=action)
    )
    pdf.pages[0].obj.Annots = Array([annotation])


def xfa(pdf: pikepdf.Pdf, template: bytes) -> None:
    """An XFA form whose template packet (a Flate stream) is ``template``."""
    packet = pdf.make_stream(zlib.compress(template))
    packet.Filter = Name.FlateDecode
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=Array([String("template"), packet]))


ENCODERS = {
    "/FlateDecode": zlib.compress,
    "/ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">",
    "/ASCII85Decode": lambda data: base64.a85encode(data) + b"~>",
    "/RunLengthDecode": lambda data: (
        b"".join(
            bytes([len(data[i : i + 128]) - 1]) + data[i : i + 128]
            for i in range(0, len(data), 128)
        )
        + b"\x80"
    ),
}


def update_in_object_stream(base: bytes, objects: dict[int, bytes], filters: list[str]) -> bytes:
    """``base`` (saved by pikepdf with an xref stream) followed by an incremental update
    that (re)defines ``objects`` inside one object stream decoded by ``filters`` in order."""
    with pikepdf.open(io.BytesIO(base)) as pdf:
        size, root = int(pdf.trailer.Size), pdf.Root.objgen[0]
    previous = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    numbers = sorted(objects)
    bodies = [objects[n] + b"\n" for n in numbers]
    header, offset = b"", 0
    for number, body in zip(numbers, bodies, strict=True):
        header += b"%d %d " % (number, offset)
        offset += len(body)
    data = header + b"\n" + b"".join(bodies)
    for name in reversed(filters):
        data = ENCODERS[name](data)
    stream_number, xref_number = size, size + 1
    assert all(n < size or n > xref_number for n in numbers), "numbers clash"
    names = b"".join(name.encode() for name in filters)
    stream = b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter[%s]/Length %d>>\nstream\n" % (
        stream_number,
        len(numbers),
        len(header) + 1,
        names,
        len(data),
    )
    stream += data + b"\nendstream\nendobj\n"
    update_at = len(base)
    xref_at = update_at + len(stream)
    entries = {
        n: b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(2, "big")
        for i, n in enumerate(numbers)
    }
    entries[stream_number] = b"\x01" + update_at.to_bytes(4, "big") + b"\x00\x00"
    entries[xref_number] = b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00"
    index = b" ".join(b"%d 1" % n for n in sorted(entries))
    rows = b"".join(entries[n] for n in sorted(entries))
    xref = (
        b"%d 0 obj\n<</Type/XRef/Size %d/Root %d 0 R/Prev %d/W[1 4 2]"
        b"/Index[%s]/Length %d>>\nstream\n"
        % (
            xref_number,
            max(xref_number, *numbers) + 1,
            root,
            previous,
            index,
            len(rows),
        )
    )
    xref += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return base + stream + xref
