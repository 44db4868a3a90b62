"""Use cases that change the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Role
from motcua.agencies.selectors import (
    administered_agency_ids,
    is_superuser,
    nearest_common_agency_id,
)
from motcua.audit.services import record
from motcua.lib import refcache

from . import eform
from .eform import upgrade, validate_definition
from .formschema import default_schema
from .models import (
    VERSION_FIELDS,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessingUnit,
    ProcessStep,
    Sector,
)
from .selectors import may_edit_procedure, receiving_agency_ids


@dataclass
class ProcedureData:
    """Everything that defines one version of a procedure, independent of storage."""

    code: str
    name: str
    sector: str
    level: str
    authority: str
    processing_days: int
    fee_vnd: int
    service_level: str
    result_name: str
    not_fully_online_reason: str = ""
    processing_unit: str = ProcessingUnit.WORKING_DAYS  # what ``processing_days`` counts
    description: str = ""
    online_fee_policy: str = "none"
    online_fee_value: int = 0
    data_sources: list[str] = field(default_factory=list)
    supplement_days: int = 15  # working days (Decree 118/2025/NĐ-CP)
    close_when_supplement_expires: bool = False
    # Requests to complete the dossier allowed during processing (Decree 118/2025/NĐ-CP).
    supplement_requests_allowed: int = 1
    min_assurance: int = 1  # e-ID level required online (Decree 69/2024/NĐ-CP Art. 9)
    form_schema: dict[str, Any] | list[dict[str, Any]] | None = None  # legacy lists upgraded
    components: list[tuple[str, str]] = field(default_factory=list)  # (name, registry)
    steps: list[tuple[str, str, Decimal]] | None = None  # (name, role, days)

    def resolved_schema(self) -> dict[str, Any]:
        if self.form_schema is None:
            return default_schema(self.data_sources)
        return upgrade(self.form_schema)

    def resolved_steps(self) -> list[tuple[str, str, Decimal]]:
        return self.steps if self.steps is not None else default_steps(self.processing_days)


def default_steps(days: int) -> list[tuple[str, str, Decimal]]:
    """A typical internal process: receive, examine, approve, return (sums to ``days``)."""
    if days == 0:
        examine = approve = Decimal(0)
    elif days == 1:
        examine = approve = Decimal("0.5")
    else:
        examine, approve = Decimal(days - 1), Decimal(1)
    return [
        ("Tiếp nhận hồ sơ", Role.DESK_OFFICER, Decimal(0)),
        ("Thẩm định, xử lý hồ sơ", Role.SPECIALIST, examine),
        ("Phê duyệt kết quả", Role.LEADER, approve),
        ("Trả kết quả", Role.DESK_OFFICER, Decimal(0)),
    ]


def version_signature(version: ProcedureVersion) -> dict[str, Any]:
    """A comparable snapshot of a stored version (used to make imports idempotent)."""
    snapshot = {name: getattr(version, name) for name in VERSION_FIELDS}
    snapshot["sector"] = version.sector.name
    snapshot["components"] = [(c.name, c.registry) for c in version.components.order_by("position")]
    snapshot["steps"] = [
        (s.name, s.role, Decimal(s.days)) for s in version.steps.order_by("position")
    ]
    return snapshot


def data_signature(data: ProcedureData) -> dict[str, Any]:
    snapshot = {name: getattr(data, name) for name in VERSION_FIELDS if name != "form_schema"}
    snapshot["form_schema"] = data.resolved_schema()
    snapshot["sector"] = data.sector
    snapshot["components"] = list(data.components)
    snapshot["steps"] = [(n, str(r), Decimal(d)) for n, r, d in data.resolved_steps()]
    return snapshot


@transaction.atomic
def save_procedure(
    data: ProcedureData, *, by=None, publish: bool = True
) -> tuple[ProcedureVersion, bool]:
    """Create the procedure or a new version of it when ``data`` differs from the current one.

    Returns ``(version, created)``; an identical import changes nothing.
    Raises ValidationError when the e-form schema is invalid.
    """
    validate_definition(data.resolved_schema())
    procedure, _ = Procedure.objects.select_for_update().get_or_create(code=data.code)
    current = procedure.current_version
    if current is not None and version_signature(current) == data_signature(data):
        return current, False
    sector, _ = Sector.objects.get_or_create(name=data.sector)
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        sector=sector,
        created_by=by,
        **{name: getattr(data, name) for name in VERSION_FIELDS if name != "form_schema"},
        form_schema=data.resolved_schema(),
    )
    ProcedureComponent.objects.bulk_create(
        ProcedureComponent(version=version, position=i, name=name, registry=registry)
        for i, (name, registry) in enumerate(data.components, start=1)
    )
    refcache.bump()  # bulk_create sends no post_save
    ProcessStep.objects.bulk_create(
        ProcessStep(version=version, position=i, name=name, role=role, days=days)
        for i, (name, role, days) in enumerate(data.resolved_steps(), start=1)
    )
    if current is not None:
        # The implementing agencies are not part of the imported data: keep them.
        version.agencies.set(current.agencies.all())
    if publish:
        publish_version(version, by=by)
    return version, True


def check_may_edit(by, procedure: Procedure) -> None:
    """Refuse ``by`` (an agency administrator) a procedure that is not theirs to edit.

    The system (``by=None``: imports, the demo seed) and superusers may edit any.
    Raises PermissionDenied (see ``selectors.editable_procedures``).
    """
    if by is None or is_superuser(by):
        return
    if not may_edit_procedure(by, procedure):
        raise PermissionDenied(
            _(
                "Bạn chỉ được sửa thủ tục {code} nếu cơ quan mình quản trị là cơ quan quản lý "
                "hoặc được giao thực hiện thủ tục này (và không có cơ quan nào khác)."
            ).format(code=procedure.code)
        )


# Version fields whose old and new values a publication's audit record carries.
AUDITED_CHANGES = tuple(f for f in VERSION_FIELDS if f not in ("description", "form_schema"))


def _changes(previous: ProcedureVersion | None, version: ProcedureVersion) -> dict[str, Any]:
    if previous is None or previous.pk == version.pk:
        return {}
    old, new = version_signature(previous), version_signature(version)
    changed = sorted(name for name in new if old.get(name) != new[name])
    short = {name: [old[name], new[name]] for name in changed if name in AUDITED_CHANGES}
    return {"changed": changed, "changes": short}


def _codes(agency_ids: set[int]) -> list[str]:
    return sorted(Agency.objects.filter(pk__in=agency_ids).values_list("code", flat=True))


@transaction.atomic
def publish_version(version: ProcedureVersion, *, by=None) -> ProcedureVersion:
    """Make ``version`` the one new dossiers are filed under; the previous one is superseded.

    Raises PermissionDenied when ``by`` may not edit the procedure or chose a receiving
    agency outside their agencies, ValidationError when the version would leave a
    procedure that had receiving agencies without any (online filing would stop) or its
    e-form is invalid. The audit record names the agency that owns the procedure: the
    nearest agency above every receiving agency, before and after.
    """
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    check_may_edit(by, procedure)
    validate_definition(version.form_schema)
    previous = (
        ProcedureVersion.objects.filter(pk=procedure.current_version_id).first()
        if procedure.current_version_id
        else None
    )
    before, after = receiving_agency_ids(previous), receiving_agency_ids(version)
    if by is not None and not is_superuser(by) and not after <= administered_agency_ids(by):
        raise PermissionDenied(
            _("Chỉ được giao thủ tục cho cơ quan mình quản trị và các đơn vị trực thuộc.")
        )
    if before and not after:
        raise ValidationError(
            _(
                "Không thể công bố phiên bản {number} của thủ tục {code}: phiên bản không có "
                "cơ quan tiếp nhận hồ sơ nào nên người dân sẽ không nộp được hồ sơ. Hãy chọn ít "
                "nhất một “cơ quan thực hiện cụ thể” rồi công bố lại."
            ).format(number=version.number, code=procedure.code)
        )
    previous_id = procedure.current_version_id
    if procedure.current_version_id and procedure.current_version_id != version.pk:
        ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(
            status=ProcedureVersion.Status.SUPERSEDED
        )
        refcache.bump()  # .update() sends no post_save
    version.status = ProcedureVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    data = {
        "procedure": procedure.code,
        "number": version.number,
        "superseded_id": previous_id,
        "agencies": _codes(after),
        "removed_agencies": _codes(before - after),
        **_changes(previous, version),
    }
    record(
        "catalog.publish",
        actor=by,
        obj=version,
        agency_id=nearest_common_agency_id(before | after),
        data=data,
    )
    return version


@transaction.atomic
def new_draft_version(procedure: Procedure, *, by=None) -> ProcedureVersion:
    """Copy the current version into a new draft that an administrator can edit.

    Raises PermissionDenied when ``by`` may not edit the procedure (``check_may_edit``).
    The audit record names the agency that owns the procedure (see ``publish_version``).
    """
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    check_may_edit(by, procedure)
    source = procedure.current_version or procedure.versions.order_by("-number").first()
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        sector=source.sector,
        created_by=by,
        **{name: getattr(source, name) for name in VERSION_FIELDS},
    )
    draft.agencies.set(source.agencies.all())
    ProcedureComponent.objects.bulk_create(
        ProcedureComponent(
            version=draft,
            position=c.position,
            name=c.name,
            required=c.required,
            registry=c.registry,
        )
        for c in source.components.all()
    )
    refcache.bump()  # bulk_create sends no post_save
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=draft,
            position=s.position,
            name=s.name,
            role=s.role,
            unit_name=s.unit_name,
            days=s.days,
        )
        for s in source.steps.all()
    )
    agencies = receiving_agency_ids(source)
    record(
        "catalog.new_draft",
        actor=by,
        obj=draft,
        agency_id=nearest_common_agency_id(agencies),
        data={"procedure": procedure.code, "number": draft.number, "from_id": source.pk},
    )
    return draft


def checked_definition(value: Any) -> dict[str, Any]:
    """The v2 e-form definition of ``value`` (a legacy list is upgraded).

    Raises ValidationError (Vietnamese, one message per problem) when it is not valid.
    """
    try:
        definition = eform.upgrade(value)
    except (TypeError, ValueError, KeyError, AttributeError):
        raise ValidationError(_("Biểu mẫu không đúng cấu trúc “motcua-eform/2”.")) from None
    eform.validate_definition(definition)
    return definition


@transaction.atomic
def replace_form(version: ProcedureVersion, definition: Any, *, by=None) -> ProcedureVersion:
    """Replace the e-form of a draft version (an import or the admin's editor).

    Raises PermissionDenied when ``by`` may not edit the procedure, ValidationError when
    the version is no longer a draft (a published form never changes: make a new
    version) or the definition is invalid.
    """
    locked = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    check_may_edit(by, locked.procedure)
    if locked.status != ProcedureVersion.Status.DRAFT:
        raise ValidationError(
            _(
                "Phiên bản {number} đã công bố nên biểu mẫu không sửa được; hãy tạo phiên bản "
                "mới để chỉnh sửa."
            ).format(number=locked.number)
        )
    locked.form_schema = checked_definition(definition)
    locked.save(update_fields=["form_schema"])
    version.form_schema = locked.form_schema
    record(
        "catalog.form",
        actor=by,
        obj=locked,
        agency_id=nearest_common_agency_id(receiving_agency_ids(locked)),
        data={"procedure": locked.procedure.code, "number": locked.number},
    )
    return locked
