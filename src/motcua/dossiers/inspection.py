"""What is inside an uploaded PDF, JPG or PNG: the checks beyond its first bytes.

``files.check_upload`` decides the type by the magic number; this module then looks
for what makes an accepted type dangerous before anything parses it:

- **compression bombs**: a PDF whose non-image streams decode beyond
  ``MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES`` through their filter chains (Flate, ASCIIHex,
  ASCII85, RunLength, LZW, in any order), so that qpdf never inflates a bomb; a JPG/PNG
  whose header declares more than ``MOTCUA_UPLOAD_MAX_PIXELS`` pixels;
- **polyglots**: in an image, HTML or script markup anywhere in the raw bytes (a valid
  image a browser would also run as a web page); in any file, a ZIP archive appended
  to or hidden in it (a JAR/ZIP polyglot).

What a PDF *does* (scripts, actions, embedded files, XFA) is not looked for in its
bytes: ``pdfs`` reads it with qpdf, refuses code and rebuilds it without active
content. PDFs are not searched for markup: the stored file is that rebuilt one (no
comments, no trailing bytes, streams recompressed) and every stored file is served as
an attachment, never as a page. ``inspect`` returns the reason code of the first
problem found, or None.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib

import pikepdf
from django.conf import settings

# Reason codes (files.py words them for the citizen).
COMPRESSION_BOMB = "compression_bomb"
PIXEL_BOMB = "pixel_bomb"
MARKUP = "markup"
HIDDEN_ARCHIVE = "hidden_archive"

_DELIMITER = rb"(?=[\s/<>\[\]()%{}]|$)"
_NAME_WITH_ESCAPE = re.compile(rb"/[^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Every "stream" keyword that starts a stream body (qpdf accepts comments before it).
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()%{}]+|\d+\s+\d+\s+R)")
_FILTER_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_FLATE = {b"FlateDecode", b"Fl"}
# The most a filter that is not Flate can expand its input (RunLength: 1 byte → 128;
# LZW: a 9-bit code → at most 4096 bytes; ASCII85: "z" → 4 bytes).
_MAX_RATIO = {
    b"ASCIIHexDecode": 1,
    b"AHx": 1,
    b"ASCII85Decode": 4,
    b"A85": 4,
    b"RunLengthDecode": 128,
    b"RL": 128,
    b"LZWDecode": 3641,
    b"LZW": 3641,
}
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
    if _hides_archive(data):
        return HIDDEN_ARCHIVE
    if extension == ".pdf":
        return _pdf_bomb(data)
    if _has_markup(data.lower()):
        return MARKUP
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


def _pdf_bomb(data: bytes) -> str | None:
    """COMPRESSION_BOMB when the file's non-image streams decode beyond the limit."""
    position, budget = 0, inflate_limit()
    for match in _STREAM.finditer(data):
        if match.start() < position:
            continue  # inside the previous stream's body
        head = data[max(position, match.start() - _OBJ_LOOKBACK) : match.start()]
        start_of_dict = head.rfind(b"obj")
        dictionary = _decode_names(head[start_of_dict if start_of_dict >= 0 else 0 :])
        end = data.find(b"endstream", match.end())
        end = end if end >= 0 else len(data)
        position = end
        if _IMAGE.search(dictionary) and not _OBJECT_STREAM.search(dictionary):
            continue  # images are never decoded here: their pixels are not our concern
        found = _FILTER.search(dictionary)
        if found is None:
            continue
        if found[1].endswith(b"R"):
            return COMPRESSION_BOMB  # filters behind a reference: no real file does that
        body = data[match.end() : end]
        for name in _FILTER_NAME.findall(found[1]):
            body, budget = _decode(name, body, budget)
            if body is None:
                return COMPRESSION_BOMB
    return None


def _decode(name: bytes, body: bytes, budget: int) -> tuple[bytes | None, int]:
    """``body`` through the filter ``name`` within ``budget`` (None: over budget); a
    filter not for generic data (images, encryption) ends the chain with b""."""
    if name in _FLATE:
        return _inflate(body, budget)
    ratio = _MAX_RATIO.get(name)
    if ratio is None:
        return b"", budget  # DCT, JPX, CCITT, JBIG2, Crypt: never decoded by qpdf here
    if len(body) * ratio > budget:
        return None, 0
    try:
        if name in (b"ASCIIHexDecode", b"AHx"):
            hex_digits = re.sub(rb"[^0-9A-Fa-f]", b"", body.split(b">", 1)[0])
            decoded = binascii.unhexlify(hex_digits + b"0" * (len(hex_digits) % 2))
        elif name in (b"ASCII85Decode", b"A85"):
            text = body.split(b"~>", 1)[0].removeprefix(b"<~")
            decoded = base64.a85decode(text, adobe=False, ignorechars=b" \t\n\r\x0c\x00")
        else:  # RunLength, LZW: qpdf's own decoder, on one stage, bounded by the ratio
            scratch = pikepdf.new()
            decoded = pikepdf.Stream(
                scratch, body, Filter=pikepdf.Name("/" + name.decode())
            ).read_bytes()
    except (ValueError, binascii.Error, pikepdf.PdfError, pikepdf.DataDecodingError):
        decoded = b""  # damaged: qpdf will refuse or ignore it too
    return decoded, budget - len(decoded)


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
