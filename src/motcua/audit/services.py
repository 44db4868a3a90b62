"""Writing to the audit trail: one function, called inside the action's own transaction.

Each agency has its own chain (``models.chain_key``), so audited writes of two agencies
never queue behind each other. Inside a transaction, ``record`` only prepares the entry
(validating and masking its data at once) and queues it on the connection; the queued
entries are written when the outermost atomic block of the service ends successfully,
just before it commits (or releases its savepoint when a test case's transaction wraps
it): the chain's lock is taken last and held only for the few statements of the audit
write and the commit. A block that rolls back drops the entries queued inside it.
``deferred.install`` (called by the app's ``ready``) hooks this into Django's atomic.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.lib.inserts import insert

from . import deferred
from .exceptions import AuditDataError
from .keys import record_mac
from .masking import mask_personal_ids
from .models import GENESIS_HASH, AuditRecord, ChainHead, chain_key

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


def head_sql(connection) -> str:
    """The statement that locks a chain's head row and reads its hash (params: chain,
    genesis hash): an upsert, so a new chain's row is created at the genesis hash.

    A conflicting row is locked and updated in its latest committed version, even one
    this statement's snapshot does not see: a writer that waited for the lock reads the
    head the writer before it left (on PostgreSQL, as ``INSERT … ON CONFLICT DO
    UPDATE`` guarantees in READ COMMITTED; SQLite serialises writers anyway).
    """
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    return (
        f"INSERT INTO {table} (chain, hash) VALUES (%s, %s) "
        f"ON CONFLICT (chain) DO UPDATE SET hash = {table}.hash RETURNING hash"
    )


def write_entries(using: str, entries: list[AuditRecord]) -> None:
    """Link ``entries`` (in the order they were recorded) onto their chains and insert them.

    Runs inside the caller's transaction: locks each chain's head row and reads its
    hash in one statement (in key order, so two transactions touching the same chains
    cannot deadlock), links and inserts; the head row follows each insert (a trigger,
    migration 0005). Called by ``deferred`` just before the commit, or at once outside one.
    """
    connection = transaction.get_connection(using)
    heads: dict[str, str] = {}
    sql = head_sql(connection)
    with connection.cursor() as cursor:
        for chain in sorted({entry.chain for entry in entries}):
            cursor.execute(sql, [chain, GENESIS_HASH])
            heads[chain] = cursor.fetchone()[0]
    for entry in entries:
        entry.prev_hash = heads[entry.chain]
        entry.hash = entry.compute_hash()
        entry.mac = record_mac(entry.hash)
        insert(entry, using=using)
        heads[entry.chain] = entry.hash


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

    Call it inside the transaction of the action it records. ``obj`` fills
    ``object_type`` (``app.model``), ``object_id`` (its pk) and ``agency_id`` (its
    ``agency_id`` when it has one); explicit arguments win. ``actor_label`` defaults to
    the actor's name and login. The record joins its agency's chain (or the platform's).
    Inside a service's atomic block the record is written when that block ends (see
    the module's docstring): the returned instance gets its id and hash then. Raises
    AuditDataError at once when ``data`` cannot be stored reproducibly (see prepare_data).
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
    entry = AuditRecord(
        at=timezone.now(),
        actor=actor,
        actor_label=mask_personal_ids(label)[:300],
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        agency_id=agency_id,
        data=prepared,
        chain=chain_key(agency_id),
    )
    if not deferred.queue(using, entry):
        with transaction.atomic(using=using):
            write_entries(using, [entry])
    return entry
