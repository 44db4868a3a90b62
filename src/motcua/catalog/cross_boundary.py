"""The province's "phi địa giới" list: adding and removing its lines (audited).

Decree 118/2025/NĐ-CP, Art. 14: provincial and commune public administrative service
centres receive dossiers regardless of administrative boundary within the province; the
province decides which desks receive which procedures for which settling agencies. That
list is data an administrator keeps in the admin (``CrossBoundaryIntake``), never code;
``selectors.receivable_at`` reads it (docs/ONE_STOP.md).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import dated_rules
from .models import CrossBoundaryIntake


def _data(line: CrossBoundaryIntake) -> dict:
    return {
        "desk": line.desk.code,
        "procedure": line.procedure.code if line.procedure_id else "",
        "settling_agency": line.settling_agency.code if line.settling_agency_id else "",
        **dated_rules.period(line),
    }


def _not_itself(line: CrossBoundaryIntake) -> None:
    if line.settling_agency_id and line.settling_agency_id == line.desk_id:
        raise ValidationError(
            {"settling_agency": _("Cơ quan giải quyết phải khác bộ phận tiếp nhận.")}
        )


def save_line(line: CrossBoundaryIntake, *, by=None) -> CrossBoundaryIntake:
    """Add or change a line; audited as ``catalog.cross_boundary_saved``.

    Raises ValidationError when the dates are in the wrong order or the desk would
    receive for itself.
    """
    return dated_rules.save(
        line,
        by=by,
        action="catalog.cross_boundary_saved",
        agency_id=lambda row: row.desk_id,
        data=_data,
        check=_not_itself,
    )


def remove_line(line: CrossBoundaryIntake, *, by=None) -> None:
    """Remove a line; audited as ``catalog.cross_boundary_removed``."""
    dated_rules.remove(
        line,
        by=by,
        action="catalog.cross_boundary_removed",
        agency_id=line.desk_id,
        data=_data(line),
    )
