"""Reading the simulator's records as the JSON each registry answers with."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from .models import (
    PERSONAL_ID_RE,
    SIMPLE_REGISTRIES,
    TAX_CODE_RE,
    Business,
    CivilStatusEvent,
    LandParcel,
    Person,
    Registry,
    RegistryMode,
    RegistryRecord,
    Relation,
)

# What identifies a subject in each registry: a person, a business, or either.
SUBJECT_KINDS = {
    Registry.POPULATION: "person",
    Registry.CIVIL_STATUS: "person",
    Registry.BUSINESS: "business",
    Registry.LAND: "any",
    Registry.INSURANCE: "person",
    Registry.TAX: "any",
    Registry.HEALTH: "person",
    Registry.CUSTOMS: "any",
}


def is_valid_subject(registry: str, subject: str) -> bool:
    """Whether ``subject`` has the shape ``registry`` identifies its records by."""
    kind = SUBJECT_KINDS.get(registry)
    is_person = bool(PERSONAL_ID_RE.match(subject))
    is_business = bool(TAX_CODE_RE.match(subject))
    if kind == "person":
        return is_person
    if kind == "business":
        return is_business
    return kind == "any" and (is_person or is_business)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def residence_of(person: Person) -> dict[str, str]:
    """The structured place of permanent residence: ``{"province", "commune", "detail"}``."""
    return {
        "province": person.residence_province,
        "commune": person.residence_commune,
        "detail": person.residence_detail,
    }


def person_summary(person: Person) -> dict[str, Any]:
    """What the registry tells of a related person (the parts of an e-form person block)."""
    return {
        "personal_id": person.personal_id,
        "full_name": person.full_name,
        "birth_date": _iso(person.birth_date),
        "sex": person.gender,
        "ethnicity": person.ethnicity,
        "nationality": person.nationality,
        "residence": residence_of(person),
        "deceased": person.deceased_on is not None,
    }


def _relations(person: Person) -> dict[str, Any]:
    """Spouse, parents, children (oldest first) and household of ``person``."""
    wanted = {person.spouse_id, person.father_id, person.mother_id} - {""}
    by_id = {p.personal_id: p for p in Person.objects.filter(personal_id__in=wanted)}

    def related(personal_id: str) -> dict[str, Any] | None:
        found = by_id.get(personal_id) if personal_id else None
        return person_summary(found) if found is not None else None

    children = Person.objects.filter(
        Q(mother_id=person.personal_id) | Q(father_id=person.personal_id)
    ).order_by("birth_date", "personal_id")
    household = None
    if person.household_id:
        members = list(
            Person.objects.filter(household_id=person.household_id).order_by(
                "birth_date", "personal_id"
            )
        )
        head = next((m for m in members if m.relation_to_head == Relation.HEAD), None)
        household = {
            "id": person.household_id,
            "head": person_summary(head) if head is not None else None,
            "members": [
                {
                    **person_summary(member),
                    "relation": member.relation_to_head,
                    "relation_label": str(member.get_relation_to_head_display())
                    if member.relation_to_head
                    else "",
                }
                for member in members
            ],
        }
    return {
        "spouse": related(person.spouse_id),
        "father": related(person.father_id),
        "mother": related(person.mother_id),
        "children": [person_summary(child) for child in children],
        "household": household,
    }


def _person(subject: str) -> dict[str, Any] | None:
    person = Person.objects.filter(personal_id=subject).first()
    if person is None:
        return None
    return {
        "personal_id": person.personal_id,
        "full_name": person.full_name,
        "birth_date": _iso(person.birth_date),
        "gender": person.get_gender_display() if person.gender else "",
        "sex": person.gender,
        "nationality": person.nationality,
        "ethnicity": person.ethnicity,
        "hometown": person.hometown,
        "permanent_address": person.permanent_address,
        "current_address": person.current_address,
        "residence": residence_of(person),
        "phone": person.phone,
        "household_id": person.household_id,
        "relation_to_head": person.relation_to_head,
        "deceased": person.deceased_on is not None,
        "deceased_on": _iso(person.deceased_on),
        "relations": _relations(person),
        "updated_at": _iso(person.updated_at),
    }


def _marital_status(events: list[CivilStatusEvent]) -> str:
    status = _("Chưa kết hôn")
    for event in events:
        if event.kind == CivilStatusEvent.Kind.MARRIAGE:
            status = _("Đã kết hôn")
        elif event.kind == CivilStatusEvent.Kind.DIVORCE:
            status = _("Đã ly hôn")
    return status


def _civil_status(subject: str) -> dict[str, Any] | None:
    person = Person.objects.filter(personal_id=subject).first()
    if person is None:
        return None
    events = list(person.events.all())
    return {
        "personal_id": person.personal_id,
        "full_name": person.full_name,
        "marital_status": _marital_status(events),
        "deceased": person.deceased_on is not None
        or any(e.kind == CivilStatusEvent.Kind.DEATH for e in events),
        "events": [
            {
                "kind": event.kind,
                "kind_label": str(event.get_kind_display()),
                "event_date": _iso(event.event_date),
                "reference": event.reference,
                "authority": event.authority,
                "related_personal_id": event.related_personal_id,
            }
            for event in events
        ],
    }


def _business(subject: str) -> dict[str, Any] | None:
    business = Business.objects.filter(tax_code=subject).first()
    if business is None:
        return None
    return {
        "tax_code": business.tax_code,
        "name": business.name,
        "head_office": business.head_office,
        "representative_personal_id": business.representative_personal_id,
        "business_type": business.business_type,
        "registered_on": _iso(business.registered_on),
        "charter_capital_vnd": business.charter_capital_vnd,
        "status": business.status,
        "status_label": str(business.get_status_display()),
    }


def _land(subject: str) -> dict[str, Any] | None:
    parcels = list(LandParcel.objects.filter(owner_id=subject))
    if not parcels:
        return None
    return {
        "owner_id": subject,
        "parcels": [
            {
                "map_sheet": parcel.map_sheet,
                "parcel_number": parcel.parcel_number,
                "address": parcel.address,
                "area_m2": str(parcel.area_m2),
                "land_use": parcel.land_use,
                "certificate_number": parcel.certificate_number,
                "certificate_issued_on": _iso(parcel.certificate_issued_on),
            }
            for parcel in parcels
        ],
    }


def _simple(registry: str, subject: str) -> dict[str, Any] | None:
    record = RegistryRecord.objects.filter(registry=registry, subject=subject).first()
    if record is None:
        return None
    return {"subject": subject, **record.attributes}


_READERS = {
    Registry.POPULATION: _person,
    Registry.CIVIL_STATUS: _civil_status,
    Registry.BUSINESS: _business,
    Registry.LAND: _land,
}


def record_for(registry: str, subject: str) -> dict[str, Any] | None:
    """The JSON body ``registry`` answers for ``subject``, or None when it has no record."""
    if registry in SIMPLE_REGISTRIES:
        body = _simple(registry, subject)
    else:
        body = _READERS[registry](subject)
    return None if body is None else {"registry": registry, **body}


def request_count(registry: str) -> int:
    """How many requests the simulated ``registry`` has received (for tests and the admin)."""
    row = RegistryMode.objects.filter(registry=registry).values_list("request_count", flat=True)
    return row.first() or 0
