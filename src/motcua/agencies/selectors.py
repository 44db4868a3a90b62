"""Reads over the agency hierarchy."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from motcua.lib import refcache

from .models import Agency, Membership, Role

# How many units above an agency ``with_parents`` loads (a commune's police, its commune,
# the province, the ministry): the fee schedule and the event's snapshot walk up them.
PARENT_LEVELS = 3


def active_agencies(on: dt.date) -> QuerySet[Agency]:
    """Agencies that exist on ``on``."""
    return Agency.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
    )


def descendant_ids(agency: Agency, include_self: bool = True) -> set[int]:
    """Ids of the agency and every unit below it (any depth)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    result, stack = set(), [agency.pk]
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, []))
    if not include_self:
        result.discard(agency.pk)
    return result


def rollup_map() -> dict[int, int]:
    """Maps every agency id to the id of the agency its figures roll up to today.

    Follows ``successor`` links (a province merged on 1 July 2025 rolls up to
    the province it became part of), then the parent's successor, so that the
    units of a merged province roll up too.
    """
    rows = {
        pk: (parent, succ)
        for pk, parent, succ in Agency.objects.values_list("pk", "parent_id", "successor_id")
    }

    def current(pk: int) -> int:
        seen = {pk}
        while rows[pk][1] and rows[pk][1] not in seen:
            pk = rows[pk][1]
            seen.add(pk)
        return pk

    def rollup(pk: int, seen: frozenset[int] = frozenset()) -> int:
        if pk in seen:  # a cycle in the data: stop where we are
            return pk
        own = current(pk)
        if own != pk:
            # The successor may itself sit under a merged agency: keep rolling up.
            return rollup(own, seen | {pk})
        # No successor of its own: a unit of a merged agency rolls up with its parent.
        parent, visited = rows[pk][0], {pk}
        while parent is not None and parent not in visited:
            if rows[parent][1]:
                return current(parent)
            visited.add(parent)
            parent = rows[parent][0]
        return pk

    return {pk: rollup(pk) for pk in rows}


def with_parents(agency_id: int) -> Agency | None:
    """The agency ``agency_id`` with the units above it (``PARENT_LEVELS`` of them loaded,
    as ``select_related("parent__parent__parent")`` would), fresh instances of a
    per-process memo (``motcua.lib.refcache``), or None."""
    rows = refcache.memoised(("agencies.with_parents", agency_id), lambda: _chain_rows(agency_id))
    if not rows:
        return None
    chain = [refcache.instance(Agency, row) for row in rows]
    for child, parent in zip(chain, chain[1:], strict=False):
        child.parent = parent
    return chain[0]


def _chain_rows(agency_id: int) -> tuple:
    related = "__".join(["parent"] * PARENT_LEVELS)
    current = Agency.objects.select_related(related).filter(pk=agency_id).first()
    rows = []
    for _level in range(PARENT_LEVELS + 1):
        if current is None:
            break
        rows.append(refcache.row_of(current))
        current = current.parent if Agency.parent.is_cached(current) else None
    return tuple(rows)


def ancestors(agency: Agency) -> list[Agency]:
    """The agency's parents, nearest first."""
    result, seen, current = [], {agency.pk}, agency.parent
    while current is not None and current.pk not in seen:
        result.append(current)
        seen.add(current.pk)
        current = current.parent
    return result


def roles_of(user, agency: Agency) -> set[str]:
    """The roles ``user`` holds in ``agency`` directly or through an agency above it."""
    ids = {agency.pk, *(a.pk for a in ancestors(agency))}
    return set(
        Membership.objects.filter(user=user, agency_id__in=ids).values_list("role", flat=True)
    )


def memberships_with_role(user, role: Role) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, role=role).select_related("agency")


def officers_with_role(agency: Agency, role: str):
    """Users holding ``role`` in ``agency`` or in one of its units (not in sub-agencies).

    These are the officers a step of the agency's internal process can be given to.
    """
    from django.contrib.auth import get_user_model

    units = Agency.objects.filter(parent=agency, kind=Agency.Kind.UNIT).values("pk")
    return (
        get_user_model()
        .objects.filter(
            Q(memberships__agency=agency) | Q(memberships__agency__in=units),
            memberships__role=role,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def administered_agency_ids(user) -> set[int]:
    """Ids of the agencies ``user`` administers (agency administrator role) and every
    unit below them: what the admin site lets them see and change."""
    result: set[int] = set()
    for membership in Membership.objects.filter(user=user, role=Role.AGENCY_ADMIN).select_related(
        "agency"
    ):
        result |= descendant_ids(membership.agency)
    return result


def is_superuser(user) -> bool:
    return bool(user is not None and getattr(user, "is_superuser", False))


def home_agency_id(agency: Agency) -> int:
    """The agency a unit (phòng, bộ phận) belongs to: units fold into their parent."""
    current, seen = agency, {agency.pk}
    while current.kind == Agency.Kind.UNIT and current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        current = current.parent
    return current.pk


def nearest_common_agency_id(agency_ids) -> int | None:
    """The lowest agency that every agency of ``agency_ids`` lies within (itself included).

    None when there is no agency or when they share no ancestor (e.g. two provinces).
    """
    agencies = list(Agency.objects.filter(pk__in=set(agency_ids)))
    if not agencies:
        return None
    common: list[int] | None = None
    for agency in agencies:
        chain = [agency.pk, *(a.pk for a in ancestors(agency))]  # nearest first
        common = chain if common is None else [pk for pk in common if pk in set(chain)]
    return common[0] if common else None
