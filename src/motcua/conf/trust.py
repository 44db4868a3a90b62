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
- ``MOTCUA_DOSSIER_QUOTA_BYTES`` (52428800 = 50 MB): the most the applicant's files
  (components and supplements) of one dossier may weigh together; a file that would
  pass it is refused with a message naming the limit (``dossiers.files.check_quota``).
  Counter scans and results do not count.
- ``MOTCUA_APPLICANT_QUOTA_BYTES`` (209715200 = 200 MB): the same, summed over all of one
  applicant's dossiers that are not finished (returned, refused or withdrawn), drafts
  included, so that many dossiers cannot multiply the per-dossier quota.
- ``MOTCUA_MAX_OPEN_DRAFTS`` (10): how many drafts one applicant may keep at once; a new
  application beyond it is refused until one is submitted
  (``dossiers.services.create_draft``).
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
- ``MOTCUA_UPLOAD_TEMP_GRACE_S`` (21600 = six hours): the same job deletes the temporary
  files of streamed uploads (``FILE_UPLOAD_TEMP_DIR``, by default the system's temporary
  folder; only Django's ``tmp…….upload…`` names) older than this, left by a process
  killed during an upload.

Database outages (``motcua.dossiers.middleware.DatabaseUnavailableMiddleware``):

- ``MOTCUA_RETRY_AFTER_S`` (30): the ``Retry-After`` of the "try again" page (503).

Fault injection, for the fault tests only (never set in production):

- ``MOTCUA_FAULT_DELAY_AFTER_FILE_S`` (0): seconds an upload waits after its file is
  written and before its row is saved, inside the transaction, so that a test can
  kill the web process at the worst moment (``tests/faults/``).
"""

from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

_MB = 1024 * 1024

MOTCUA_MAX_UPLOAD_BYTES = _env_int(
    "MOTCUA_MAX_UPLOAD_BYTES", str(10 * _MB), "The largest file one may upload, in bytes."
)
_stream_limit = _env_str(
    "MOTCUA_UPLOAD_STREAM_LIMIT_BYTES",
    "",
    "Bytes of one uploaded file the web process keeps; the rest is read and dropped.",
    doc_default="the larger of MOTCUA_MAX_UPLOAD_BYTES and MOTCUA_RESULTS_VERIFY_MAX_BYTES",
)
MOTCUA_UPLOAD_STREAM_LIMIT_BYTES = int(_stream_limit) if _stream_limit else None
MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES = _env_int(
    "MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES",
    str(64 * _MB),
    "How much a PDF's compressed streams may inflate to while inspected, in bytes.",
)
MOTCUA_UPLOAD_MAX_PIXELS = _env_int(
    "MOTCUA_UPLOAD_MAX_PIXELS", "80000000", "The largest JPG/PNG accepted, in pixels."
)
MOTCUA_DOSSIER_QUOTA_BYTES = _env_int(
    "MOTCUA_DOSSIER_QUOTA_BYTES",
    str(50 * _MB),
    "The most the applicant's files of one dossier may weigh together, in bytes.",
)
MOTCUA_APPLICANT_QUOTA_BYTES = _env_int(
    "MOTCUA_APPLICANT_QUOTA_BYTES",
    str(200 * _MB),
    "The most one applicant's files may weigh over their unfinished dossiers, in bytes.",
)
MOTCUA_MAX_OPEN_DRAFTS = _env_int(
    "MOTCUA_MAX_OPEN_DRAFTS", "10", "How many drafts one applicant may keep at once."
)
# The first handler counts each file's bytes and drops them past the limit.
FILE_UPLOAD_HANDLERS = [
    "motcua.dossiers.uploadhandlers.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

MOTCUA_VIRUS_SCANNER = _env_str(
    "MOTCUA_VIRUS_SCANNER",
    "",
    "clamd://host:3310, clamd:///path/to/socket or a dotted scan(upload) callable; empty: off.",
).strip()
MOTCUA_VIRUS_SCANNER_TIMEOUT_S = _env_float(
    "MOTCUA_VIRUS_SCANNER_TIMEOUT_S", "10", "The virus scanner's connect and read timeout."
)
MOTCUA_VIRUS_SCANNER_FAIL_OPEN = _env_bool(
    "MOTCUA_VIRUS_SCANNER_FAIL_OPEN",
    False,
    "Accept uploads unscanned while the scanner is unreachable (default: refuse them).",
)

MOTCUA_ORPHAN_FILES_GRACE_S = _env_int(
    "MOTCUA_ORPHAN_FILES_GRACE_S",
    "86400",
    "A file no row references is deleted only when older than this, in seconds.",
)
MOTCUA_ORPHAN_FILES_DIRS = [
    d.strip().strip("/")
    for d in _env_str(
        "MOTCUA_ORPHAN_FILES_DIRS",
        "",
        "Storage folders the orphan-file cleanup looks into, comma-separated.",
        doc_default="the top folders of every FileField's upload_to",
    ).split(",")
    if d.strip().strip("/")
]

MOTCUA_RETRY_AFTER_S = _env_int(
    "MOTCUA_RETRY_AFTER_S", "30", "The Retry-After of the database-outage page (503)."
)

MOTCUA_FAULT_DELAY_AFTER_FILE_S = _env_float(
    "MOTCUA_FAULT_DELAY_AFTER_FILE_S",
    "0",
    "Fault tests only: seconds an upload waits between writing its file and its row.",
)
MOTCUA_UPLOAD_TEMP_GRACE_S = _env_int(
    "MOTCUA_UPLOAD_TEMP_GRACE_S",
    "21600",
    "Seconds after which a leftover upload temporary file is deleted by cleanup_orphan_files.",
)
