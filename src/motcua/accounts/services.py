"""Use cases that create applicants (người nộp hồ sơ).

An applicant is created in one of three ways: a citizen's first sign-in through the
identity provider (their person, and the businesses the provider says they
represent), a desk officer recording a paper dossier for someone new, or a signed-in
account that has a personal ID but no applicant yet. Every creation goes through
``get_or_create_person`` / ``get_or_create_business`` and is written to the audit
trail ("applicant.created", with the source and never the identifier itself).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from motcua.audit.services import record

from .models import Applicant

# Where an applicant came from (the audit record's "source").
FROM_SIGN_IN, FROM_COUNTER, FROM_ACCOUNT = "sign_in", "counter", "account"


def _get_or_create(lookup: dict[str, str], defaults: dict[str, Any], by, source: str):
    existing = Applicant.objects.filter(**lookup).first()
    if existing is not None:  # the usual case: one query, no savepoint
        return existing, False
    with transaction.atomic():
        applicant, created = Applicant.objects.get_or_create(**lookup, defaults=defaults)
        if created:
            record(
                "applicant.created",
                actor=by,
                obj=applicant,
                data={"kind": applicant.kind, "source": source},
            )
    return applicant, created


def get_or_create_person(
    personal_id: str, *, defaults: dict[str, Any], by=None, source: str = FROM_SIGN_IN
) -> tuple[Applicant, bool]:
    """The person applicant with ``personal_id``, created with ``defaults`` when missing
    (an existing one is returned unchanged). Returns (applicant, created)."""
    lookup = {"kind": Applicant.Kind.PERSON, "personal_id": personal_id}
    return _get_or_create(lookup, defaults, by, source)


def get_or_create_business(
    tax_code: str, *, defaults: dict[str, Any], by=None, source: str = FROM_SIGN_IN
) -> tuple[Applicant, bool]:
    """The business applicant with ``tax_code``, created with ``defaults`` when missing
    (an existing one is returned unchanged). Returns (applicant, created)."""
    lookup = {"kind": Applicant.Kind.BUSINESS, "tax_code": tax_code}
    return _get_or_create(lookup, defaults, by, source)


def applicant_at_counter(
    *, kind: str, personal_id: str = "", tax_code: str = "", name: str, by, **details: str
) -> Applicant:
    """The applicant a desk officer records a paper dossier for: the existing one with
    this identifier (left unchanged), or a new one with ``name`` and ``details``
    (phone, address)."""
    defaults = {"name": name, **details}
    if kind == Applicant.Kind.PERSON:
        return get_or_create_person(personal_id, defaults=defaults, by=by, source=FROM_COUNTER)[0]
    return get_or_create_business(tax_code, defaults=defaults, by=by, source=FROM_COUNTER)[0]
