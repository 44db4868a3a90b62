"""The shapes of requests and answers (OpenAPI schemas), with their constraints."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema

from motcua.catalog.models import AuthorityLevel
from motcua.dossiers.models import Status
from motcua.dossiers.workflow import OFFICER_ACTIONS

StatusCode = Literal[tuple(value for value in Status.values if value != Status.DRAFT)]  # type: ignore[valid-type]
LevelCode = Literal[tuple(AuthorityLevel.values)]  # type: ignore[valid-type]
ActionCode = Literal[tuple(OFFICER_ACTIONS)]  # type: ignore[valid-type]
# An e-form value: a scalar, an object (a person or address block) or an array (a
# repeatable group, checkboxes); docs/EFORMS.md.
FormValue = Any


# --- Catalogue -------------------------------------------------------------------------


class SectorOut(Schema):
    id: int
    name: str


class AgencyOut(Schema):
    code: str
    name: str


class ProcedureSummary(Schema):
    code: str
    name: str
    sector: SectorOut
    level: str
    level_label: str
    service_level: str
    service_level_label: str
    processing_days: int = Field(..., description="the time limit's amount, in processing_unit")
    processing_unit: str = Field(
        ..., description="working_hours, working_days, calendar_days or months"
    )
    processing_time: str = Field(
        ..., description="the time limit as the law states it, e.g. '15 ngày làm việc'"
    )
    offered_online: bool


class ProcedureList(Schema):
    items: list[ProcedureSummary]
    next: str | None = Field(None, description="cursor of the next page; null on the last")
    corrections: dict[str, str] = Field(
        default_factory=dict, description="query words read as other words (typos)"
    )


class FeeOut(Schema):
    counter_vnd: int = Field(..., description="paid at the one-stop desk")
    online_vnd: int = Field(..., description="paid when filed online")
    policy: str
    policy_label: str
    legal_basis: str


class ComponentOut(Schema):
    id: int
    position: int
    name: str
    required: bool
    registry: str = Field(..., description="national database that supplies it instead")


class FormFieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[list[str]] | None = None
    source: str | None = None


class ProcedureFormOut(Schema):
    procedure: str = Field(..., description="procedure code")
    version: int
    definition: dict[str, Any] = Field(
        ..., description="the e-form definition (format motcua-eform/2, docs/EFORMS.md)"
    )
    json_schema_: dict[str, Any] = Field(
        ...,
        alias="json_schema",
        description="JSON Schema (draft 2020-12) of the form data, with the cross-field "
        "rules in `x-motcua-rules`",
    )


class StepOut(Schema):
    position: int
    name: str
    role: str
    days: float


class ProcedureDetail(ProcedureSummary):
    version: int
    description: str
    authority: str
    result_name: str
    fee: FeeOut
    components: list[ComponentOut]
    form: list[FormFieldOut]
    agencies: list[AgencyOut] = Field(..., description="where online dossiers are filed")
    steps: list[StepOut]


# --- Dossiers ---------------------------------------------------------------------------


class TimelineEntryOut(Schema):
    status_label: str
    action_label: str
    at: dt.datetime
    note: str


class AttachmentOut(Schema):
    id: uuid.UUID
    kind: str
    component_id: int | None
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class RatingOut(Schema):
    score: int
    comment: str
    rated_at: dt.datetime


class DossierSummary(Schema):
    id: uuid.UUID
    code: str | None
    status: str
    status_label: str
    procedure_code: str
    procedure_name: str
    agency: AgencyOut
    channel: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_date: dt.date | None


class DossierList(Schema):
    items: list[DossierSummary]
    next: str | None = Field(None, description="cursor of the next page; null on the last")


class DossierDetail(DossierSummary):
    lookup_secret: str | None = Field(None, description="printed on the receipt")
    fee_vnd: int | None
    fee_paid: bool
    fee_paid_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    expected_result_date: dt.date | None
    expected_is_estimate: bool
    form_data: dict[str, FormValue]
    locked_fields: dict[str, str] = Field(
        ..., description="field → national database that filled it (not editable)"
    )
    attachments: list[AttachmentOut]
    timeline: list[TimelineEntryOut]
    supplement_request: str | None
    rating: RatingOut | None
    result_available: bool
    result_delivery: str = Field(..., description="desk, post or electronic")
    delivery_address: dict[str, str] = Field(..., description="by post: where to")
    postage_vnd: int | None = Field(None, description="by post: the quoted postage")
    shipments: list[ShipmentOut] = Field(..., description="parcels of the result, newest first")
    actions: list[str] = Field(..., description="what the applicant may do now")


class ApplicantOut(Schema):
    kind: str
    name: str
    masked_identifier: str


class HistoryOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    note: str


class OfficerDossier(DossierSummary):
    applicant: ApplicantOut
    fee_vnd: int | None
    fee_paid: bool
    current_step: str | None
    assignee: str | None
    step_due_date: dt.date | None
    appointment_date: dt.date | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    form_data: dict[str, Any] = Field(
        ..., description="the form data (motcua-eform/2: blocks are objects, groups arrays)"
    )
    attachments: list[AttachmentOut]
    history: list[HistoryOut]
    actions: list[str] = Field(..., description="workflow actions the caller may do now")


class FormChangeOut(Schema):
    path: str = Field(..., description="data path, e.g. child.full_name, members.0.full_name")
    label: str
    before: Any = Field(None, description="the value before, as a reader sees it")
    after: Any = Field(None, description="the value after, as a reader sees it")


class FormRevisionOut(Schema):
    reason: Literal["submitted", "supplement", "counter"]
    reason_label: str
    created_at: dt.datetime
    created_by: str
    changes: list[FormChangeOut] = Field(
        ..., description="what this revision changed from the one before (the first: [])"
    )


class OfficerFormOut(Schema):
    definition: dict[str, Any] = Field(
        ..., description="the e-form definition (motcua-eform/2, docs/EFORMS.md)"
    )
    data: dict[str, Any] = Field(..., description="the form data as the applicant gave it")
    sources: dict[str, str] = Field(
        ..., description="data path → where the value came from (a national database, …)"
    )
    display: list[dict[str, Any]] = Field(
        ..., description="sections with their rows formatted for reading (eform.display)"
    )
    decision: dict[str, Any] = Field(
        ..., description="the assessment recorded by the specialist (decision fields)"
    )
    decision_display: list[dict[str, Any]]
    decision_open: bool = Field(..., description="whether the assessment may still be recorded")
    revisions: list[FormRevisionOut]


class DecisionIn(Schema):
    decision: dict[str, Any] = Field(
        ..., description="every decision value, by field name (replaces the recorded one)"
    )


class DeliveryAddressIn(Schema):
    recipient: str = Field(..., max_length=100, description="who receives the result")
    phone: str = Field(..., max_length=20, description="a Vietnamese phone number")
    street: str = Field(..., max_length=200, description="house number, street, hamlet")
    province: str = Field(..., max_length=120, description="a current province (code list)")
    commune: str = Field(..., max_length=120, description="a commune of that province")


class DeliveryIn(Schema):
    """How the applicant receives the result (Decree 118/2025/NĐ-CP Art. 15)."""

    method: Literal["desk", "post", "electronic"] = Field(
        ..., description="at the one-stop desk, by post, or electronically only"
    )
    address: DeliveryAddressIn | None = Field(None, description="required by post")


class ShipmentEventOut(Schema):
    status: str
    at: dt.datetime
    note: str


class ShipmentOut(Schema):
    tracking_number: str
    status: str = Field(..., description="created, picked_up, in_transit, delivered, returned")
    postage_vnd: int
    events: list[ShipmentEventOut]


class DraftIn(Schema):
    procedure: str = Field(..., min_length=1, max_length=40, description="procedure code")
    agency: str | None = Field(
        None, max_length=40, description="agency code; needed when several receive it"
    )
    form: dict[str, FormValue] = Field(default_factory=dict, description="e-form values")
    result_delivery: DeliveryIn | None = Field(None, description="default: at the desk")


class FormIn(Schema):
    form: dict[str, FormValue] = Field(..., description="every e-form value (replaces)")
    result_delivery: DeliveryIn | None = Field(None, description="left out: unchanged")


class WithdrawIn(Schema):
    reason: str = Field("", max_length=2000)


class StopIn(Schema):
    """The applicant's request to stop a received dossier (Decree 118/2025/NĐ-CP Art. 21)."""

    reason: str = Field(..., min_length=1, max_length=2000)


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class ActionIn(Schema):
    action: ActionCode
    note: str = Field("", max_length=2000, description="required for refusals, supplements")
    assignee: str | None = Field(None, max_length=150, description="officer's username")
    agency: str | None = Field(None, max_length=40, description="agency code (transfer)")
    part_days: int | None = Field(None, ge=1, le=365, description="transfer: its days")


# --- Public ----------------------------------------------------------------------------


class LookupIn(Schema):
    code: str = Field(..., min_length=1, max_length=64, description="the dossier code")
    secret: str = Field(..., min_length=1, max_length=16, description="the look-up code")


class LookupOut(Schema):
    code: str
    status: str
    status_label: str
    procedure_name: str
    agency: AgencyOut
    masked_identifier: str
    submitted_at: dt.datetime | None
    expected_result_date: dt.date | None
    expected_is_estimate: bool
    timeline: list[TimelineEntryOut]


# --- Payments and results ---------------------------------------------------------------


class PaymentOut(Schema):
    id: uuid.UUID
    status: str
    status_label: str
    online: bool
    gateway: str
    amount_vnd: int
    created_at: dt.datetime
    paid_at: dt.datetime | None
    receipt_number: str | None


class PaymentStarted(PaymentOut):
    redirect_url: str = Field(..., description="send the payer's browser here")


class PaymentList(Schema):
    items: list[PaymentOut]


class VerifiedDocumentOut(Schema):
    code: str = Field(..., description="the dossier code")
    number: str
    title: str
    procedure_name: str
    agency: str
    signer: str
    applicant: str = Field(..., description="a person's name masked")
    issued_at: dt.datetime
    status_label: str


class VerdictOut(Schema):
    valid: bool
    reasons: list[str] = Field(..., description="why the file is not valid")
    signer_name: str
    signed_at: dt.datetime | None
    sha256: str
    document: VerifiedDocumentOut | None
