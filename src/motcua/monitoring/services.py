"""Writes of the monitoring module: targets and agencies' plans (each one transaction, audited).

The rollups are written by ``facts.refresh_dossier`` (from dossier events) and
``rebuild.rebuild``; the monthly report dispatch by ``reports.send_monthly_reports``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import Procedure

from .indicators import PERCENT
from .models import AgencyPlan, Indicator, PlanMonthlyTarget, PlanProcedure, Target


class MonitoringError(ValueError):
    """Input a user must correct; the message is Vietnamese and says how."""


def _percent(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise MonitoringError(
            _("%(label)s: hãy nhập một số, ví dụ 80 hoặc 72,5.") % {"label": label}
        ) from None
    if number < 0 or number > 100:
        raise MonitoringError(_("%(label)s phải nằm trong khoảng 0–100.") % {"label": label})
    return number


@transaction.atomic
def save_target(
    *,
    indicator: str,
    year: int,
    value,
    agency: Agency | None = None,
    applies_to: str = Target.AppliesTo.ALL,
    source: str = "",
    by=None,
) -> Target:
    """Set (or change) the target of ``indicator`` for ``year``: national or one agency's.

    Raises MonitoringError for an unknown indicator or a value out of range.
    """
    if indicator not in Indicator.values:
        raise MonitoringError(_("Chỉ số không hợp lệ."))
    label = str(Indicator(indicator).label)
    number = (
        _percent(value, label)
        if indicator in PERCENT or indicator == Indicator.SCORE
        else Decimal(str(value))
    )
    if number < 0:
        raise MonitoringError(_("%(label)s không được âm.") % {"label": label})
    if agency is not None:
        applies_to = Target.AppliesTo.ALL
    target, _created = Target.objects.update_or_create(
        indicator=indicator,
        year=year,
        agency=agency,
        applies_to=applies_to,
        defaults={"value": number, "source": source.strip(), "created_by": by},
    )
    record(
        "monitoring.target",
        actor=by,
        obj=target,
        agency_id=agency.pk if agency else None,
        data={
            "indicator": indicator,
            "year": year,
            "value": str(number),
            "applies_to": applies_to,
        },
    )
    return target


@dataclass(frozen=True)
class PlannedProcedure:
    procedure_id: int
    eligible: bool
    target_month: int | None = None
    reason: str = ""


@transaction.atomic
def file_plan(
    *,
    agency: Agency,
    year: int,
    document_number: str,
    issued_on: dt.date,
    summary: str = "",
    monthly_targets: dict[tuple[int, str], object] | None = None,
    procedures: list[PlannedProcedure] | None = None,
    by=None,
) -> AgencyPlan:
    """File (or replace) the agency's plan for ``year``.

    ``monthly_targets`` maps (month, indicator) to a percentage; ``procedures`` lists the
    eligible procedures with the month they go fully online and the ineligible ones with
    their reason. Raises MonitoringError naming the first thing to correct.
    """
    if not document_number.strip():
        raise MonitoringError(_("Hãy nhập số, ký hiệu văn bản ban hành kế hoạch."))
    if issued_on.year > year:
        raise MonitoringError(
            _("Kế hoạch năm %(year)d phải ban hành trước hoặc trong năm đó.") % {"year": year}
        )
    targets = []
    for (month, indicator), value in sorted((monthly_targets or {}).items()):
        if not 1 <= int(month) <= 12:
            raise MonitoringError(_("Tháng phải từ 1 đến 12."))
        if indicator not in PERCENT:
            raise MonitoringError(_("Chỉ số không hợp lệ."))
        label = _("%(indicator)s, tháng %(month)d") % {
            "indicator": Indicator(indicator).label,
            "month": month,
        }
        targets.append((int(month), indicator, _percent(value, label)))
    rows = []
    codes = dict(
        Procedure.objects.filter(pk__in=[p.procedure_id for p in procedures or []]).values_list(
            "pk", "code"
        )
    )
    for item in procedures or []:
        code = codes.get(item.procedure_id)
        if code is None:
            raise MonitoringError(_("Thủ tục không tồn tại trong danh mục."))
        if not item.eligible and not item.reason.strip():
            raise MonitoringError(
                _("Thủ tục %(code)s không đủ điều kiện: hãy ghi rõ lý do.") % {"code": code}
            )
        if item.eligible and item.target_month is not None and not 1 <= item.target_month <= 12:
            raise MonitoringError(
                _("Thủ tục %(code)s: tháng hoàn thành phải từ 1 đến 12.") % {"code": code}
            )
        rows.append(item)
    plan, _created = AgencyPlan.objects.update_or_create(
        agency=agency,
        year=year,
        defaults={
            "document_number": document_number.strip(),
            "issued_on": issued_on,
            "summary": summary.strip(),
            "filed_at": timezone.now(),
            "filed_by": by,
        },
    )
    plan.monthly_targets.all().delete()
    PlanMonthlyTarget.objects.bulk_create(
        PlanMonthlyTarget(plan=plan, month=m, indicator=i, value=v) for m, i, v in targets
    )
    plan.procedures.all().delete()
    PlanProcedure.objects.bulk_create(
        PlanProcedure(
            plan=plan,
            procedure_id=item.procedure_id,
            eligible=item.eligible,
            target_month=item.target_month if item.eligible else None,
            reason="" if item.eligible else item.reason.strip(),
        )
        for item in rows
    )
    record(
        "monitoring.plan_filed",
        actor=by,
        obj=plan,
        agency_id=agency.pk,
        data={
            "year": year,
            "document": plan.document_number,
            "targets": len(targets),
            "eligible": sum(p.eligible for p in rows),
            "ineligible": sum(not p.eligible for p in rows),
        },
    )
    return plan
