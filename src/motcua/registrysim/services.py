"""Writing the simulator's data and behaviour.

The demo seeder and the tests load synthetic people, businesses and parcels through
the ``upsert_*`` functions; ``set_mode`` switches a registry between normal, slow,
down and flaky (the admin does the same). Every function validates with the
model's validators and raises ``django.core.exceptions.ValidationError`` (Vietnamese
messages) on bad input.
"""

from __future__ import annotations

import hmac
import math
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    SIMPLE_REGISTRIES,
    ApiKey,
    Business,
    CivilStatusEvent,
    LandParcel,
    Person,
    Registry,
    RegistryMode,
    RegistryRecord,
    hash_api_key,
)


def _upsert(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """Create or update one row found by ``lookup``, validating it first."""
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(**lookup).first() or model(**lookup)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
    return obj


def upsert_person(
    *,
    personal_id: str,
    full_name: str,
    birth_date: date | str,
    gender: str = "",
    permanent_address: str = "",
    current_address: str = "",
    hometown: str = "",
    ethnicity: str = "Kinh",
    nationality: str = "Việt Nam",
    phone: str = "",
    residence: dict[str, str] | None = None,
    father_id: str | None = None,
    mother_id: str | None = None,
    spouse_id: str | None = None,
    household_id: str | None = None,
    relation_to_head: str | None = None,
) -> Person:
    """Create or update the population-registry record of ``personal_id``.

    ``gender`` is ``"nam"``, ``"nu"`` or empty; ``birth_date`` a date or ``YYYY-MM-DD``.
    ``current_address`` defaults to the permanent address. ``residence`` is the
    structured permanent residence ``{"province", "commune", "detail"}``. The relation
    arguments (personal IDs, household number, ``Relation`` code) are left as they are
    when not given. Raises ValidationError.
    """
    values: dict[str, Any] = {
        "full_name": full_name,
        "birth_date": birth_date,
        "gender": gender,
        "permanent_address": permanent_address,
        "current_address": current_address or permanent_address,
        "hometown": hometown,
        "ethnicity": ethnicity,
        "nationality": nationality,
        "phone": phone,
    }
    if residence is not None:
        values.update(residence_fields(residence))
    optional = {
        "father_id": father_id,
        "mother_id": mother_id,
        "spouse_id": spouse_id,
        "household_id": household_id,
        "relation_to_head": relation_to_head,
    }
    values.update({name: value for name, value in optional.items() if value is not None})
    return _upsert(Person, {"personal_id": personal_id}, values)


def residence_fields(residence: dict[str, Any]) -> dict[str, str]:
    """The Person fields of a structured address ``{"province", "commune", "detail"}``."""
    if not isinstance(residence, dict):
        raise ValidationError(
            _("Nơi cư trú phải gồm tỉnh/thành phố, xã/phường và địa chỉ chi tiết.")
        )
    return {
        "residence_province": str(residence.get("province") or "")[:100],
        "residence_commune": str(residence.get("commune") or "")[:100],
        "residence_detail": str(residence.get("detail") or "")[:200],
    }


def add_civil_status_event(
    *,
    personal_id: str,
    kind: str,
    event_date: date | str,
    reference: str,
    authority: str = "",
    related_personal_id: str = "",
) -> CivilStatusEvent:
    """Record (or update, by ``reference``) a civil-status event of an existing person.

    ``kind`` is one of ``CivilStatusEvent.Kind`` (khai_sinh, ket_hon, ly_hon, khai_tu).
    Raises ValidationError when the person is not in the population registry.
    """
    person = Person.objects.filter(personal_id=personal_id).first()
    if person is None:
        raise ValidationError(
            _("Chưa có công dân với số định danh này trong CSDL dân cư mô phỏng.")
        )
    return _upsert(
        CivilStatusEvent,
        {"person": person, "kind": kind, "reference": reference},
        {
            "event_date": event_date,
            "authority": authority,
            "related_personal_id": related_personal_id,
        },
    )


def upsert_business(
    *,
    tax_code: str,
    name: str,
    head_office: str,
    representative_personal_id: str,
    business_type: str = "",
    registered_on: date | str | None = None,
    charter_capital_vnd: int | None = None,
    status: str = Business.Status.ACTIVE,
) -> Business:
    """Create or update the business-registry record of ``tax_code``.

    ``status`` is one of ``Business.Status`` (hoat_dong, tam_ngung, giai_the).
    Raises ValidationError.
    """
    return _upsert(
        Business,
        {"tax_code": tax_code},
        {
            "name": name,
            "head_office": head_office,
            "representative_personal_id": representative_personal_id,
            "business_type": business_type,
            "registered_on": registered_on,
            "charter_capital_vnd": charter_capital_vnd,
            "status": status,
        },
    )


def upsert_land_parcel(
    *,
    owner_id: str,
    map_sheet: str,
    parcel_number: str,
    address: str,
    area_m2: Decimal | int | str,
    land_use: str = "",
    certificate_number: str = "",
    certificate_issued_on: date | str | None = None,
) -> LandParcel:
    """Create or update the parcel at (``address``, ``map_sheet``, ``parcel_number``).

    ``owner_id`` is the holder's personal_id (12 digits) or a business's tax code.
    Raises ValidationError.
    """
    return _upsert(
        LandParcel,
        {"address": address, "map_sheet": map_sheet, "parcel_number": parcel_number},
        {
            "owner_id": owner_id,
            "area_m2": area_m2,
            "land_use": land_use,
            "certificate_number": certificate_number,
            "certificate_issued_on": certificate_issued_on,
        },
    )


def upsert_record(*, registry: str, subject: str, attributes: dict[str, Any]) -> RegistryRecord:
    """Create or replace the record of ``subject`` in a non-core registry.

    ``registry`` is bao_hiem, thue, y_te or hai_quan; ``attributes`` a flat dict of
    JSON values returned as they are. Raises ValidationError.
    """
    if registry not in SIMPLE_REGISTRIES:
        raise ValidationError(
            _("“%(registry)s” không phải CSDL bảo hiểm, thuế, y tế hoặc hải quan.")
            % {"registry": registry}
        )
    if not isinstance(attributes, dict):
        raise ValidationError(_("Thuộc tính của bản ghi phải là một từ điển."))
    return _upsert(
        RegistryRecord, {"registry": registry, "subject": subject}, {"attributes": attributes}
    )


def set_mode(
    registry: str,
    mode: str,
    *,
    latency_ms: int | None = None,
    failure_percent: int | None = None,
) -> RegistryMode:
    """Make ``registry`` behave as ``mode`` (normal, slow, down, flaky) from the next request.

    ``latency_ms`` overrides the configured delay of every answer; ``failure_percent``
    the share of failed answers when flaky. Raises ValidationError.
    """
    if registry not in Registry.values:
        raise ValidationError(_("Không có CSDL “%(registry)s”.") % {"registry": registry})
    return _upsert(
        RegistryMode,
        {"registry": registry},
        {"mode": mode, "latency_ms": latency_ms, "failure_percent": failure_percent},
    )


def create_api_key(name: str) -> tuple[ApiKey, str]:
    """Create a key for a client; returns the row and the raw key (shown only once)."""
    key = ApiKey(name=name)
    raw_key = key.set_new_key()
    key.full_clean()
    key.save()
    return key, raw_key


def authenticate(raw_key: str) -> bool:
    """Whether ``raw_key`` is a configured key or an active key created in the admin."""
    if not raw_key:
        return False
    for configured in settings.MOTCUA_REGISTRYSIM_API_KEYS:
        if hmac.compare_digest(raw_key.encode(), configured.encode()):
            return True
    updated = ApiKey.objects.filter(key_hash=hash_api_key(raw_key), is_active=True).update(
        last_used_at=timezone.now()
    )
    return updated > 0


@dataclass(frozen=True)
class Behaviour:
    """What the simulator does with one request: wait ``delay_s``, then fail or answer."""

    mode: str
    delay_s: float
    fails: bool


def _fails_now(count: int, percent: int) -> bool:
    # Spread failures evenly and reproducibly: request n fails when the running
    # total of failures due (n × percent / 100, rounded up) grows. 50 % fails the
    # 1st, 3rd, 5th… request, so a retry after a failure succeeds.
    return math.ceil(count * percent / 100) > math.ceil((count - 1) * percent / 100)


def register_request(registry: str) -> Behaviour:
    """Count one request to ``registry`` and decide how the simulator answers it."""
    row, _created = RegistryMode.objects.get_or_create(registry=registry)
    RegistryMode.objects.filter(pk=row.pk).update(request_count=F("request_count") + 1)
    row.refresh_from_db(fields=["mode", "latency_ms", "failure_percent", "request_count"])
    if row.mode == RegistryMode.Mode.SLOW:
        base_ms = (
            row.latency_ms if row.latency_ms is not None else settings.MOTCUA_REGISTRYSIM_SLOW_MS
        )
        return Behaviour(row.mode, base_ms / 1000, fails=False)
    base_ms = (
        row.latency_ms if row.latency_ms is not None else settings.MOTCUA_REGISTRYSIM_LATENCY_MS
    )
    delay_s = base_ms / 1000 * random.uniform(0.75, 1.25)  # noqa: S311 (jitter, not security)
    if row.mode == RegistryMode.Mode.DOWN:
        return Behaviour(row.mode, delay_s, fails=True)
    if row.mode == RegistryMode.Mode.FLAKY:
        percent = row.failure_percent
        if percent is None:
            percent = settings.MOTCUA_REGISTRYSIM_FLAKY_PERCENT
        return Behaviour(row.mode, delay_s, fails=_fails_now(row.request_count, percent))
    return Behaviour(row.mode, delay_s, fails=False)
