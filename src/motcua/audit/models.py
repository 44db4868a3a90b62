"""The audit trail (nhật ký kiểm tra): the back office's legal record of who did what.

Design
------
* **Append-only.** One ``AuditRecord`` per action on a dossier, a catalogue entry or a
  permission, written only by ``motcua.audit.services.record`` inside the caller's
  transaction, so the record exists exactly when the action does. Through the ORM a
  record can be inserted but never changed or removed: ``save()`` on an existing row,
  ``delete()``, and ``QuerySet.update/delete/bulk_update/bulk_create`` raise
  ``AuditRecordImmutable``; the admin is read-only. On PostgreSQL a trigger (migration
  0002) also refuses UPDATE, DELETE and TRUNCATE, so raw SQL from the app cannot change
  the table either.
* **Tamper-evident.** Each record stores ``prev_hash`` (the previous record's hash, 64
  zeros for the first) and ``hash`` = SHA-256 of a canonical JSON of its own content and
  ``prev_hash``. Anyone able to bypass the guards (a DBA disabling the trigger) can still
  edit, delete or reorder rows, but ``verify_audit`` (``selectors.verify_chain``) then
  finds the first broken link. There is **one chain per agency** (``chain`` =
  ``agency:<id>``) and one for records without an agency (``platform``, which also holds
  every record written before chains were split, migration 0004): audited writes of two
  agencies never wait for each other. Within a chain records are linked in ``id``
  order: writers lock the chain's row of ``ChainHead`` and read the chain's last hash
  from it in one statement (SQLite's IMMEDIATE transactions serialise writers anyway),
  a trigger moves the head as each record is inserted, and (``chain``, ``prev_hash``)
  is unique, so two writers can never link onto the same record. ``services.record``
  defers the write to the end of the outermost atomic block of the service, so the lock
  is held only from just before the commit. The chain alone cannot show that its
  newest records were cut off: the checkpoints below can.
* **No personal ID numbers in clear.** ``data`` is small JSON context (status, codes,
  ids); ``record()`` masks any 12-digit number to its last 4 digits
  (``masking.mask_personal_ids``) and refuses floats, whose text form differs between
  SQLite and PostgreSQL's jsonb and would break the hash.
* **Keyed.** The chain alone can be recomputed by whoever can write the table. Each
  record also carries ``mac``, an HMAC-SHA256 of its hash with ``MOTCUA_AUDIT_KEY``
  (``keys.py``), which lives in the application's environment and never in the
  database; ``audit_checkpoint`` appends the signed head of the chain to a file outside
  the database (``checkpoints.py``). ``verify_audit`` checks both. Records written
  before the key existed (migration 0003) have an empty ``mac``: they are accepted only
  as the chain's first records, where the first keyed record's MAC seals them.
* ``actor_label`` keeps who acted as they were named then; ``agency_id`` is a plain
  integer (no foreign key) so the table can later be scoped or split per agency.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .exceptions import AuditRecordImmutable

GENESIS_HASH = "0" * 64
# The chain of records with no agency, and of every record written before chains were
# per agency (migration 0004): their hashes do not cover the chain key.
PLATFORM_CHAIN = "platform"


def chain_key(agency_id: int | None) -> str:
    """The chain a record of ``agency_id`` joins: one chain per agency, else the platform's."""
    return PLATFORM_CHAIN if agency_id is None else f"agency:{agency_id}"


def canonical_json(value: Any) -> str:
    """The one text form that is hashed: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_time(moment: dt.datetime) -> str:
    # The database hands datetimes back in UTC: hash the UTC form, to the microsecond.
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


class AuditRecordQuerySet(models.QuerySet):
    """Reads as usual; every bulk write that could bypass the chain is refused."""

    def update(self, **kwargs):
        raise AuditRecordImmutable("QuerySet.update")

    def delete(self):
        raise AuditRecordImmutable("QuerySet.delete")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditRecordImmutable("QuerySet.bulk_update")

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditRecordImmutable("QuerySet.bulk_create")

    update.alters_data = True
    delete.alters_data = True
    delete.queryset_only = True  # as in Django: no Manager.delete()


class AuditRecord(models.Model):
    """One action, by whom and on what, chained to the record before it."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("tên người thực hiện"), max_length=300, blank=True)
    action = models.CharField(_("thao tác"), max_length=64)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    agency_id = models.IntegerField(_("cơ quan"), null=True, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    prev_hash = models.CharField(_("mã băm bản ghi trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64)
    # HMAC-SHA256 of ``hash`` with MOTCUA_AUDIT_KEY (keys.py), a key the database never
    # holds. Empty only for records written before the key existed (legacy records).
    mac = models.CharField(_("mã xác thực"), max_length=64, blank=True, default="")
    # Which chain the record links into (``chain_key``): ``agency:<id>`` or "platform".
    chain = models.CharField(_("chuỗi"), max_length=32, default=PLATFORM_CHAIN)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = _("nhật ký kiểm tra")
        # Nobody can be granted add/change/delete: records come from services.record().
        default_permissions = ("view",)
        # Constraints rather than unique=True: no extra LIKE indexes on PostgreSQL.
        # A unique prev_hash means the chain can never fork, even if the lock is bypassed.
        constraints = [
            models.UniqueConstraint(fields=["hash"], name="audit_hash_unique"),
            models.UniqueConstraint(
                fields=["chain", "prev_hash"], name="audit_chain_prev_hash_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["object_id", "object_type"], name="audit_object"),
            models.Index(fields=["agency_id", "at"], name="audit_agency_at"),
            models.Index(fields=["action"], name="audit_action"),
            models.Index(fields=["chain", "id"], name="audit_chain_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    # ``lib.inserts.insert`` may write a new record without this save(): it only refuses
    # changes to a written one.
    SAVE_ONLY_GUARDS_CHANGES = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AuditRecordImmutable(f"save #{self.pk}")
        # Always INSERT: an instance built with an existing pk must not turn into an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRecordImmutable(f"delete #{self.pk}")

    def hashed_content(self) -> dict[str, Any]:
        """Everything the hash covers, in plain JSON types.

        The chain key is covered for the per-agency chains only, so the records of the
        platform chain (all of them written before chains were per agency) keep their hash.
        """
        content = {
            "prev_hash": self.prev_hash,
            "at": canonical_time(self.at),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "agency_id": self.agency_id,
            "data": self.data,
        }
        if self.chain != PLATFORM_CHAIN:
            content["chain"] = self.chain
        return content

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.hashed_content()).encode()).hexdigest()


class ChainHead(models.Model):
    """The last hash of each chain, and the lock its writers take (one row per chain).

    ``services.write_entries`` locks the chain's row and reads its hash in one statement
    (an upsert: a new chain starts at the genesis hash); a trigger on the audit table
    (migration 0005) sets the hash to each record's as it is inserted, in the same
    transaction. Only a cache of the chain: ``verify_audit`` walks the records
    themselves, and a head that no longer matches the last record (a record deleted)
    makes the next record's link break where the verification sees it.
    """

    chain = models.CharField(_("chuỗi"), max_length=32, primary_key=True)
    hash = models.CharField(_("mã băm cuối chuỗi"), max_length=64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")
        verbose_name_plural = _("đầu chuỗi nhật ký")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.chain}: {self.hash[:12]}"
