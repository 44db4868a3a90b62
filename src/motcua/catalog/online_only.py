"""Online-only procedures: adding and removing the rules (audited catalogue changes).

Some services are received online only (a pilot named in seed ``003``; REGULATIONS.md,
"Other obligations"): from a date, the one-stop desk no longer records paper dossiers
of the procedure and guides the citizen to file online, or to an assisted-filing agent
(a post-office public-service agent or a community digital team member). The rule's
``note`` carries its legal basis (the province's or ministry's decision).
"""

from __future__ import annotations

from . import dated_rules
from .models import OnlineOnlyRule


def _data(rule: OnlineOnlyRule) -> dict:
    return {
        "procedure": rule.procedure.code,
        "agency": rule.agency.code if rule.agency_id else "",
        **dated_rules.period(rule),
    }


def save_rule(rule: OnlineOnlyRule, *, by=None) -> OnlineOnlyRule:
    """Add or change an online-only rule; audited as ``catalog.online_only_saved``.
    Raises ValidationError when the dates are in the wrong order."""
    return dated_rules.save(
        rule,
        by=by,
        action="catalog.online_only_saved",
        agency_id=lambda row: row.agency_id,
        data=_data,
    )


def remove_rule(rule: OnlineOnlyRule, *, by=None) -> None:
    """Remove an online-only rule; audited as ``catalog.online_only_removed``."""
    dated_rules.remove(
        rule,
        by=by,
        action="catalog.online_only_removed",
        agency_id=rule.agency_id,
        data=_data(rule),
    )
