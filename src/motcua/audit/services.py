"""Writing to the audit trail: one function, called inside the action's own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import AuditDataError
from .keys import record_mac
from .masking import mask_personal_ids
from .models import GENESIS_HASH, AuditRecord

# The key of the PostgreSQL advisory lock that serialises writers of the chain.
CHAIN_LOCK_KEY = int.from_bytes(b"motcua:a", "big")

_MAX_DATA_BYTES = 16_384


def actor_label_for(actor) -> str:
    """How the actor is named in the record: full name and login, as they are now."""
    if actor is None:
        return ""
    username = actor.get_username()
    name = str(actor)
    return name if name == username else f"{name} ({username})"


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        # PostgreSQL's jsonb gives 1e20 back as 100000000000000000000: the hash would break.
        raise AuditDataError(
            _(
                "Dữ liệu nhật ký không nhận số thực ({value}); "
                "hãy dùng số nguyên, Decimal hoặc chuỗi."
            ).format(value=value)
        )
    if isinstance(value, dict):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, list):
        for item in value:
            _reject_floats(item)


def prepare_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """Turn ``data`` into the plain, masked JSON that is stored and hashed.

    Dates, Decimals and UUIDs become strings (as DjangoJSONEncoder writes them) and
    12-digit numbers are masked, so what is hashed is exactly what the database gives
    back. Raises AuditDataError for non-dict data, floats, NaN or data over 16 KB.
    """
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AuditDataError(_("Dữ liệu nhật ký phải là một từ điển (dict)."))
    try:
        text = json.dumps(data, cls=DjangoJSONEncoder, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AuditDataError(_("Dữ liệu nhật ký không chuyển được sang JSON: %s") % exc) from exc
    if len(text.encode()) > _MAX_DATA_BYTES:
        raise AuditDataError(_("Dữ liệu nhật ký quá lớn (tối đa 16 KB)."))
    plain = json.loads(text)
    _reject_floats(plain)
    return mask_personal_ids(plain)


def _lock_chain(using: str) -> None:
    connection = transaction.get_connection(using)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    # SQLite: the settings open every transaction with BEGIN IMMEDIATE, which already
    # holds the database's single write lock until commit.


def record(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    agency_id: int | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditRecord:
    """Append one record for ``action`` (e.g. ``"dossier.receive"``) to the audit trail.

    Call it inside the transaction of the action it records, as its last write: the
    chain lock is held until that transaction ends, so everything after it waits for
    every other audited action. ``obj`` fills ``object_type`` (``app.model``),
    ``object_id`` (its pk) and ``agency_id`` (its ``agency_id`` when it has one);
    explicit arguments win. ``actor_label`` defaults to the actor's name and login.
    Raises AuditDataError when ``data`` cannot be stored reproducibly (see prepare_data).
    """
    if not action:
        raise AuditDataError(_("Thiếu tên thao tác cho nhật ký."))
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        if agency_id is None:
            agency_id = getattr(obj, "agency_id", None)
    prepared = prepare_data(data)
    label = actor_label if actor_label is not None else actor_label_for(actor)
    using = router.db_for_write(AuditRecord)
    with transaction.atomic(using=using):
        _lock_chain(using)
        prev_hash = (
            AuditRecord.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
        ) or GENESIS_HASH
        entry = AuditRecord(
            at=timezone.now(),
            actor=actor,
            actor_label=mask_personal_ids(label)[:300],
            action=action,
            object_type=object_type or "",
            object_id="" if object_id is None else str(object_id),
            agency_id=agency_id,
            data=prepared,
            prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.mac = record_mac(entry.hash)
        entry.save(using=using)
    return entry
