"""What a dossier costs: the fee schedule in force on a day, for an agency.

``quote(version, agency, on)`` picks the ``FeeRule`` of the version's procedure in
force on ``on``: a rule for the agency itself beats one for a unit above it, which
beats a rule for every agency; among equals the latest ``valid_from`` wins. Without a
rule in force, the version's own fee and online policy apply. The dossier freezes the
quoted amount when it is submitted (``dossiers.services.transition``), so a later change
of the schedule never changes what a filed dossier owes. A procedure's rules are read
from a per-process memo (``motcua.lib.refcache``) that any change to a rule invalidates
in every process.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.lib import refcache

from .models import FeeRule, OnlineFeePolicy, ProcedureVersion, online_amount

# Agencies nest a few levels (province > department > unit); this bounds the walk up.
_MAX_DEPTH = 8


@dataclass(frozen=True)
class FeeQuote:
    counter_vnd: int
    online_vnd: int
    policy: str
    policy_value: int
    rule: FeeRule | None = None

    def amount(self, online: bool) -> int:
        return self.online_vnd if online else self.counter_vnd

    @property
    def online_saving_vnd(self) -> int:
        return self.counter_vnd - self.online_vnd

    @property
    def legal_basis(self) -> str:
        return self.rule.legal_basis if self.rule else ""

    @property
    def policy_label(self) -> str:
        return OnlineFeePolicy(self.policy).label


def _agency_chain(agency: Agency | None) -> list[int]:
    """``agency`` and the units above it, nearest first (by id)."""
    chain: list[int] = []
    while agency is not None and len(chain) < _MAX_DEPTH:
        chain.append(agency.pk)
        agency = agency.parent if agency.parent_id else None
    return chain


def rule_in_force(
    version: ProcedureVersion, agency: Agency | None, on: datetime.date
) -> FeeRule | None:
    chain = _agency_chain(agency)
    rules = [
        rule
        for rule in _rules_of(version.procedure_id)
        if rule.valid_from <= on
        and (rule.valid_until is None or rule.valid_until >= on)
        and (rule.agency_id is None or rule.agency_id in chain)
    ]
    if not rules:
        return None

    def rank(rule: FeeRule):
        nearness = chain.index(rule.agency_id) if rule.agency_id else len(chain)
        return (nearness, -rule.valid_from.toordinal(), -rule.pk)

    return min(rules, key=rank)


def _rules_of(procedure_id: int) -> list[FeeRule]:
    """Every fee rule of the procedure (fresh instances of a per-process memo,
    ``motcua.lib.refcache``; the schedule changes rarely)."""
    rows = refcache.memoised(
        ("catalog.fee_rules", procedure_id),
        lambda: tuple(
            refcache.row_of(rule)
            for rule in FeeRule.objects.filter(procedure_id=procedure_id).order_by("pk")
        ),
    )
    return [refcache.instance(FeeRule, row) for row in rows]


def quote(
    version: ProcedureVersion, agency: Agency | None = None, on: datetime.date | None = None
) -> FeeQuote:
    """The counter and online fee of ``version`` at ``agency`` on ``on`` (default today)."""
    on = on or timezone.localdate()
    rule = rule_in_force(version, agency, on)
    if rule is None:
        return FeeQuote(
            counter_vnd=version.fee_vnd,
            online_vnd=version.online_fee_vnd,
            policy=version.online_fee_policy,
            policy_value=version.online_fee_value,
        )
    return FeeQuote(
        counter_vnd=rule.fee_vnd,
        online_vnd=online_amount(rule.fee_vnd, rule.online_policy, rule.online_value),
        policy=rule.online_policy,
        policy_value=rule.online_value,
        rule=rule,
    )
