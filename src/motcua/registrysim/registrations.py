"""Writing results back: births, deaths, marriages and household businesses.

``register(registry, action, reference, payload)`` is what
``POST /mo-phong/csdl/<registry>/dang-ky/<action>/`` runs. It is idempotent by
``reference`` (the dossier code): the first request creates the records and stores
its payload and answer in a ``Registration`` row. A later request with the same
action, reference and payload returns that answer and writes nothing; one with a
different payload (the dossier was corrected) *amends* the registration: the records
it created are updated in place, keeping their identifiers (the child's personal ID,
the business code), and the answer says ``"amended": true``. Bad input raises
``django.core.exceptions.ValidationError`` with Vietnamese messages; an existing
person whose name or birth date does not match the personal ID given for them raises
``Mismatch`` (a ValidationError). Either way nothing is written.

Every existing person is named by a personal ID and, beside it, the full name (and
optionally the birth date) the dossier gives for them, checked against the registry:
``<prefix>personal_id``, ``<prefix>full_name``, ``<prefix>birth_date`` with the
prefixes ``mother_``, ``father_``, ``husband_``, ``wife_``, ``owner_`` and none for the
deceased. Payloads (dates ``YYYY-MM-DD``, personal IDs 12 digits):

- ``register_birth``: ``{"child": {"full_name", "birth_date", "sex", "ethnicity",
  "nationality", "residence"}, "mother_personal_id", "mother_full_name",
  "mother_birth_date", "father_…", "registered_on", "authority", "province_code"}``
  → ``{"personal_id", "household_id", ...}``. The child gets a new personal ID, its
  parents, and its mother's household (the father's when the mother is unknown).
- ``register_death``: ``{"personal_id", "full_name", "birth_date", "date_of_death",
  "registered_on", "authority"}`` → ``{"personal_id", "deceased_on"}``.
- ``register_marriage``: ``{"husband_personal_id", "husband_full_name", …,
  "wife_personal_id", "wife_full_name", …, "registered_on", "authority"}`` → both IDs.
- ``register_household_business``: ``{"name", "owner_personal_id",
  "owner_full_name", "owner_birth_date", "address" (text or ``{"province",
  "commune", "detail"}``), "business_lines", "capital_vnd", "registered_on"}`` →
  ``{"business_code", "tax_code", "name"}``.

Decision data such as ``register_number``, ``book`` and ``page`` is kept in the
stored payload.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Business,
    CivilStatusEvent,
    Gender,
    Person,
    Registration,
    Registry,
    Relation,
)
from .services import residence_fields

Action = Registration.Action

# Which registries accept which writes (the civil-status and population registries
# share their people in the simulator).
ACTION_REGISTRIES = {
    Action.BIRTH: {Registry.POPULATION, Registry.CIVIL_STATUS},
    Action.DEATH: {Registry.POPULATION, Registry.CIVIL_STATUS},
    Action.MARRIAGE: {Registry.POPULATION, Registry.CIVIL_STATUS},
    Action.HOUSEHOLD_BUSINESS: {Registry.BUSINESS},
}
PROVINCE_CODE_RE = re.compile(r"^\d{3}$")
DEFAULT_PROVINCE_CODE = "027"  # Bắc Ninh, the demo province
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def century_sex_digit(sex: str, year: int) -> int:
    """Thông tư 59/2021/TT-BCA art. 7: 0/1 for a man/woman born 1900–1999, 2/3 for
    2000–2099, 4/5 for 2100–2199, and so on."""
    century = year // 100 - 19
    if not 0 <= century <= 4:
        raise ValidationError(_("Năm sinh nằm ngoài khoảng mà số định danh cá nhân mã hóa được."))
    return century * 2 + (0 if sex == Gender.MALE else 1)


def new_personal_id(province_code: str, sex: str, birth_date: dt.date) -> str:
    """A new 12-digit personal ID: province (3), century/sex (1), year (2), random (6)."""
    prefix = f"{province_code}{century_sex_digit(sex, birth_date.year)}{birth_date.year % 100:02d}"
    for _attempt in range(100):
        candidate = f"{prefix}{secrets.randbelow(10**6):06d}"
        if not Person.objects.filter(personal_id=candidate).exists():
            return candidate
    raise ValidationError(_("Không cấp được số định danh cá nhân mới; hãy thử lại."))


def new_tax_code() -> str:
    """A new 10-digit tax code with its check digit (personal codes begin with 8)."""
    while True:
        first_nine = "8" + f"{secrets.randbelow(10**8):08d}"
        check = 10 - sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
        if check == 10:
            continue
        code = first_nine + str(check % 10)
        if not Business.objects.filter(tax_code=code).exists():
            return code


def _text(payload: dict, name: str, label: str, *, required: bool = True, limit: int = 300) -> str:
    value = payload.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValidationError(_("Thiếu “%(label)s”.") % {"label": label})
    return value[:limit]


def _date(payload: dict, name: str, label: str, *, required: bool = True) -> dt.date | None:
    value = payload.get(name)
    if value in (None, ""):
        if required:
            raise ValidationError(_("Thiếu “%(label)s”.") % {"label": label})
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(
            _("“%(label)s” phải là ngày dạng YYYY-MM-DD.") % {"label": label}
        ) from exc


class Mismatch(ValidationError):
    """A personal ID that exists but names someone else (the name or birth date differs)."""


def _same_name(a: str, b: str) -> bool:
    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).split()).casefold()

    return norm(a) == norm(b)


def _person(payload: dict, prefix: str, label: str, *, required: bool = True) -> Person | None:
    """The existing person named by ``<prefix>personal_id``, checked against the name
    (required) and birth date (when given) the payload gives for them."""
    personal_id = _text(payload, f"{prefix}personal_id", label, required=required, limit=20)
    if not personal_id:
        return None
    person = Person.objects.select_for_update().filter(personal_id=personal_id).first()
    if person is None:
        raise ValidationError(
            _("Không có %(label)s (số định danh %(pid)s) trong CSDL quốc gia về dân cư.")
            % {"label": label, "pid": personal_id}
        )
    full_name = _text(payload, f"{prefix}full_name", "", required=False, limit=200)
    if not full_name:
        raise ValidationError(
            _("Thiếu họ, chữ đệm và tên của %(label)s để đối chiếu với số định danh cá nhân.")
            % {"label": label}
        )
    birth_date = payload.get(f"{prefix}birth_date")
    matches = _same_name(full_name, person.full_name)
    if matches and birth_date not in (None, ""):
        matches = str(birth_date).strip() == person.birth_date.isoformat()
    if not matches:
        raise Mismatch(
            _(
                "Số định danh cá nhân %(pid)s của %(label)s không khớp với họ tên/ngày sinh "
                "trong CSDL quốc gia về dân cư."
            )
            % {"pid": personal_id, "label": label}
        )
    return person


def _event_values(payload: dict) -> dict[str, Any]:
    registered_on = _date(payload, "registered_on", _("ngày đăng ký"), required=False)
    return {
        "event_date": registered_on or timezone.localdate(),
        "authority": _text(payload, "authority", "", required=False, limit=200),
    }


def _event(person: Person, kind: str, reference: str, payload: dict, **extra) -> None:
    """Record (or, on an amendment, update) the civil-status event of ``reference``."""
    event = CivilStatusEvent.objects.filter(
        person=person, kind=kind, reference=reference[:50]
    ).first() or CivilStatusEvent(person=person, kind=kind, reference=reference[:50])
    values = _event_values(payload)
    if event.pk and not payload.get("registered_on"):
        del values["event_date"]  # an amendment without a date keeps the first one
    for name, value in {**values, **extra}.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()


def _child_relation(parent: Person) -> str:
    if parent.relation_to_head in (Relation.HEAD, Relation.WIFE, Relation.HUSBAND):
        return Relation.CHILD
    if parent.relation_to_head == Relation.CHILD:
        return Relation.GRANDCHILD
    return Relation.OTHER


def _birth_answer(person: Person) -> dict[str, Any]:
    return {
        "personal_id": person.personal_id,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "household_id": person.household_id,
        "mother_personal_id": person.mother_id,
        "father_personal_id": person.father_id,
    }


def _write_birth(reference: str, payload: dict[str, Any], person: Person | None) -> dict:
    """Create the child (``person`` None) or update the child created earlier."""
    child = payload.get("child")
    if not isinstance(child, dict):
        raise ValidationError(_("Thiếu thông tin người được khai sinh."))
    full_name = " ".join(_text(child, "full_name", _("họ, chữ đệm và tên của trẻ")).split())
    birth_date = _date(child, "birth_date", _("ngày sinh của trẻ"))
    if birth_date > timezone.localdate():
        raise ValidationError(_("Ngày sinh của trẻ không được ở tương lai."))
    sex = _text(child, "sex", _("giới tính của trẻ"))
    if sex not in Gender.values:
        raise ValidationError(_("Giới tính của trẻ phải là “nam” hoặc “nu”."))
    mother = _person(payload, "mother_", _("người mẹ"), required=False)
    father = _person(payload, "father_", _("người cha"), required=False)
    if mother is None and father is None:
        raise ValidationError(_("Cần số định danh của người mẹ hoặc người cha."))
    for parent in (mother, father):
        if parent is not None and parent.birth_date >= birth_date:
            raise ValidationError(_("Ngày sinh của trẻ phải sau ngày sinh của cha, mẹ."))
    parent = mother or father
    if person is None:
        province_code = str(payload.get("province_code") or parent.personal_id[:3])
        if not PROVINCE_CODE_RE.match(province_code):
            province_code = DEFAULT_PROVINCE_CODE
        person = Person(personal_id=new_personal_id(province_code, sex, birth_date))
    person.full_name = full_name
    person.birth_date = birth_date
    person.gender = sex
    person.ethnicity = _text(child, "ethnicity", "", required=False, limit=50) or parent.ethnicity
    person.nationality = _text(child, "nationality", "", required=False, limit=100) or "Việt Nam"
    person.hometown = parent.hometown
    person.permanent_address = parent.permanent_address
    person.current_address = parent.current_address
    person.mother_id = mother.personal_id if mother else ""
    person.father_id = father.personal_id if father else ""
    person.household_id = parent.household_id
    person.relation_to_head = _child_relation(parent) if parent.household_id else ""
    residence = child.get("residence")
    if isinstance(residence, dict) and any(residence.values()):
        for name, value in residence_fields(residence).items():
            setattr(person, name, value)
    else:
        person.residence_province = parent.residence_province
        person.residence_commune = parent.residence_commune
        person.residence_detail = parent.residence_detail
    person.full_clean()
    person.save()
    _event(person, CivilStatusEvent.Kind.BIRTH, reference, payload)
    return _birth_answer(person)


def register_birth(reference: str, payload: dict[str, Any]) -> dict[str, Any]:
    return _write_birth(reference, payload, None)


def amend_birth(reference: str, payload: dict[str, Any], earlier: Registration) -> dict:
    """Update the child created by ``earlier``: same personal ID, the corrected data."""
    person = (
        Person.objects.select_for_update()
        .filter(personal_id=earlier.result.get("personal_id", ""))
        .first()
    )
    if person is None:  # removed from the registry since: register it again
        return _write_birth(reference, payload, None)
    return _write_birth(reference, payload, person)


def _undo_death(person: Person, reference: str) -> None:
    CivilStatusEvent.objects.filter(
        person=person, kind=CivilStatusEvent.Kind.DEATH, reference=reference[:50]
    ).delete()
    if not person.events.filter(kind=CivilStatusEvent.Kind.DEATH).exists():
        person.deceased_on = None
        person.save(update_fields=["deceased_on", "updated_at"])


def register_death(reference: str, payload: dict[str, Any]) -> dict[str, Any]:
    person = _person(payload, "", _("người chết"))
    died_on = _date(payload, "date_of_death", _("ngày chết"))
    if died_on > timezone.localdate() or died_on < person.birth_date:
        raise ValidationError(_("Ngày chết phải sau ngày sinh và không ở tương lai."))
    person.deceased_on = died_on
    person.save(update_fields=["deceased_on", "updated_at"])
    _event(person, CivilStatusEvent.Kind.DEATH, reference, payload)
    return {"personal_id": person.personal_id, "deceased_on": died_on.isoformat()}


def amend_death(reference: str, payload: dict[str, Any], earlier: Registration) -> dict:
    """Correct the death date; a corrected deceased's ID moves the death to them."""
    before = earlier.result.get("personal_id", "")
    if str(payload.get("personal_id") or "").strip() != before:
        previous = Person.objects.select_for_update().filter(personal_id=before).first()
        if previous is not None:
            _undo_death(previous, reference)
    return register_death(reference, payload)


def _undo_marriage(reference: str, husband_id: str, wife_id: str) -> None:
    for person_id, other_id in ((husband_id, wife_id), (wife_id, husband_id)):
        person = Person.objects.select_for_update().filter(personal_id=person_id).first()
        if person is None:
            continue
        CivilStatusEvent.objects.filter(
            person=person, kind=CivilStatusEvent.Kind.MARRIAGE, reference=reference[:50]
        ).delete()
        if person.spouse_id == other_id:
            person.spouse_id = ""
            person.save(update_fields=["spouse_id", "updated_at"])


def register_marriage(reference: str, payload: dict[str, Any]) -> dict[str, Any]:
    husband = _person(payload, "husband_", _("người chồng"))
    wife = _person(payload, "wife_", _("người vợ"))
    if husband.pk == wife.pk:
        raise ValidationError(_("Hai bên kết hôn phải là hai người khác nhau."))
    for person, other in ((husband, wife), (wife, husband)):
        if person.deceased_on is not None:
            raise ValidationError(
                _("%(name)s đã được đăng ký khai tử.") % {"name": person.full_name}
            )
        if person.spouse_id and person.spouse_id != other.personal_id:
            raise ValidationError(
                _("%(name)s đang có vợ/chồng theo CSDL hộ tịch.") % {"name": person.full_name}
            )
    for person, other in ((husband, wife), (wife, husband)):
        person.spouse_id = other.personal_id
        person.save(update_fields=["spouse_id", "updated_at"])
        _event(
            person,
            CivilStatusEvent.Kind.MARRIAGE,
            reference,
            payload,
            related_personal_id=other.personal_id,
        )
    return {"husband_personal_id": husband.personal_id, "wife_personal_id": wife.personal_id}


def amend_marriage(reference: str, payload: dict[str, Any], earlier: Registration) -> dict:
    """A corrected pair undoes the earlier spouse links, then links the new pair."""
    before = (
        earlier.result.get("husband_personal_id", ""),
        earlier.result.get("wife_personal_id", ""),
    )
    after = tuple(
        str(payload.get(key) or "").strip() for key in ("husband_personal_id", "wife_personal_id")
    )
    if after != before:
        _undo_marriage(reference, *before)
    return register_marriage(reference, payload)


def _address_text(value: Any) -> str:
    if isinstance(value, dict):
        parts = (value.get("detail"), value.get("commune"), value.get("province"))
        return ", ".join(str(p).strip() for p in parts if p and str(p).strip())
    return "" if value is None else str(value).strip()


def _write_household_business(payload: dict[str, Any], business: Business | None) -> dict:
    """Create the business (``business`` None) or update the one created earlier."""
    name = " ".join(_text(payload, "name", _("tên hộ kinh doanh"), limit=255).split())
    owner = _person(payload, "owner_", _("chủ hộ kinh doanh"))
    address = _address_text(payload.get("address"))[:300]
    if not address:
        raise ValidationError(_("Thiếu “địa điểm kinh doanh”."))
    capital = payload.get("capital_vnd")
    if capital in ("", None):
        capital = None
    elif not isinstance(capital, int) or isinstance(capital, bool) or capital < 0:
        raise ValidationError(_("Vốn kinh doanh phải là số đồng không âm."))
    if business is None:
        business = Business(tax_code=new_tax_code(), business_type=_("Hộ kinh doanh"))
    business.name = name
    business.head_office = address
    business.representative_personal_id = owner.personal_id
    business.registered_on = (
        _date(payload, "registered_on", _("ngày đăng ký"), required=False)
        or business.registered_on
        or timezone.localdate()
    )
    business.charter_capital_vnd = capital
    business.full_clean()
    business.save()
    return {"business_code": business.tax_code, "tax_code": business.tax_code, "name": name}


def register_household_business(reference: str, payload: dict[str, Any]) -> dict[str, Any]:
    return _write_household_business(payload, None)


def amend_household_business(reference: str, payload: dict[str, Any], earlier: Registration):
    """Update the business created by ``earlier``: same code, the corrected data."""
    business = (
        Business.objects.select_for_update()
        .filter(tax_code=earlier.result.get("business_code", ""))
        .first()
    )
    return _write_household_business(payload, business)


HANDLERS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    Action.BIRTH: register_birth,
    Action.DEATH: register_death,
    Action.MARRIAGE: register_marriage,
    Action.HOUSEHOLD_BUSINESS: register_household_business,
}
AMENDERS: dict[str, Callable[[str, dict[str, Any], Registration], dict[str, Any]]] = {
    Action.BIRTH: amend_birth,
    Action.DEATH: amend_death,
    Action.MARRIAGE: amend_marriage,
    Action.HOUSEHOLD_BUSINESS: amend_household_business,
}


class Outcome:
    """What ``register`` did."""

    CREATED = "created"
    UNCHANGED = "unchanged"  # same reference, same payload: the stored answer
    AMENDED = "amended"  # same reference, new payload: the records were updated


def accepts(registry: str, action: str) -> bool:
    """Whether ``registry`` takes the write ``action``."""
    return registry in ACTION_REGISTRIES.get(action, ())


def _amend(action: str, reference: str, payload: dict[str, Any]) -> tuple[dict, str]:
    with transaction.atomic():
        earlier = (
            Registration.objects.select_for_update()
            .filter(action=action, reference=reference)
            .get()
        )
        if earlier.payload == payload:
            return earlier.result, Outcome.UNCHANGED
        result = AMENDERS[action](reference, payload, earlier)
        earlier.payload, earlier.result = payload, result
        earlier.amendments += 1
        earlier.save(update_fields=["payload", "result", "amendments", "updated_at"])
    return result, Outcome.AMENDED


def register(
    registry: str, action: str, reference: str, payload: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Run ``action`` for ``reference``; returns ``(result, outcome)`` (an ``Outcome``).

    A reference already used for ``action`` returns the stored result when the payload
    is the same, and amends the registration (same identifiers) when it differs.
    Raises ValidationError (Vietnamese) on bad input, Mismatch when a personal ID does
    not match the name or birth date given for that person; nothing is written then.
    """
    if not accepts(registry, action):
        raise ValidationError(
            _("%(registry)s không nhận nghiệp vụ “%(action)s”.")
            % {"registry": Registry(registry).label, "action": action}
        )
    reference = str(reference or "").strip()
    if not reference or len(reference) > 64:
        raise ValidationError(_("Thiếu mã tham chiếu (mã hồ sơ, tối đa 64 ký tự)."))
    if not isinstance(payload, dict):
        raise ValidationError(_("Dữ liệu gửi đến phải là một đối tượng JSON."))
    if Registration.objects.filter(action=action, reference=reference).exists():
        return _amend(action, reference, payload)
    try:
        with transaction.atomic():
            result = HANDLERS[action](reference, payload)
            Registration.objects.create(
                action=action,
                reference=reference,
                registry=registry,
                payload=payload,
                result=result,
            )
    except IntegrityError:
        # A concurrent request with the same reference won: answer (or amend) after it.
        if not Registration.objects.filter(action=action, reference=reference).exists():
            raise
        return _amend(action, reference, payload)
    return result, Outcome.CREATED
