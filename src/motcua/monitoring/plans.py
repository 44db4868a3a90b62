"""Reads about agencies' plans: progress against the monthly targets, and who has none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency

from .indicators import Figures
from .models import AgencyPlan
from .periods import Period, month_period
from .provision import ProcedureState
from .selectors import Context, Node, trend

# How the appendix of Công văn 2664/BTTTT-THH groups the agencies without a plan.
GROUPS = [
    ((Agency.Kind.MINISTRY,), _("Các bộ, ngành")),
    ((Agency.Kind.PROVINCE, Agency.Kind.CITY), _("Tỉnh, thành phố trực thuộc Trung ương")),
    ((Agency.Kind.DEPARTMENT,), _("Sở, ban, ngành")),
    ((Agency.Kind.COMMUNE,), _("Xã, phường, đặc khu")),
]


def offered_procedures(node: Node, day: dt.date, ctx: Context) -> list[ProcedureState]:
    """The procedures ``node`` (or an agency below it) offers on ``day``, by code."""
    members = ctx.tree.members(node)
    states = ctx.catalog.in_force(day)
    return sorted(
        (s for s in states.values() if members is None or s.agency_ids & members),
        key=lambda s: s.code,
    )


@dataclass
class MonthProgress:
    period: Period
    figures: Figures | None  # None for a month that has not begun
    targets: dict[str, float]

    def value(self, indicator: str) -> float | None:
        return self.figures.value(indicator) if self.figures else None

    def met(self, indicator: str) -> bool | None:
        goal, value = self.targets.get(indicator), self.value(indicator)
        if goal is None or value is None:
            return None
        return value >= goal


@dataclass
class ProcedureProgress:
    code: str
    name: str
    eligible: bool
    target_month: int | None
    reason: str
    service_level: str
    status: str  # done, late, pending, ineligible

    @property
    def status_label(self) -> str:
        return {
            "done": _("Đã cung cấp toàn trình"),
            "late": _("Chậm so với kế hoạch"),
            "pending": _("Chưa đến hạn"),
            "ineligible": _("Không đủ điều kiện"),
        }[self.status]


@dataclass
class PlanProgress:
    plan: AgencyPlan
    indicators: list[str]
    months: list[MonthProgress] = field(default_factory=list)
    procedures: list[ProcedureProgress] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(p.status == "done" for p in self.procedures)

    @property
    def late(self) -> int:
        return sum(p.status == "late" for p in self.procedures)

    @property
    def eligible(self) -> int:
        return sum(p.eligible for p in self.procedures)


def plan_progress(plan: AgencyPlan, ctx: Context, today: dt.date | None = None) -> PlanProgress:
    """Each month's figures against the plan's monthly targets, each procedure against its month."""
    today = today or timezone.localdate()
    targets: dict[int, dict[str, float]] = {}
    for t in plan.monthly_targets.all():
        targets.setdefault(t.month, {})[t.indicator] = float(t.value)
    indicators = sorted({i for month in targets.values() for i in month})
    months = [month_period(plan.year, m) for m in range(1, 13)]
    started = [m for m in months if m.start <= today]
    figures = dict(trend(plan.agency_id, started, ctx=ctx)) if started else {}
    progress = PlanProgress(plan, indicators)
    for month in months:
        progress.months.append(
            MonthProgress(month, figures.get(month), targets.get(month.end.month, {}))
        )
    as_of = min(today, dt.date(plan.year, 12, 31))
    states = ctx.catalog.in_force(as_of)
    for item in plan.procedures.select_related("procedure"):
        state = states.get(item.procedure_id)
        full = bool(state and state.fully_online)
        if not item.eligible:
            status = "ineligible"
        elif full:
            status = "done"
        elif item.target_month and month_period(plan.year, item.target_month).end < today:
            status = "late"
        else:
            status = "pending"
        progress.procedures.append(
            ProcedureProgress(
                code=item.procedure.code,
                name=state.name if state else item.procedure.code,
                eligible=item.eligible,
                target_month=item.target_month,
                reason=item.reason,
                service_level=state.service_level if state else "",
                status=status,
            )
        )
    return progress


@dataclass
class MissingPlans:
    label: str
    agencies: list[tuple[int, str]]  # (pk, name)


def agencies_without_plan(year: int, root: Node, ctx: Context) -> list[MissingPlans]:
    """The agencies below ``root`` (ministries and provinces for None) that offer public
    services but have filed no plan for ``year``, grouped like the appendix of 2664/BTTTT-THH.
    """
    day = min(dt.date(year, 12, 31), timezone.localdate())
    states = ctx.catalog.in_force(day)
    offering: set[int] = set()
    for state in states.values():
        for agency_id in state.agency_ids:
            offering.update(ctx.tree.chain(agency_id))
    filed = set(AgencyPlan.objects.filter(year=year).values_list("agency_id", flat=True))
    candidates = [pk for pk in ctx.tree.children(root) if pk in offering and pk not in filed]
    result = []
    for kinds, label in GROUPS:
        agencies = [
            (pk, ctx.tree.rows[pk].name) for pk in candidates if ctx.tree.rows[pk].kind in kinds
        ]
        if agencies:
            result.append(MissingPlans(str(label), agencies))
    return result
