"""Settings of the upload checks, orphan-file cleanup, outages and fault hooks (environment).

Uploads (``motcua/dossiers/files.py``, the one content check of every upload):

- ``MOTCUA_MAX_UPLOAD_BYTES`` (10485760 = 10 MB): the largest file a citizen or officer
  may upload. Larger files are refused with a message naming the limit; the upload
  handler below stops keeping their bytes once the limit is passed.
- ``MOTCUA_UPLOAD_STREAM_LIMIT_BYTES`` (unset: the larger of ``MOTCUA_MAX_UPLOAD_BYTES``
  and ``MOTCUA_RESULTS_VERIFY_MAX_BYTES``): how many bytes of one uploaded file the
  web process keeps in memory or on disk; the rest is read from the network and
  dropped. The reverse proxy's body limit (nginx ``client_max_body_size``) is the
  first guard; this one holds when the proxy's is larger or missing.
- ``MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES`` (67108864 = 64 MB): how much a PDF's compressed
  streams (other than images) may inflate to while they are inspected for scripts; a
  PDF that inflates beyond it is refused as a compression bomb.
- ``MOTCUA_UPLOAD_MAX_PIXELS`` (80000000): the largest JPG/PNG accepted, in pixels
  (width × height from the header; 80 megapixels is more than an A3 page at 600 dpi).
  A tiny file declaring a huge image (a pixel bomb) is refused.
- ``MOTCUA_VIRUS_SCANNER`` ("" = off): ``clamd://host:3310`` (ClamAV's clamd over TCP),
  ``clamd:///run/clamav/clamd.ctl`` (its Unix socket), or the dotted path of a
  callable ``scan(upload) -> str | None`` returning the name of what it found. Every
  upload is streamed to it (clamd's INSTREAM command) after the content checks.
- ``MOTCUA_VIRUS_SCANNER_TIMEOUT_S`` (10): the scanner's connect and read timeout.
- ``MOTCUA_VIRUS_SCANNER_FAIL_OPEN`` (off): with the scanner configured but unreachable,
  uploads are refused with a "try again later" message (fail closed); on, they are
  accepted unscanned and a warning is logged.

Orphan files (``motcua cleanup_orphan_files``, ``motcua/dossiers/cleanup.py``):

- ``MOTCUA_ORPHAN_FILES_GRACE_S`` (86400 = one day): a file no row references is
  deleted only when older than this (an upload writes its file before its row commits).
- ``MOTCUA_ORPHAN_FILES_DIRS`` (unset: the top folders of every model FileField's
  ``upload_to``, i.e. ``dossiers`` and ``datastore``): the folders of the storage the
  job looks into, comma-separated. Nothing outside them is ever deleted.

Database outages (``motcua.dossiers.middleware.DatabaseUnavailableMiddleware``):

- ``MOTCUA_RETRY_AFTER_S`` (30): the ``Retry-After`` of the "try again" page (503).

Fault injection, for the fault tests only (never set in production):

- ``MOTCUA_FAULT_DELAY_AFTER_FILE_S`` (0): seconds an upload waits after its file is
  written and before its row is saved, inside the transaction, so that a test can
  kill the web process at the worst moment (``tests/faults/``).
"""

import os as _os

from motcua.settings import env_bool as _env_bool

_MB = 1024 * 1024

MOTCUA_MAX_UPLOAD_BYTES = int(_os.environ.get("MOTCUA_MAX_UPLOAD_BYTES", str(10 * _MB)))
MOTCUA_UPLOAD_STREAM_LIMIT_BYTES = (
    int(_os.environ["MOTCUA_UPLOAD_STREAM_LIMIT_BYTES"])
    if _os.environ.get("MOTCUA_UPLOAD_STREAM_LIMIT_BYTES")
    else None
)
MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES = int(
    _os.environ.get("MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES", str(64 * _MB))
)
MOTCUA_UPLOAD_MAX_PIXELS = int(_os.environ.get("MOTCUA_UPLOAD_MAX_PIXELS", "80000000"))
# The first handler counts each file's bytes and drops them past the limit.
FILE_UPLOAD_HANDLERS = [
    "motcua.dossiers.uploadhandlers.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

MOTCUA_VIRUS_SCANNER = _os.environ.get("MOTCUA_VIRUS_SCANNER", "").strip()
MOTCUA_VIRUS_SCANNER_TIMEOUT_S = float(_os.environ.get("MOTCUA_VIRUS_SCANNER_TIMEOUT_S", "10"))
MOTCUA_VIRUS_SCANNER_FAIL_OPEN = _env_bool("MOTCUA_VIRUS_SCANNER_FAIL_OPEN", False)

MOTCUA_ORPHAN_FILES_GRACE_S = int(_os.environ.get("MOTCUA_ORPHAN_FILES_GRACE_S", "86400"))
MOTCUA_ORPHAN_FILES_DIRS = [
    d.strip().strip("/")
    for d in _os.environ.get("MOTCUA_ORPHAN_FILES_DIRS", "").split(",")
    if d.strip().strip("/")
]

MOTCUA_RETRY_AFTER_S = int(_os.environ.get("MOTCUA_RETRY_AFTER_S", "30"))

MOTCUA_FAULT_DELAY_AFTER_FILE_S = float(_os.environ.get("MOTCUA_FAULT_DELAY_AFTER_FILE_S", "0"))
