"""Who a registry is asked about, and which e-form fields it can fill.

- ``dan_cu``, ``ho_tich``, ``bao_hiem``, ``y_te`` describe a natural person: the
  applicant, or for a business applicant its legal representative.
- ``dang_ky_kinh_doanh`` describes a business: a business applicant's tax code
  (a person applicant has none, so business fields stay for the citizen to fill).
- ``dat_dai``, ``thue``, ``hai_quan`` are asked about the applicant itself: a
  person's personal_id or a business's tax code (land is held by either).
"""

from __future__ import annotations

from typing import Any

from motcua.accounts.models import PERSONAL_ID_RE, TAX_CODE_RE, Applicant
from motcua.catalog.models import Registry

from .forms import top_fields

PERSON_REGISTRIES = {
    Registry.POPULATION,
    Registry.CIVIL_STATUS,
    Registry.INSURANCE,
    Registry.HEALTH,
}
BUSINESS_REGISTRIES = {Registry.BUSINESS}


def is_valid_subject(registry: str, subject: str) -> bool:
    """Whether ``subject`` has the shape of an identifier ``registry`` is asked about."""
    is_person = bool(PERSONAL_ID_RE.match(subject or ""))
    is_business = bool(TAX_CODE_RE.match(subject or ""))
    if registry in PERSON_REGISTRIES:
        return is_person
    if registry in BUSINESS_REGISTRIES:
        return is_business
    return is_person or is_business


def subject_for(registry: str, applicant: Applicant) -> str:
    """The identifier to look ``applicant`` up by in ``registry`` ("" when there is none)."""
    if registry in PERSON_REGISTRIES:
        if applicant.kind == Applicant.Kind.PERSON:
            return applicant.personal_id
        representative = applicant.representative
        return representative.personal_id if representative is not None else ""
    if registry in BUSINESS_REGISTRIES:
        return applicant.tax_code if applicant.kind == Applicant.Kind.BUSINESS else ""
    return applicant.identifier


def sourced_fields(schema: Any) -> dict[str, list[tuple[dict[str, Any], str]]]:
    """Group the form's scalar fields that name a registry source: registry -> [(field,
    attribute)]. ``schema`` is a legacy field list or a v2 definition (its top-level
    fields, every section); ``eid.*`` sources and person blocks are not registries'
    fields (see ``forms.eid_fields`` and ``forms.person_blocks``)."""
    groups: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for field in top_fields(schema):
        source = field.get("source")
        if not isinstance(source, str) or "." not in source or not field.get("name"):
            continue
        registry, attribute = source.split(".", 1)
        if registry in Registry.values and attribute:
            groups.setdefault(registry, []).append((field, attribute))
    return groups
