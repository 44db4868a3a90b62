"""Rebuilding the facts and rollups from the dossiers with set-based queries.

Used after bulk loads that send no signals (``seed_demo``), after a change of the
working-day calendar, or to repair. The rules are those of ``facts.compute_fact``,
written as one ``INSERT … SELECT`` over the dossiers (built with the ORM, so it runs
on SQLite and PostgreSQL alike), then ``GROUP BY`` queries over the facts.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, Status
from motcua.workdays.calendar import working_days_of_year

from .facts import (
    FACT_FIELDS,
    RESULT_STATUSES,
    SETTLED_STATUSES,
    closed_while_waiting,
    first_part,
)
from .models import (
    COUNTERS,
    DailyRollup,
    DossierFact,
    MonthlyProcessingDaysCount,
    MonthlyRollup,
    Outcome,
    ProcessingDaysCount,
    WorkdayOrdinal,
)
from .periods import Period

ORDINAL_EPOCH_YEAR = 2000
BATCH = 5000


@dataclass
class RebuildReport:
    facts: int = 0
    rollup_rows: int = 0
    histogram_rows: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return _(
            "%(facts)s hồ sơ được tính, %(rows)s dòng tổng hợp, %(buckets)s dòng phân bố "
            "thời gian – %(seconds)s giây"
        ) % {
            "facts": f"{self.facts:,}",
            "rows": f"{self.rollup_rows:,}",
            "buckets": f"{self.histogram_rows:,}",
            "seconds": f"{self.seconds:.1f}",
        }


def refresh_workday_ordinals(last_year: int | None = None) -> int:
    """Refill ``WorkdayOrdinal`` from the calendar (2000 to ``last_year``). Returns rows."""
    last_year = last_year or timezone.localdate().year + 5
    rows, ordinal = [], 0
    day = dt.date(ORDINAL_EPOCH_YEAR, 1, 1)
    end = dt.date(last_year, 12, 31)
    working = {d for y in range(ORDINAL_EPOCH_YEAR, last_year + 1) for d in working_days_of_year(y)}
    while day <= end:
        ordinal += day in working
        rows.append(WorkdayOrdinal(day=day, ordinal=ordinal))
        day += dt.timedelta(days=1)
    WorkdayOrdinal.objects.all().delete()
    WorkdayOrdinal.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _ordinal_of(field: str):
    return Subquery(WorkdayOrdinal.objects.filter(day=OuterRef(field)).values("ordinal")[:1])


def fact_queryset(dossiers=None):
    """Dossiers annotated with their fact columns (``x_<field>``), as ``compute_fact`` rules."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    parts = first_part()
    settled = Q(
        finished_at__isnull=False, due_date__isnull=False, status__in=SETTLED_STATUSES
    ) & ~Q(status=Status.REFUSED, waiting_closed=True)
    fee_required = Q(fee_vnd__gt=0)
    paid_online = fee_required & Q(fee_paid_at__isnull=False, fee_paid_online=True)
    electronic = settled & Q(status__in=RESULT_STATUSES, result_electronic=True)
    boolean = BooleanField()
    qs = (dossiers if dossiers is not None else Dossier.objects.all()).filter(
        received_at__isnull=False
    )
    qs = qs.annotate(
        part_agency=Subquery(parts.values("agency_id")[:1]),
        part_started=Subquery(parts.values("started_at")[:1]),
        waiting_closed=closed_while_waiting(),
    ).annotate(
        x_intake_day=TruncDate(Coalesce("part_started", "received_at"), tzinfo=tz),
        x_finished_day=TruncDate("finished_at", tzinfo=tz),
        x_clock_day=TruncDate(Coalesce("clock_started_at", "received_at"), tzinfo=tz),
    )
    qs = qs.annotate(
        o_clock=_ordinal_of("x_clock_day"),
        o_finished=_ordinal_of("x_finished_day"),
    )
    # facts.net_processing_days: working days from the clock's last start to the decision.
    days = ExpressionWrapper(F("o_finished") - F("o_clock"), output_field=IntegerField())
    return qs.annotate(
        x_dossier_id=F("pk"),
        x_procedure_id=F("procedure_version__procedure_id"),
        x_intake_agency_id=Coalesce("part_agency", "agency_id", output_field=BigIntegerField()),
        x_online=ExpressionWrapper(Q(channel="online"), output_field=boolean),
        x_reused=F("reused_data"),
        x_fee_required=ExpressionWrapper(fee_required, output_field=boolean),
        x_paid_online=ExpressionWrapper(paid_online, output_field=boolean),
        x_decide_agency_id=F("agency_id"),
        x_finished_day_settled=Case(When(settled, then=F("x_finished_day")), default=None),
        x_outcome=Case(
            When(settled & Q(x_finished_day__lt=F("due_date")), then=Value(Outcome.EARLY.value)),
            When(settled & Q(x_finished_day=F("due_date")), then=Value(Outcome.ON_TIME.value)),
            When(settled, then=Value(Outcome.LATE.value)),
            default=Value(""),
        ),
        x_processing_days=Case(
            When(settled, then=Greatest(Value(0), days)),
            default=None,
            output_field=IntegerField(),
        ),
        x_result_issued=ExpressionWrapper(
            settled & Q(status__in=RESULT_STATUSES), output_field=boolean
        ),
        x_result_electronic=ExpressionWrapper(electronic, output_field=boolean),
        x_fully_online=ExpressionWrapper(
            electronic & Q(channel="online") & (~fee_required | paid_online),
            output_field=boolean,
        ),
        x_rated_day=TruncDate("rating__rated_at", tzinfo=tz),
        x_score=F("rating__score"),
    )


# Fact column -> the annotation that computes it.
SOURCES = {name: f"x_{name}" for name in FACT_FIELDS}
SOURCES["finished_day"] = "x_finished_day_settled"
SOURCES["dossier_id"] = "x_dossier_id"


def insert_facts(dossiers=None) -> int:
    """``INSERT INTO`` the facts ``SELECT`` of ``fact_queryset``. Returns rows written."""
    names = ["dossier_id", *FACT_FIELDS]
    inner = fact_queryset(dossiers).values(*[SOURCES[n] for n in names])
    sql, params = inner.query.sql_with_params()
    qn = connection.ops.quote_name
    meta = DossierFact._meta
    columns = ", ".join(qn(meta.get_field(n.removesuffix("_id")).column) for n in names)
    select = ", ".join(qn(SOURCES[n]) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT {select} FROM ({sql}) src",
            params,
        )
        return cursor.rowcount


def _day_range(field: str, period: Period | None) -> Q:
    return Q(**{f"{field}__range": (period.start, period.end)}) if period else Q()


def _flag(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


def write_rollups(period: Period | None = None) -> tuple[int, int]:
    """Replace the rollup rows (of ``period``'s days) by the sums of the stored facts.

    One ``INSERT … SELECT … GROUP BY`` per table over the facts' three day columns
    (intake, settlement, rating), so nothing is read into Python.
    """
    qn = connection.ops.quote_name
    fact = DossierFact._meta
    col = {f.name: qn(f.column) for f in fact.concrete_fields}
    table = qn(fact.db_table)
    minimum = int(settings.MOTCUA_KPI_SATISFIED_MIN_SCORE)
    zero = {name: "0" for name in COUNTERS}

    def part(day: str, agency: str, where: str, values: dict[str, str]) -> str:
        merged = {**zero, **values}
        columns = ", ".join(f"{merged[name]} AS {qn(name)}" for name in COUNTERS)
        return (
            f"SELECT {col[day]} AS day_, {col[agency]} AS agency_, {col['procedure']} AS "
            f"procedure_, {columns} FROM {table} WHERE {where}"
        )

    params: list = []

    def within(day: str) -> str:
        if period is None:
            return "1 = 1"
        params.extend([period.start, period.end])
        return f"{col[day]} BETWEEN %s AND %s"

    settled = f"{col['outcome']} <> ''"
    parts = [
        part(
            "intake_day",
            "intake_agency",
            within("intake_day"),
            {
                "received": "1",
                "online": _flag(col["online"]),
                "reused": _flag(col["reused"]),
                "fee_required": _flag(col["fee_required"]),
                "paid_online": _flag(col["paid_online"]),
            },
        ),
        part(
            "finished_day",
            "decide_agency",
            f"{settled} AND {within('finished_day')}",
            {
                "finished": "1",
                "early": f"CASE WHEN {col['outcome']} = 'early' THEN 1 ELSE 0 END",
                "on_time": f"CASE WHEN {col['outcome']} = 'on_time' THEN 1 ELSE 0 END",
                "late": f"CASE WHEN {col['outcome']} = 'late' THEN 1 ELSE 0 END",
                "days_sum": col["processing_days"],
                "results": _flag(col["result_issued"]),
                "results_electronic": _flag(col["result_electronic"]),
                "fully_online": _flag(col["fully_online"]),
            },
        ),
        part(
            "rated_day",
            "decide_agency",
            f"{col['rated_day']} IS NOT NULL AND {within('rated_day')}",
            {
                "ratings": "1",
                "rating_sum": col["score"],
                "satisfied": f"CASE WHEN {col['score']} >= {minimum} THEN 1 ELSE 0 END",
            },
        ),
    ]
    rollup = DailyRollup._meta
    rcol = {f.name: qn(f.column) for f in rollup.concrete_fields}
    targets = ", ".join(rcol[n] for n in ("day", "agency", "procedure", *COUNTERS))
    sums = ", ".join(f"SUM({qn(name)})" for name in COUNTERS)
    insert_rollups = (
        f"INSERT INTO {qn(rollup.db_table)} ({targets}) "
        f"SELECT day_, agency_, procedure_, {sums} FROM ({' UNION ALL '.join(parts)}) u "
        f"GROUP BY day_, agency_, procedure_"
    )
    rollup_params = list(params)
    params.clear()
    hist = ProcessingDaysCount._meta
    hcol = {f.name: qn(f.column) for f in hist.concrete_fields}
    insert_histogram = (
        f"INSERT INTO {qn(hist.db_table)} "
        f"({hcol['day']}, {hcol['agency']}, {hcol['procedure']}, {hcol['days']}, {hcol['count']}) "
        f"SELECT {col['finished_day']}, {col['decide_agency']}, {col['procedure']}, "
        f"{col['processing_days']}, COUNT(*) FROM {table} "
        f"WHERE {settled} AND {within('finished_day')} "
        f"GROUP BY {col['finished_day']}, {col['decide_agency']}, {col['procedure']}, "
        f"{col['processing_days']}"
    )
    DailyRollup.objects.filter(_day_range("day", period)).delete()
    ProcessingDaysCount.objects.filter(_day_range("day", period)).delete()
    with connection.cursor() as cursor:
        cursor.execute(insert_rollups, rollup_params)
        rows = cursor.rowcount
        cursor.execute(insert_histogram, params)
        buckets = cursor.rowcount
    write_monthly(period)
    return rows, buckets


def _insert_select(model, queryset, columns: list[str]) -> int:
    """``INSERT INTO model (columns) SELECT <the queryset's x_<column> values>``."""
    qn = connection.ops.quote_name
    sql, params = queryset.values(*[f"x_{c}" for c in columns]).query.sql_with_params()
    meta = model._meta
    targets = ", ".join(qn(meta.get_field(c).column) for c in columns)
    select = ", ".join(qn(f"x_{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(meta.db_table)} ({targets}) SELECT {select} FROM ({sql}) src",
            params,
        )
        return cursor.rowcount


def write_monthly(period: Period | None = None) -> None:
    """Rewrite the monthly rows of the months ``period`` touches from the daily rows."""
    months = Q()
    if period is not None:
        last = period.end.replace(day=1)
        end = (last + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        months = Q(day__range=(period.start.replace(day=1), end))
    for daily, monthly, extra in (
        (DailyRollup, MonthlyRollup, COUNTERS),
        (ProcessingDaysCount, MonthlyProcessingDaysCount, ("count",)),
    ):
        monthly.objects.filter(months).delete()
        keys = {"x_day": TruncMonth("day"), "x_agency": F("agency_id")}
        keys["x_procedure"] = F("procedure_id")
        if daily is ProcessingDaysCount:
            keys["x_days"] = F("days")
        grouped = (
            daily.objects.filter(months)
            .order_by()
            .annotate(**keys)
            .values(*keys)
            .annotate(**{f"x_{name}": Sum(name) for name in extra})
        )
        _insert_select(monthly, grouped, [k.removeprefix("x_") for k in keys] + list(extra))


def rebuild(period: Period | None = None) -> RebuildReport:
    """Recompute facts and rollups: everything, or the days of ``period``.

    With a period, the facts of the dossiers changed (or rated) since the period began
    are recomputed, and the rollup rows of the period's days are rewritten from the
    facts. Runs in one transaction: readers see the old figures or the new ones.
    """
    started = time.monotonic()
    report = RebuildReport()
    with transaction.atomic():
        refresh_workday_ordinals()
        if period is None:
            DossierFact.objects.all().delete()
            report.facts = insert_facts()
        else:
            since = timezone.make_aware(
                dt.datetime.combine(period.start, dt.time.min),
                zoneinfo.ZoneInfo(settings.TIME_ZONE),
            )
            changed = Dossier.objects.filter(
                Q(updated_at__gte=since) | Q(rating__rated_at__gte=since)
            ).values("pk")
            DossierFact.objects.filter(dossier_id__in=Subquery(changed)).delete()
            report.facts = insert_facts(Dossier.objects.filter(pk__in=Subquery(changed)))
        report.rollup_rows, report.histogram_rows = write_rollups(period)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (DossierFact, DailyRollup, ProcessingDaysCount):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    report.seconds = time.monotonic() - started
    return report
