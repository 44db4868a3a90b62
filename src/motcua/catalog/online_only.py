"""Online-only procedures: adding and removing the rules (audited catalogue changes).

Some services are received online only (a pilot named in seed ``003``; REGULATIONS.md,
"Other obligations"): from a date, the one-stop desk no longer records paper dossiers
of the procedure and guides the citizen to file online, or to an assisted-filing agent
(a post-office public-service agent or a community digital team member). The rule's
``note`` carries its legal basis (the province's or ministry's decision).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .models import OnlineOnlyRule


def _data(rule: OnlineOnlyRule) -> dict:
    return {
        "procedure": rule.procedure.code,
        "agency": rule.agency.code if rule.agency_id else "",
        "valid_from": rule.valid_from.isoformat(),
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else "",
        "note": rule.note,
    }


@transaction.atomic
def save_rule(rule: OnlineOnlyRule, *, by=None) -> OnlineOnlyRule:
    """Add or change an online-only rule; audited as ``catalog.online_only_saved``.

    Raises ValidationError when the dates are in the wrong order (``full_clean``).
    """
    created = rule.pk is None
    if created and rule.created_by_id is None and getattr(by, "pk", None):
        rule.created_by = by
    rule.full_clean()
    if rule.valid_until and rule.valid_until < rule.valid_from:
        raise ValidationError({"valid_until": _("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng.")})
    rule.save()
    record(
        "catalog.online_only_saved",
        actor=by,
        obj=rule,
        agency_id=rule.agency_id,
        data={**_data(rule), "created": created},
    )
    return rule


@transaction.atomic
def remove_rule(rule: OnlineOnlyRule, *, by=None) -> None:
    """Remove an online-only rule; audited as ``catalog.online_only_removed``."""
    data, pk, agency_id = _data(rule), rule.pk, rule.agency_id
    rule.delete()
    record(
        "catalog.online_only_removed",
        actor=by,
        object_type="catalog.onlineonlyrule",
        object_id=pk,
        agency_id=agency_id,
        data=data,
    )
