"""Saving and removing the lines of the lists an administrator keeps (``DatedRule``:
online-only procedures, the "phi địa giới" list), each change audited."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .models import DatedRule


def period(row: DatedRule) -> dict:
    """The dated part of a line, as the audit trail keeps it."""
    return {
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else "",
        "note": row.note,
    }


@transaction.atomic
def save(
    row: DatedRule,
    *,
    by,
    action: str,
    agency_id: Callable[[DatedRule], int | None],
    data: Callable[[DatedRule], dict],
    check: Callable[[DatedRule], None] | None = None,
) -> DatedRule:
    """Add or change ``row``; audited as ``action`` with ``data(row)`` (for the agency
    ``agency_id(row)``). Raises ValidationError when the dates are in the wrong order (or
    ``check`` refuses the line)."""
    created = row.pk is None
    if created and row.created_by_id is None and getattr(by, "pk", None):
        row.created_by = by
    row.full_clean()
    if row.valid_until and row.valid_until < row.valid_from:
        raise ValidationError({"valid_until": _("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng.")})
    if check is not None:
        check(row)
    row.save()
    record(
        action, actor=by, obj=row, agency_id=agency_id(row), data={**data(row), "created": created}
    )
    return row


@transaction.atomic
def remove(row: DatedRule, *, by, action: str, agency_id: int | None, data: dict) -> None:
    """Remove ``row``; audited as ``action`` with ``data``."""
    object_type, pk = row._meta.label_lower, row.pk
    row.delete()
    record(
        action,
        actor=by,
        object_type=object_type,
        object_id=pk,
        agency_id=agency_id,
        data=data,
    )
