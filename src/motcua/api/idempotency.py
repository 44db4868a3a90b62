"""Idempotency keys: a creating call sent twice is done once.

The client sends ``Idempotency-Key: <its own unique value>`` (a UUID is best). The
first request with a key runs and its answer (status and JSON body) is stored under
(caller, key) with a fingerprint of the request (method, path, body, files, the
``X-Acting-As`` header). Afterwards, within ``MOTCUA_API_IDEMPOTENCY_HOURS``:

* the same key with the same request replays the stored answer (header
  ``Idempotent-Replayed: true``), nothing is done again;
* the same key with another request is refused: 409 ``idempotency_conflict``;
* the same key while the first request is still running: the second waits on the
  unique constraint on (caller, key), between processes too, and then replays the
  first answer (or runs, if the first one failed).

The claim of the key, the operation's work and the stored answer are **one
transaction**: they are committed together or not at all. A connection cut between
the work and the answer (a database restart, a fail-over) therefore leaves nothing
behind, and the retry with the same key does the work once; a retry after a commit
that went through replays its answer. Answers with a status of 500 or more are not
kept and their work is rolled back, so such a call may be retried with the same key.
Work deferred with ``transaction.on_commit`` (notifications, deleting replaced files)
runs once the whole call has committed. A file stored before a rollback is an orphan
for ``cleanup_orphan_files``. Nothing an operation sends outside is repeated by a
retry: the payment gateway's URL is only signed, the gateway is called by the browser.

A record without an answer can only be left by an older version (which stored the
answer after the work): it answers 409 ``in_progress`` until
``MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS`` have passed, then its key may be taken over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import connections, router, transaction
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.translation import gettext as _

from .auth import ACTING_HEADER, AUTH
from .errors import ApiError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a key: run the request (``record``), or answer at once."""

    state: str  # "new", "replay", "conflict", "in_progress"
    record: IdempotencyRecord | None = None


def fingerprint(request) -> str:
    """A hash of what makes two requests "the same call"."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(f"{request.META.get('QUERY_STRING', '')}\n".encode())
    digest.update(f"{request.headers.get(ACTING_HEADER, '')}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type.startswith(
        "application/x-www-form-urlencoded"
    ):
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps([name, values], ensure_ascii=False).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                content = hashlib.sha256()
                for chunk in upload.chunks():
                    content.update(chunk)
                upload.seek(0)
                digest.update(json.dumps([name, upload.name, content.hexdigest()]).encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def claim(principal: str, key: str, request_hash: str, method: str, path: str) -> Claim:
    """Claim ``key`` for ``principal``'s request, or say why it cannot run now.

    Call it inside the transaction that does the request's work and stores its answer
    (``store_answer``): the claim lasts as long as that transaction. A concurrent
    request with the same key waits on the unique constraint until that transaction
    ends, then replays its answer (committed) or runs (rolled back).
    """
    now = timezone.now()
    claimed = _insert_or_take_expired(principal, key, request_hash, method, path, now)
    if claimed is not None:
        return Claim("new", IdempotencyRecord(pk=claimed, principal=principal, key=key))
    existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
    if existing is None:  # expired and deleted by a concurrent request just now
        return Claim("in_progress")
    if existing.request_hash != request_hash:
        return Claim("conflict", existing)
    if existing.response_status is not None:
        return Claim("replay", existing)
    stale = now - dt.timedelta(seconds=settings.MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS)
    if existing.created_at < stale:
        # Left by an older version whose request died; take its key over (one taker
        # wins the update).
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk, response_status__isnull=True, created_at=existing.created_at
        ).update(created_at=now)
        if taken:
            existing.created_at = now
            return Claim("new", existing)
    return Claim("in_progress", existing)


# One statement claims the key: a new row, or an expired row taken over (its answer
# cleared). RETURNING gives the id only when this request got the key; a live row of
# another request makes the statement do nothing — after waiting, on PostgreSQL, for
# that request's transaction to end (the unique index), as the plain INSERT did.
_CLAIM = (
    "INSERT INTO {table} (principal, key, request_hash, method, path, response_status, "
    "response_body, created_at, expires_at) VALUES (%s, %s, %s, %s, %s, NULL, NULL, %s, %s) "
    "ON CONFLICT (principal, key) DO UPDATE SET request_hash = excluded.request_hash, "
    "method = excluded.method, path = excluded.path, response_status = NULL, "
    "response_body = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at "
    "WHERE {table}.expires_at <= excluded.created_at "
    "RETURNING id"
)


def _records_table():
    """(connection, quoted table) of the idempotency records, for the raw statements."""
    connection = connections[router.db_for_write(IdempotencyRecord)]
    return connection, connection.ops.quote_name(IdempotencyRecord._meta.db_table)


def _insert_or_take_expired(principal, key, request_hash, method, path, now) -> int | None:
    connection, table = _records_table()
    expires = now + dt.timedelta(hours=settings.MOTCUA_API_IDEMPOTENCY_HOURS)
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(table=table),
            [
                principal,
                key,
                request_hash,
                method,
                path[:255],
                connection.ops.adapt_datetimefield_value(now),
                connection.ops.adapt_datetimefield_value(expires),
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def store_answer(record: IdempotencyRecord, response) -> bool:
    """Store ``response`` to replay, in the transaction of the request's work.

    Returns False when the work must be rolled back instead: a server error (500 and
    more), or a transaction already spoilt by a failed query. An answer that is not
    JSON is not kept (the key is freed, the work stays).
    """
    if response.status_code >= 500 or transaction.get_rollback():
        return False
    text = _json_text(response)
    if text is None:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return True
    # The answer's own JSON text is stored (one UPDATE written once, no decoding and
    # encoding again); the database checks it is JSON (jsonb) as the ORM's would.
    connection, table = _records_table()
    body = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET response_status = %s, response_body = {body} WHERE id = %s",
            [response.status_code, text, record.pk],
        )
    return True


def _json_text(response) -> str | None:
    """The answer's body when it is JSON (what the API's operations answer), else None."""
    if response.streaming or not response.get("Content-Type", "").startswith("application/json"):
        return None
    try:
        text = response.content.decode(response.charset or "utf-8") if response.content else ""
    except (UnicodeDecodeError, LookupError):
        return None
    return text if text.strip() else "null"


def prune(now: dt.datetime | None = None) -> int:
    """Delete expired records; returns how many."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


def _error(status: int, code: str, message: str, **headers) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in headers.items():
        response[name] = value
    return response


def _caller(request):
    """The authenticated caller, or None (the operation's own auth will answer)."""
    for callback in AUTH:
        try:
            who = callback(request)
        except ApiError:
            return None
        if who:
            return who
    return None


def idempotent(required: bool):
    """Decorator of an operation's run (``decorate_view``): honour ``Idempotency-Key``.

    With ``required``, a call without the header is refused (400
    ``idempotency_key_required``).
    """

    def decorate(run):
        @wraps(run)
        def wrapped(request, *args, **kwargs):
            who = _caller(request)
            key = request.headers.get(HEADER, "")
            if who is None or (not key and not required):
                return run(request, *args, **kwargs)
            if not KEY_RE.match(key):
                return _error(
                    400,
                    "idempotency_key_required",
                    _(
                        "Cần tiêu đề Idempotency-Key (1–255 ký tự in được, nên dùng UUID) "
                        "cho thao tác tạo mới này."
                    ),
                )
            try:
                request_hash = fingerprint(request)
            except RequestDataTooBig:
                return _error(413, "payload_too_large", _("Nội dung gửi lên quá lớn."))
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                return _error(
                    400, "bad_request", _("Yêu cầu không đúng định dạng, không đọc được.")
                )
            # The claim, the work and the answer: all committed, or none.
            with transaction.atomic():
                result = claim(who.key, key, request_hash, request.method, request.path)
                if result.state == "new":
                    response = run(request, *args, **kwargs)
                    if not store_answer(result.record, response):
                        transaction.set_rollback(True)
            if result.state == "new":
                return response
            if result.state == "conflict":
                return _error(
                    409,
                    "idempotency_conflict",
                    _(
                        "Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng "
                        "khóa mới cho yêu cầu mới."
                    ),
                )
            if result.state == "in_progress":
                return _error(
                    409,
                    "in_progress",
                    _("Yêu cầu với Idempotency-Key này đang được xử lý; vui lòng thử lại sau."),
                    **{"Retry-After": "1"},
                )
            if result.state == "replay":
                response = JsonResponse(
                    result.record.response_body,
                    status=result.record.response_status,
                    safe=False,
                    json_dumps_params={"ensure_ascii": False},
                )
                response["Idempotent-Replayed"] = "true"
                return response
            raise AssertionError(f"unknown claim state {result.state}")

        return wrapped

    return decorate
