"""The counter-intake form: a paper dossier received at the one-stop desk."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Applicant, validate_personal_id, validate_tax_code
from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog.models import Procedure, ProcedureComponent, ProcedureVersion
from motcua.catalog.selectors import online_only_procedure_ids, own_version_ids, receivable_at
from motcua.dossiers.digitisation import ComponentScan, Handling, scan_refusal
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import check_upload
from motcua.search.selectors import search

from .intake_delivery import DeliveryChoiceMixin

ONLINE_ONLY_MARK = _("chỉ tiếp nhận trực tuyến")
SCAN_ERROR = _("Tệp phải là PDF, JPG hoặc PNG, tối đa 10 MB")
CROSS_MARK = _("tiếp nhận hộ %(agencies)s (phi địa giới)")
RETURN_AT_DESK, RETURN_AT_SETTLING = "desk", "settling"
PARENT_KINDS = {Agency.Kind.DEPARTMENT, Agency.Kind.COMMUNE}


def intake_agencies(user) -> list[Agency]:
    """Agencies where ``user`` may record counter dossiers.

    Those of their desk-officer memberships, plus the agency a unit works for when the
    membership is on a unit of it (never the agency above a separate agency: a ward's
    police records into the police, not into the ward).
    """
    if not user.is_authenticated:
        return []
    ids: set[int] = set()
    for membership in Membership.objects.filter(user=user, role=Role.DESK_OFFICER).select_related(
        "agency__parent"
    ):
        ids.add(membership.agency_id)
        home = membership.agency.home_agency
        if home.kind in PARENT_KINDS:
            ids.add(home.pk)
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def receivable_for_others(agencies) -> dict[int, list[Agency]]:
    """Version id → the agencies the desks of ``agencies`` receive it for today (the
    "phi địa giới" list, ``catalog.selectors.receivable_at``)."""
    today = timezone.localdate()
    found: dict[int, list[Agency]] = {}
    for desk in agencies:
        for item in receivable_at(desk, today):
            settling = found.setdefault(item.version.pk, [])
            if item.settling_agency not in settling:
                settling.append(item.settling_agency)
    return found


def procedure_choices(query: str = "", agencies=(), others=None) -> list[tuple[int, str]]:
    """The current versions the desks of ``agencies`` receive: their agencies' own (and
    those bound to no agency) and those of the "phi địa giới" list (``others``, marked
    with the settling agency); with ``query``, the procedure search's hits, best first
    (everyday words, no diacritics and typos work as on the portal). A procedure received
    online only at one of ``agencies`` today is marked (the desk refuses its paper dossier)."""
    versions = {
        v.pk: v
        for v in ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED,
            pk__in=Procedure.objects.values("current_version_id"),
        ).select_related("procedure")
    }
    if agencies:
        others = receivable_for_others(agencies) if others is None else others
        own = own_version_ids(agencies, list(versions.values()))
        versions = {pk: v for pk, v in versions.items() if pk in own or pk in others}
    else:
        own, others = set(versions), {}
    query = (query or "").strip()[:200]
    if query:
        ordered = [
            versions[h.version_id] for h in search(query, limit=20).hits if h.version_id in versions
        ]
    else:
        ordered = sorted(versions.values(), key=lambda v: v.procedure.code)
    online = online_only_procedure_ids(agencies, timezone.localdate()) if agencies else set()
    mark = " – " + str(ONLINE_ONLY_MARK)

    def label(v) -> str:
        text = f"{v.procedure.code} – {v.name}{mark if v.procedure_id in online else ''}"
        if v.pk not in own:
            names = ", ".join(a.name for a in others[v.pk])
            text += " – " + str(CROSS_MARK) % {"agencies": names}
        return text

    return [(v.pk, label(v)) for v in ordered]


class IntakeForm(DeliveryChoiceMixin):
    token = forms.UUIDField(widget=forms.HiddenInput)
    agency = forms.TypedChoiceField(label=_("Cơ quan tiếp nhận"), coerce=int)
    procedure = forms.TypedChoiceField(label=_("Thủ tục"), coerce=int)
    # Receipt regardless of administrative boundary (Decree 118/2025/NĐ-CP Art. 14).
    settling_agency = forms.TypedChoiceField(
        label=_("Cơ quan giải quyết"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Chỉ khi tiếp nhận hộ cơ quan khác theo danh mục phi địa giới."),
    )
    return_at = forms.ChoiceField(
        label=_("Nơi trả kết quả (hồ sơ tiếp nhận hộ)"),
        choices=[
            (RETURN_AT_DESK, _("Tại bộ phận một cửa nơi nộp hồ sơ")),
            (RETURN_AT_SETTLING, _("Tại cơ quan giải quyết")),
        ],
        initial=RETURN_AT_DESK,
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Người nộp là"),
        choices=Applicant.Kind.choices,
        initial=Applicant.Kind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Họ và tên / Tên tổ chức"), max_length=255)
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân (12 chữ số)"), max_length=12, required=False
    )
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=14, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    components = forms.TypedMultipleChoiceField(
        label=_("Thành phần hồ sơ đã nhận"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scan = forms.FileField(label=_("Bản quét hồ sơ (PDF, JPG, PNG)"), required=False)

    def __init__(self, *args, user, query: str = "", version_id: int | None = None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in intake_agencies(user)}
        self.fields["agency"].choices = [(pk, a.name) for pk, a in self.agencies.items()]
        agencies = list(self.agencies.values())
        self.others = receivable_for_others(agencies)
        choices = procedure_choices(query, agencies, self.others)
        if self.is_bound:
            # The posted version must stay selectable even if the filter would hide it.
            choices = procedure_choices("", agencies, self.others)
        self.fields["procedure"].choices = [("", _("— Chọn thủ tục —")), *choices]
        if self.is_bound:
            try:
                version_id = int(self.data.get("procedure") or 0) or None
                if version_id is not None and not 0 < version_id < 2**31:
                    version_id = None
            except ValueError:
                version_id = None
        if version_id:
            self.initial.setdefault("procedure", version_id)
        settling = self.others.get(version_id or 0, [])
        if not settling:
            settling = list({a.pk: a for v in self.others.values() for a in v}.values())
        self.fields["settling_agency"].choices = [
            ("", _("— Cơ quan tiếp nhận (thủ tục của cơ quan) —")),
            *[(a.pk, a.name) for a in settling],
        ]
        if not self.others:
            # No "phi địa giới" line for these desks: the fields would only be noise.
            del self.fields["settling_agency"]
            del self.fields["return_at"]
        self.component_objs = list(
            ProcedureComponent.objects.filter(version_id=version_id or 0).order_by("position")
        )
        self.fields["components"].choices = [(c.pk, c.name) for c in self.component_objs]
        # Per paper component: its own scan, what happens to the paper, and the desk's
        # check of the scan against the original (Circular 03/2025/TT-VPCP Art. 5).
        for c in self.component_objs:
            self.fields[f"scan_{c.pk}"] = forms.FileField(label=_("Bản quét"), required=False)
            self.fields[f"handling_{c.pk}"] = forms.ChoiceField(
                label=_("Giấy tờ"),
                choices=Handling.choices,
                initial=Handling.KEPT,
                required=False,
            )
            self.fields[f"digitised_{c.pk}"] = forms.BooleanField(
                label=_("Đã số hóa, đối chiếu bản chính"), required=False
            )

    def main_fields(self):
        """The visible fields but the per-component ones (shown in the components table)."""
        per_component = ("scan_", "handling_", "digitised_")
        return [f for f in self.visible_fields() if not f.name.startswith(per_component)]

    def component_rows(self):
        """(component, scan, handling, digitised) bound fields for the components table."""
        return [
            (c, self[f"scan_{c.pk}"], self[f"handling_{c.pk}"], self[f"digitised_{c.pk}"])
            for c in self.component_objs
        ]

    def component_scans(self) -> list[ComponentScan]:
        """The cleaned scans of the components, for ``receive_at_counter``."""
        data = self.cleaned_data
        return [
            ComponentScan(
                component=c,
                upload=data[f"scan_{c.pk}"],
                digitised=bool(data.get(f"digitised_{c.pk}")),
                handling=data.get(f"handling_{c.pk}") or Handling.KEPT,
            )
            for c in self.component_objs
            if data.get(f"scan_{c.pk}")
        ]

    def clean_personal_id(self) -> str:
        value = self.cleaned_data["personal_id"].strip()
        if value:
            validate_personal_id(value)
        return value

    def clean_tax_code(self) -> str:
        value = self.cleaned_data["tax_code"].strip()
        if value:
            validate_tax_code(value)
        return value

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if upload:
            # The one content check for every upload (type by magic bytes, size).
            try:
                check_upload(upload)
            except DossierError:
                raise ValidationError(SCAN_ERROR, code="invalid_scan") from None
        return upload

    def _clean_component_scans(self, data) -> None:
        received = set(data.get("components") or [])
        for c in self.component_objs:
            scan_field = f"scan_{c.pk}"
            upload, digitised = data.get(scan_field), bool(data.get(f"digitised_{c.pk}"))
            if not upload and not digitised:
                continue
            handling = data.get(f"handling_{c.pk}") or Handling.KEPT
            refusal = scan_refusal(ComponentScan(c, upload, digitised, handling))
            if refusal:
                self.add_error(scan_field, refusal)
            elif not upload:
                self.add_error(
                    scan_field,
                    _(
                        "Chỉ đánh dấu “Đã số hóa, đối chiếu bản chính” khi đã đính kèm bản "
                        "quét của “%(name)s”."
                    )
                    % {"name": c.name},
                )
            elif c.pk not in received:
                self.add_error(
                    scan_field,
                    _("Hãy đánh dấu “%(name)s” là đã nhận trước khi đính kèm bản quét.")
                    % {"name": c.name},
                )
            else:
                try:
                    check_upload(upload)  # the one content check for every upload
                except DossierError:
                    self.add_error(scan_field, SCAN_ERROR)

    def _clean_settling(self, data) -> None:
        """The agency that settles the dossier: the desk's own for its procedures, else
        one the "phi địa giới" list lets this desk receive for (chosen, or the only one)."""
        self.settling_obj = None
        desk, version_id = self.agencies.get(data.get("agency")), data.get("procedure")
        if desk is None or not version_id:
            return
        chosen = data.get("settling_agency")
        receivable = {
            r.settling_agency.pk: r.settling_agency
            for r in receivable_at(desk, timezone.localdate())
            if r.version.pk == version_id
        }
        if chosen is None:
            version = ProcedureVersion.objects.filter(pk=version_id)
            if own_version_ids([desk], list(version)):
                return
            if len(receivable) == 1:
                self.settling_obj = next(iter(receivable.values()))
                return
            if receivable:
                self.add_error(
                    "settling_agency", _("Vui lòng chọn cơ quan giải quyết hồ sơ tiếp nhận hộ.")
                )
                return
            self.add_error(
                "procedure",
                _(
                    "Bộ phận một cửa này không tiếp nhận thủ tục này: thủ tục không thuộc "
                    "cơ quan và không có trong danh mục tiếp nhận phi địa giới."
                ),
            )
            return
        if chosen not in receivable:
            self.add_error(
                "settling_agency",
                _(
                    "Danh mục phi địa giới không cho phép bộ phận này tiếp nhận thủ tục đã "
                    "chọn cho cơ quan này."
                ),
            )
            return
        self.settling_obj = receivable[chosen]

    def clean(self):
        data = super().clean()
        self._clean_settling(data)
        self._clean_component_scans(data)
        kind = data.get("kind")
        if kind == Applicant.Kind.PERSON and not data.get("personal_id"):
            if "personal_id" not in self.errors:
                self.add_error("personal_id", validate_personal_id_message())
        if kind == Applicant.Kind.BUSINESS and not data.get("tax_code"):
            if "tax_code" not in self.errors:
                self.add_error("tax_code", _("Vui lòng nhập mã số thuế của tổ chức."))
        return data

    @property
    def desk_obj(self) -> Agency:
        """The agency whose desk received the paper dossier."""
        return self.agencies[self.cleaned_data["agency"]]

    @property
    def agency_obj(self) -> Agency:
        """The agency that settles the dossier: the desk's own, or the one it receives for."""
        return self.settling_obj or self.desk_obj

    @property
    def return_agency_obj(self) -> Agency | None:
        """Where the result is handed back when received for another agency."""
        if self.settling_obj is None:
            return None
        if self.cleaned_data.get("return_at") == RETURN_AT_SETTLING:
            return self.settling_obj
        return self.desk_obj

    def version_obj(self) -> ProcedureVersion:
        return ProcedureVersion.objects.select_related("procedure").get(
            pk=self.cleaned_data["procedure"]
        )


def validate_personal_id_message() -> str:
    try:
        validate_personal_id("")
    except ValidationError as error:
        return error.messages[0]
    return ""
