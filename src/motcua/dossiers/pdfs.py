"""Uploaded PDFs: read with qpdf (pikepdf), refused when they carry code, then rebuilt
without any active content. Only the rebuilt file is ever stored.

Reading is qpdf's: every object, including those inside object streams whatever their
filters (ASCIIHex, ASCII85, RunLength, LZW, Flate and chains of them), is parsed as a
PDF viewer would, names are decoded (``/J#61vaScript`` is ``/JavaScript``), and only the
latest revision of an incrementally updated file counts. Then:

1. **Refused** (``ACTIVE``), with a message asking for a re-exported file: JavaScript
   anywhere (an action of type JavaScript, a ``/JS`` entry, the document's JavaScript
   names tree), Launch actions, embedded files (``/EmbeddedFiles``, ``/EF``, an
   ``/EmbeddedFile`` stream, file attachment annotations), Flash and video
   (``/RichMedia``), XFA forms holding a ``<script>``, and any action that runs by
   itself (``/OpenAction`` or an ``/AA`` entry) other than going to a page of the file.
2. **Removed** by ``rebuild`` (what a person may innocently send, but the platform has
   no use for): every ``/AA`` and ``/JS`` entry, every action other than GoTo (links to
   web sites ``URI``, ``SubmitForm``, ``ImportData``, ``GoToR``, ``GoToE``, ``Launch``,
   ``JavaScript``, …) wherever it hangs (``/A``, ``/OpenAction``, ``/Next``), the
   JavaScript and embedded-files names trees, XFA, embedded file streams and the
   annotations that play or hold files. The file is written anew by qpdf: comments,
   bytes after the end, earlier revisions and objects nothing refers to are gone.

Encrypted files cannot be inspected and are refused; so is what qpdf cannot read at all.
Compression bombs are caught before qpdf decodes anything (``inspection``).
"""

from __future__ import annotations

import io
import logging
import re

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

logger = logging.getLogger(__name__)

# Reason codes (files.py words them for the citizen).
ACTIVE = "pdf_active_content"
ENCRYPTED = "pdf_encrypted"
UNREADABLE = "pdf_unreadable"

_RUNS_CODE = {"/JavaScript", "/Launch", "/RichMediaExecute"}
_HOLDS_FILES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
_XFA_SCRIPT = re.compile(rb"<(?:[\w.-]+:)?script[\s>/]", re.IGNORECASE)
_ACTION_KEYS = ("/A", "/OpenAction", "/Next")


class Refused(Exception):
    """The PDF is refused; ``reason`` is one of the reason codes above."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def disarmed(data: bytes) -> bytes:
    """``data`` (a whole PDF) rebuilt without active content.

    Raises Refused when the file carries code, is encrypted or cannot be read.
    """
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Refused(ENCRYPTED) from None
    except (pikepdf.PdfError, ValueError, RecursionError) as exc:
        logger.info("PDF not readable: %s", type(exc).__name__)
        raise Refused(UNREADABLE) from None
    with pdf:
        if pdf.is_encrypted:
            raise Refused(ENCRYPTED)
        try:
            objects = list(_dictionaries(pdf))
            reason = _active_content(pdf, objects)
            if reason is not None:
                raise Refused(reason)
            rebuild(pdf, objects)
            out = io.BytesIO()
            pdf.save(
                out,
                compress_streams=True,
                deterministic_id=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                preserve_pdfa=False,
            )
        except (pikepdf.PdfError, pikepdf.DataDecodingError, RecursionError) as exc:
            logger.info("PDF not readable: %s", type(exc).__name__)
            raise Refused(UNREADABLE) from None
    return out.getvalue()


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary (and stream) of the file, direct or indirect, each once."""
    seen: set[tuple[int, int]] = set()
    stack = [pdf.trailer, *pdf.objects]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, Dictionary | Stream | Array):
            continue  # numbers, names, strings: nothing inside
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, Dictionary | Stream):
            yield obj
            stack.extend(obj[key] for key in obj.keys())
        elif isinstance(obj, Array):
            stack.extend(obj)


def _name(obj, key: str) -> str | None:
    value = obj.get(key)
    return str(value) if isinstance(value, Name) else None


def _is_page_jump(action) -> bool:
    """An action that only shows another page of this file (harmless)."""
    return isinstance(action, Array) or (
        isinstance(action, Dictionary) and _name(action, "/S") == "/GoTo"
    )


def _active_content(pdf: pikepdf.Pdf, objects) -> str | None:
    open_action = pdf.Root.get("/OpenAction")
    if open_action is not None and not _is_page_jump(open_action):
        return ACTIVE
    for obj in objects:
        if "/JS" in obj or "/JavaScript" in obj or "/EmbeddedFiles" in obj or "/EF" in obj:
            return ACTIVE
        if _name(obj, "/S") in _RUNS_CODE or _name(obj, "/Type") == "/EmbeddedFile":
            return ACTIVE
        if _name(obj, "/Subtype") in ("/FileAttachment", "/RichMedia"):
            return ACTIVE
        triggers = obj.get("/AA")
        if isinstance(triggers, Dictionary) and any(
            not _is_page_jump(triggers[key]) for key in triggers.keys()
        ):
            return ACTIVE
    if _xfa_has_script(pdf):
        return ACTIVE
    return None


def _xfa_has_script(pdf: pikepdf.Pdf) -> bool:
    form = pdf.Root.get("/AcroForm")
    xfa = form.get("/XFA") if isinstance(form, Dictionary) else None
    if xfa is None:
        return False
    parts = [xfa] if isinstance(xfa, Stream) else [p for p in xfa if isinstance(p, Stream)]
    # Bounded: inspection refused the file if its streams inflate beyond the limit.
    return any(_XFA_SCRIPT.search(part.read_bytes()) for part in parts)


def rebuild(pdf: pikepdf.Pdf, objects=None) -> None:
    """Strip every action but page jumps, triggers, scripts, XFA and embedded files from
    ``pdf`` in place (what is left unreferenced is not written when it is saved)."""
    root = pdf.Root
    for key in ("/AA", "/JavaScript"):
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary):
        for key in ("/XFA", "/NeedsRendering"):
            if key in form:
                del form[key]
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, Array):
            page.obj.Annots = Array(
                a
                for a in annotations
                if not (isinstance(a, Dictionary) and _name(a, "/Subtype") in _HOLDS_FILES)
            )
    for obj in objects if objects is not None else _dictionaries(pdf):
        for key in ("/AA", "/JS", "/EF", "/RichMediaContent"):
            if key in obj:
                del obj[key]
        for key in _ACTION_KEYS:
            action = obj.get(key)
            if isinstance(action, Array) and key == "/Next":
                obj[key] = Array(
                    a for a in action if isinstance(a, Dictionary) and _is_page_jump(a)
                )
            elif action is not None and not _is_page_jump(action):
                del obj[key]
