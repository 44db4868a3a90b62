"""The province's "phi địa giới" list: adding and removing its lines (audited).

Decree 118/2025/NĐ-CP, Art. 14: provincial and commune public administrative service
centres receive dossiers regardless of administrative boundary within the province; the
province decides which desks receive which procedures for which settling agencies. That
list is data an administrator keeps in the admin (``CrossBoundaryIntake``), never code;
``selectors.receivable_at`` reads it (docs/ONE_STOP.md).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .models import CrossBoundaryIntake


def _data(line: CrossBoundaryIntake) -> dict:
    return {
        "desk": line.desk.code,
        "procedure": line.procedure.code if line.procedure_id else "",
        "settling_agency": line.settling_agency.code if line.settling_agency_id else "",
        "valid_from": line.valid_from.isoformat(),
        "valid_until": line.valid_until.isoformat() if line.valid_until else "",
        "note": line.note,
    }


@transaction.atomic
def save_line(line: CrossBoundaryIntake, *, by=None) -> CrossBoundaryIntake:
    """Add or change a line; audited as ``catalog.cross_boundary_saved``.

    Raises ValidationError when the dates are in the wrong order or the desk would
    receive for itself.
    """
    created = line.pk is None
    if created and line.created_by_id is None and getattr(by, "pk", None):
        line.created_by = by
    line.full_clean()
    if line.valid_until and line.valid_until < line.valid_from:
        raise ValidationError({"valid_until": _("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng.")})
    if line.settling_agency_id and line.settling_agency_id == line.desk_id:
        raise ValidationError(
            {"settling_agency": _("Cơ quan giải quyết phải khác bộ phận tiếp nhận.")}
        )
    line.save()
    record(
        "catalog.cross_boundary_saved",
        actor=by,
        obj=line,
        agency_id=line.desk_id,
        data={**_data(line), "created": created},
    )
    return line


@transaction.atomic
def remove_line(line: CrossBoundaryIntake, *, by=None) -> None:
    """Remove a line; audited as ``catalog.cross_boundary_removed``."""
    data, pk, desk_id = _data(line), line.pk, line.desk_id
    line.delete()
    record(
        "catalog.cross_boundary_removed",
        actor=by,
        object_type="catalog.crossboundaryintake",
        object_id=pk,
        agency_id=desk_id,
        data=data,
    )
