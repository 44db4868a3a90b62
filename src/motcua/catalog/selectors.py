"""Read-only queries on the catalogue (what the portal and the back office list)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from motcua.agencies.models import Agency
from motcua.agencies.selectors import administered_agency_ids, ancestors, is_superuser

from .models import OnlineOnlyRule, Procedure, ProcedureVersion, Sector


def published_procedures() -> QuerySet[Procedure]:
    """Procedures whose current version is published, with that version and its sector."""
    return (
        Procedure.objects.filter(current_version__status=ProcedureVersion.Status.PUBLISHED)
        .select_related("current_version", "current_version__sector")
        .order_by("code")
    )


def procedure_by_code(code: str) -> Procedure | None:
    """The published procedure with this code, or None (drafts-only procedures are hidden)."""
    return published_procedures().filter(code=code).first()


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
