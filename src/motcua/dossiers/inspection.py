"""What is inside an uploaded PDF, JPG or PNG: the checks beyond its first bytes.

``files.check_upload`` decides the type by the magic number; this module then looks
for what makes an accepted type dangerous:

- **active content in a PDF**: JavaScript (``/JS``, ``/JavaScript``), programs it
  would start (``/Launch``), files hidden inside (``/EmbeddedFile``), Flash or video
  (``/RichMedia``) and an ``/OpenAction`` that runs an action when the file opens.
  Names are read after decoding ``#xx`` escapes (``/J#61vaScript``) and inside the
  compressed streams too (object streams hide dictionaries there);
- **encrypted PDFs**, whose objects cannot be inspected;
- **compression bombs**: a PDF whose non-image streams inflate beyond
  ``MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES``; a JPG/PNG whose header declares more than
  ``MOTCUA_UPLOAD_MAX_PIXELS`` pixels;
- **polyglots**: HTML or script markup anywhere in the raw bytes (a valid image or PDF
  that a browser would also run as a web page), or a ZIP archive appended to or
  hidden in the file (a JAR/ZIP polyglot).

The structure of the file is not validated otherwise: a truncated scan is the
officer's problem to see, not a risk to the platform. ``inspect`` returns the reason
code of the first problem found, or None.
"""

from __future__ import annotations

import re
import struct
import zlib

from django.conf import settings

# Reason codes (files.py words them for the citizen).
PDF_ACTIVE_CONTENT = "pdf_active_content"
PDF_ENCRYPTED = "pdf_encrypted"
COMPRESSION_BOMB = "compression_bomb"
PIXEL_BOMB = "pixel_bomb"
MARKUP = "markup"
HIDDEN_ARCHIVE = "hidden_archive"

_DELIMITER = rb"(?=[\s/<>\[\]()%{}]|$)"
_NAME_WITH_ESCAPE = re.compile(rb"/[^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)" + _DELIMITER)
_OPEN_ACTION = re.compile(rb"/OpenAction\s*(<<|\[|(\d+)\s+(\d+)\s+R)")
# An action dictionary that only goes to a page of the document (harmless).
_GOTO = re.compile(rb"<<(?:(?!>>).)*?/S\s*/GoTo(?=[\s/<>\[\]()%{}])", re.DOTALL)
_ENCRYPT = re.compile(rb"/Encrypt" + _DELIMITER)
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)" + _DELIMITER)
_IMAGE = re.compile(rb"/Subtype\s*/Image" + _DELIMITER)
# Markup a browser would run, looked for in the lowercased bytes. Each marker is long
# enough (5+ bytes) that compressed image data practically never contains it.
_MARKUP_LITERALS = (
    b"<script",
    b"<html",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<?php",
    b"<!doctype",
    b"javascript:",
    b"vbscript:",
)
# Markers that need the next bytes checked: (literal, pattern at the literal).
_MARKUP_CONTEXT = (
    (b"<svg", re.compile(rb"<svg[\s/>]")),
    (b"onerror", re.compile(rb"onerror\s*=")),
    (b"onload", re.compile(rb"onload\s*=")),
)
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm" + _DELIMITER)
_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"
_OBJ_LOOKBACK = 4096
_CHUNK = 1 << 16


def inflate_limit() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES", 64 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_PIXELS", 80_000_000))


def inspect(data: bytes, extension: str) -> str | None:
    """The reason ``data`` (a whole file of type ``extension``) is refused, or None."""
    if _has_markup(data.lower()):
        return MARKUP
    if _hides_archive(data):
        return HIDDEN_ARCHIVE
    if extension == ".pdf":
        return _inspect_pdf(data)
    pixels = _png_pixels(data) if extension == ".png" else _jpeg_pixels(data)
    if pixels is not None and pixels > max_pixels():
        return PIXEL_BOMB
    return None


def _has_markup(lowered: bytes) -> bool:
    # Literal searches (memchr speed) rather than one regex over the whole file.
    if any(marker in lowered for marker in _MARKUP_LITERALS):
        return True
    for literal, pattern in _MARKUP_CONTEXT:
        start = lowered.find(literal)
        while start >= 0:
            if pattern.match(lowered, start, start + 64):
                return True
            start = lowered.find(literal, start + 1)
    return False


def _hides_archive(data: bytes) -> bool:
    # A ZIP is read from its end: the end-of-directory record in the last 64 kB plus a
    # local file header anywhere is what archive tools (and Java) would open.
    return _ZIP_END in data[-(65536 + 22) :] and _ZIP_LOCAL in data


def _decode_names(data: bytes) -> bytes:
    """``data`` with PDF name escapes decoded (``/J#61vaScript`` → ``/JavaScript``)."""
    if b"#" not in data:
        return data
    return _NAME_WITH_ESCAPE.sub(
        lambda name: _HEX_ESCAPE.sub(lambda h: bytes([int(h[1], 16)]), name[0]), data
    )


def _inspect_pdf(data: bytes) -> str | None:
    # Stream bodies are binary (images, fonts): a name looked for in them would match by
    # chance. Names are looked for in the PDF's syntax outside them, and in the object
    # streams (which hold dictionaries) once inflated.
    syntax, position, budget = [], 0, inflate_limit()
    for match in _STREAM.finditer(data):
        if match.start() < position:
            continue  # inside the previous stream's body
        head = data[max(position, match.start() - _OBJ_LOOKBACK) : match.start() + 2]
        start_of_dict = head.rfind(b"obj")
        dictionary = _decode_names(head[start_of_dict if start_of_dict >= 0 else 0 :])
        end = data.find(b"endstream", match.end())
        end = end if end >= 0 else len(data)
        syntax.append(data[position : match.end()])
        position = end
        if not _FLATE.search(dictionary) or _IMAGE.search(dictionary):
            continue  # images are never rendered here: their pixels are not our concern
        inflated, budget = _inflate(data[match.end() : end], budget)
        if inflated is None:
            return COMPRESSION_BOMB
        if _OBJECT_STREAM.search(dictionary) and _is_active(_decode_names(inflated)):
            return PDF_ACTIVE_CONTENT
    syntax.append(data[position:])
    decoded = _decode_names(b"".join(syntax))
    if _ENCRYPT.search(decoded):
        return PDF_ENCRYPTED
    if _is_active(decoded):
        return PDF_ACTIVE_CONTENT
    return None


def _is_active(text: bytes) -> bool:
    if _ACTIVE.search(text):
        return True
    for match in _OPEN_ACTION.finditer(text):
        if match[1] == b"<<":
            action = text[match.start(1) : match.start(1) + 512]
        elif match[2] is not None:
            target = re.search(rb"(?<!\d)%s\s+%s\s+obj\s*(<<|\[)" % (match[2], match[3]), text)
            if target is None or target[1] != b"<<":
                continue  # a destination (an array), or nothing found
            action = text[target.start(1) : target.start(1) + 512]
        else:
            continue  # a destination array: where the file opens, not an action
        if not _GOTO.match(action):
            return True
    return False


def _inflate(body: bytes, budget: int) -> tuple[bytes | None, int]:
    """``body`` inflated (b"" when it is not valid zlib data) and the budget left; None
    instead of the bytes when it inflates beyond the budget."""
    inflater = zlib.decompressobj()
    out = []
    try:
        for offset in range(0, len(body), _CHUNK):
            piece = inflater.decompress(body[offset : offset + _CHUNK], budget + 1)
            budget -= len(piece)
            out.append(piece)
            while inflater.unconsumed_tail and budget >= 0:
                piece = inflater.decompress(inflater.unconsumed_tail, budget + 1)
                budget -= len(piece)
                out.append(piece)
            if budget < 0:
                return None, 0
            if inflater.eof:
                break
    except zlib.error:
        pass  # damaged or not zlib: nothing more to read in it
    return b"".join(out), budget


def _png_pixels(data: bytes) -> int | None:
    # Signature (8 bytes), then the IHDR chunk: length, type, width, height.
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width * height


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE = {0x01, *range(0xD0, 0xD9)}


def _jpeg_pixels(data: bytes) -> int | None:
    """Width × height from the JPEG's frame header, or None when there is none."""
    position, end = 2, len(data)
    for _segment in range(1000):
        while position < end and data[position] == 0xFF:
            position += 1  # fill bytes
        if position >= end:
            return None
        marker = data[position]
        position += 1
        if marker in _STANDALONE:
            continue
        if position + 2 > end or marker == 0xDA:  # start of scan: no frame header before it
            return None
        (length,) = struct.unpack(">H", data[position : position + 2])
        if marker in _SOF and position + 7 <= end:
            height, width = struct.unpack(">HH", data[position + 3 : position + 7])
            return width * height
        position += length
    return None
