"""Read-only queries on the catalogue (what the portal and the back office list)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from motcua.agencies.models import Agency
from motcua.agencies.selectors import (
    active_agencies,
    administered_agency_ids,
    ancestors,
    descendant_ids,
    is_superuser,
)
from motcua.lib import refcache

from .models import (
    CrossBoundaryIntake,
    OnlineOnlyRule,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    Sector,
)


def published_procedures() -> QuerySet[Procedure]:
    """Procedures whose current version is published, with that version and its sector."""
    return (
        Procedure.objects.filter(current_version__status=ProcedureVersion.Status.PUBLISHED)
        .select_related("current_version", "current_version__sector")
        .order_by("code")
    )


def procedure_by_code(code: str) -> Procedure | None:
    """The published procedure with this code, or None (drafts-only procedures are hidden).

    With its current version and that version's sector; memoised per process
    (``motcua.lib.refcache``), each call gets fresh instances."""
    rows = refcache.memoised(("catalog.procedure", code), lambda: _procedure_rows(code))
    if rows is None:
        return None
    procedure_row, version_row, sector_row = rows
    procedure = refcache.instance(Procedure, procedure_row)
    version = refcache.instance(ProcedureVersion, version_row)
    version.sector = refcache.instance(Sector, sector_row)
    procedure.current_version = version
    return procedure


def _procedure_rows(code: str) -> tuple | None:
    found = published_procedures().filter(code=code).first()
    if found is None:
        return None
    version = found.current_version
    return refcache.row_of(found), refcache.row_of(version), refcache.row_of(version.sector)


def version_with_procedure(version_id: int) -> ProcedureVersion | None:
    """The procedure version ``version_id`` with its procedure (fresh instances of a
    per-process memo, ``motcua.lib.refcache``), or None. For a dossier's version, read
    apart from the dossier's row: a published version never changes."""
    rows = refcache.memoised(("catalog.version", version_id), lambda: _version_rows(version_id))
    if rows is None:
        return None
    version_row, procedure_row = rows
    version = refcache.instance(ProcedureVersion, version_row)
    version.procedure = refcache.instance(Procedure, procedure_row)
    return version


def _version_rows(version_id: int) -> tuple | None:
    found = ProcedureVersion.objects.select_related("procedure").filter(pk=version_id).first()
    if found is None:
        return None
    return refcache.row_of(found), refcache.row_of(found.procedure)


def _component_rows(version_id: int) -> tuple:
    return refcache.memoised(
        ("catalog.components", version_id),
        lambda: tuple(
            refcache.row_of(c)
            for c in ProcedureComponent.objects.filter(version_id=version_id).order_by("position")
        ),
    )


def components_of(version: ProcedureVersion) -> list[ProcedureComponent]:
    """The components of ``version`` in their order (fresh instances of a per-process
    memo, ``motcua.lib.refcache``: a caller may mark them, e.g. ``replaced``)."""
    prefetched = getattr(version, "_prefetched_objects_cache", {})
    if "components" in prefetched:  # the caller prefetched them
        return list(prefetched["components"])
    components = [refcache.instance(ProcedureComponent, r) for r in _component_rows(version.pk)]
    for component in components:
        component.version = version
    return components


def component(version_id: int, pk) -> ProcedureComponent | None:
    """The component ``pk`` of the version ``version_id`` (None if it has no such one)."""
    for row in _component_rows(version_id):
        found = refcache.instance(ProcedureComponent, row)
        if found.pk == pk:
            return found
    return None


def sectors_with_counts() -> QuerySet[Sector]:
    """Sectors that have published procedures, each with ``procedure_count``, by name."""
    published = Q(procedureversion__status=ProcedureVersion.Status.PUBLISHED)
    return (
        Sector.objects.annotate(
            procedure_count=Count("procedureversion__procedure", filter=published, distinct=True)
        )
        .filter(procedure_count__gt=0)
        .order_by("name")
    )


def receiving_agency_ids(version: ProcedureVersion | None) -> set[int]:
    """The agencies that receive dossiers under ``version`` (none for None)."""
    if version is None or version.pk is None:
        return set()
    return set(version.agencies.values_list("pk", flat=True))


def editable_procedures(user) -> QuerySet[Procedure]:
    """The procedures ``user`` may change in the admin: all for a superuser; for an agency
    administrator, those whose current version is handled only by agencies they administer
    (their agency and the units below it): the procedures their agency owns or is
    assigned. A procedure shared with an agency outside their reach, or with no receiving
    agency, is the national administrators' (superusers')."""
    if is_superuser(user):
        return Procedure.objects.all()
    reach = administered_agency_ids(user)
    if not reach:
        return Procedure.objects.none()
    outside = Agency.objects.exclude(pk__in=reach)
    return (
        Procedure.objects.filter(current_version__agencies__in=reach)
        .exclude(current_version__agencies__in=outside)
        .distinct()
    )


def may_edit_procedure(user, procedure: Procedure) -> bool:
    """Whether ``user`` may make, edit and publish versions of ``procedure``
    (see ``editable_procedures``)."""
    return editable_procedures(user).filter(pk=procedure.pk).exists()


def online_only_rules(procedure: Procedure, on_date) -> QuerySet:
    """The online-only rules of ``procedure`` in force on ``on_date`` (any agency)."""
    return (
        OnlineOnlyRule.objects.filter(procedure=procedure, valid_from__lte=on_date)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on_date))
        .select_related("agency")
        .order_by("valid_from", "pk")
    )


def online_only(procedure: Procedure, agency: Agency, on_date) -> OnlineOnlyRule | None:
    """The rule that makes ``procedure`` online-only at ``agency`` on ``on_date``, or None.

    A rule without an agency applies everywhere; a rule of an agency applies to it and
    to every agency and unit below it (a province's rule covers its departments and
    communes). The earliest rule in force wins (its date is the one citizens are told).
    """
    reach = {agency.pk, *(a.pk for a in ancestors(agency))}
    for rule in online_only_rules(procedure, on_date):
        if rule.agency_id is None or rule.agency_id in reach:
            return rule
    return None


def online_only_procedure_ids(agencies, on_date) -> set[int]:
    """Ids of the procedures online-only on ``on_date`` at any of ``agencies`` (the
    counter's procedure picker marks them)."""
    reach: set[int] = set()
    for agency in agencies:
        reach |= {agency.pk, *(a.pk for a in ancestors(agency))}
    rules = OnlineOnlyRule.objects.filter(valid_from__lte=on_date).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on_date)
    )
    return set(
        rules.filter(Q(agency__isnull=True) | Q(agency_id__in=reach)).values_list(
            "procedure_id", flat=True
        )
    )


# Receipt regardless of administrative boundary (Decree 118/2025/NĐ-CP, Art. 14).
PROVINCE_KINDS = (Agency.Kind.PROVINCE, Agency.Kind.CITY)


@dataclass(frozen=True)
class Receivable:
    """A procedure (its current published version) that a desk receives on behalf of
    ``settling_agency``, and the line of the "phi địa giới" list that allows it."""

    version: ProcedureVersion
    settling_agency: Agency
    line: CrossBoundaryIntake


def province_of(agency: Agency) -> Agency | None:
    """The province (or centrally-run city) ``agency`` lies in, itself included."""
    for candidate in (agency, *ancestors(agency)):
        if candidate.kind in PROVINCE_KINDS:
            return candidate
    return None


def cross_boundary_lines(desk: Agency, on) -> QuerySet[CrossBoundaryIntake]:
    """The lines of the "phi địa giới" list in force on ``on`` for ``desk``: the desk's
    own lines and those of the agencies above it (a line for a commune's service centre
    covers the one-stop unit inside it)."""
    reach = [desk.pk, *(a.pk for a in ancestors(desk))]
    return (
        CrossBoundaryIntake.objects.filter(desk_id__in=reach, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("procedure", "settling_agency")
        .order_by("valid_from", "pk")
    )


def _current_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(
        status=ProcedureVersion.Status.PUBLISHED,
        pk__in=Procedure.objects.values("current_version_id"),
    ).select_related("procedure")


def receivable_at(desk: Agency, on) -> list[Receivable]:
    """What ``desk`` receives for other agencies on ``on``: one ``Receivable`` per
    (procedure, settling agency) that a line of the "phi địa giới" list in force allows.

    A line naming a settling agency covers the procedures that agency settles (its
    procedure when it names one; a procedure listing no agency is taken as settled by
    the named agency). A line without a settling agency covers the agencies of the desk's
    province that settle the procedure (or every procedure settled in the province when
    it names none). The desk's own agency is never listed: its procedures are its own.
    """
    own_home = desk.home_agency.pk
    province = province_of(desk)
    province_ids = descendant_ids(province) if province is not None else set()
    active = set(active_agencies(on).values_list("pk", flat=True))
    found: dict[tuple[int, int], Receivable] = {}
    for line in cross_boundary_lines(desk, on):
        versions = _current_versions().prefetch_related("agencies")
        if line.procedure_id:
            versions = versions.filter(procedure_id=line.procedure_id)
        elif line.settling_agency_id:
            versions = versions.filter(agencies=line.settling_agency_id)
        else:
            versions = versions.filter(agencies__in=province_ids).distinct()
        for version in versions:
            listed = list(version.agencies.all())
            if line.settling_agency_id:
                named = line.settling_agency
                settling = [named] if not listed or named in listed else []
            else:
                settling = [a for a in listed if a.pk in province_ids]
            for agency in settling:
                if agency.pk not in active or agency.home_agency.pk == own_home:
                    continue
                found.setdefault((version.pk, agency.pk), Receivable(version, agency, line))
    return sorted(found.values(), key=lambda r: (r.version.procedure.code, r.settling_agency.name))


def own_version_ids(agencies, versions=None) -> set[int]:
    """Ids of the current versions the desks of ``agencies`` receive for their own
    agency: those handled by one of them or an agency below (their subtree), and those
    listing no agency at all (not bound to one)."""
    reach: set[int] = set()
    for agency in agencies:
        reach |= descendant_ids(agency.home_agency)
    versions = versions if versions is not None else _current_versions()
    links = ProcedureVersion.agencies.through.objects.filter(
        procedureversion_id__in=[v.pk for v in versions]
    )
    bound = set(links.values_list("procedureversion_id", flat=True))
    mine = set(links.filter(agency_id__in=reach).values_list("procedureversion_id", flat=True))
    return {v.pk for v in versions if v.pk not in bound or v.pk in mine}
