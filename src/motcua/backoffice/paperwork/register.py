"""Form 07, Sổ theo dõi hồ sơ (Circular 03/2025/TT-VPCP, Appendix I; form 06 of Circular
01/2018/TT-VPCP): the one-stop register of the dossiers received, one line each, with
the dates of receipt, appointment, hand-over to the settling unit, result and return.

The officer sees the dossiers of their agencies only (``backoffice.scope``), filtered by
period of receipt, agency, procedure, status and channel; the same rows are exported to
Excel (``motcua.lib.xlsx``) and printed as PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.agencies.models import Agency, Role
from motcua.agencies.selectors import descendant_ids
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Channel, Dossier, Status, StepRecord
from motcua.lib import xlsx

from .. import scope
from . import common
from .rendering import render_form

PAGE_SIZE = 50
PDF_LIMIT = 2000  # lines printed at most; the Excel file holds them all
COLUMNS = (
    gettext_lazy("TT"),
    gettext_lazy("Mã hồ sơ"),
    gettext_lazy("Tên thủ tục hành chính"),
    gettext_lazy("Số lượng hồ sơ (bộ)"),
    gettext_lazy("Tên cá nhân, tổ chức"),
    gettext_lazy("Địa chỉ, số điện thoại"),
    gettext_lazy("Cơ quan chủ trì giải quyết"),
    gettext_lazy("Nhận hồ sơ"),
    gettext_lazy("Hẹn trả kết quả"),
    gettext_lazy("Chuyển hồ sơ đến cơ quan giải quyết"),
    gettext_lazy("Nhận kết quả từ cơ quan giải quyết"),
    gettext_lazy("Trả kết quả cho cá nhân, tổ chức"),
    gettext_lazy("Ký nhận"),
    gettext_lazy("Ghi chú"),
)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _month_start() -> dt.date:
    return timezone.localdate().replace(day=1)


class RegisterFilter(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Tiếp nhận từ ngày"), required=False, widget=DATE_WIDGET
    )
    date_to = forms.DateField(label=gettext_lazy("đến ngày"), required=False, widget=DATE_WIDGET)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"), queryset=Agency.objects.none(), required=False
    )
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Thủ tục"), queryset=Procedure.objects.none(), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Kênh nộp"), required=False)

    def __init__(self, user, data=None):
        super().__init__(data)
        self.user = user
        agencies = Agency.objects.exclude(kind=Agency.Kind.UNIT)
        allowed = scope.officer_agencies(user) if user is not None else None
        if allowed is not None:
            agencies = agencies.filter(pk__in=allowed)
        self.fields["agency"].queryset = agencies.order_by("name")
        self.fields["procedure"].queryset = Procedure.objects.order_by("code")
        everyone = [("", _("Tất cả"))]
        self.fields["status"].choices = everyone + [
            c for c in Status.choices if c[0] not in (Status.DRAFT, Status.SUBMITTED)
        ]
        self.fields["channel"].choices = everyone + list(Channel.choices)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("date_from") or _month_start(), data.get("date_to") or timezone.localdate()

    def describe(self) -> str:
        start, end = self.period()
        parts = [
            _("Tiếp nhận từ %(a)s đến %(b)s") % {"a": f"{start:%d/%m/%Y}", "b": f"{end:%d/%m/%Y}"}
        ]
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        for name in ("agency", "procedure"):
            if data.get(name):
                parts.append(f"{self.fields[name].label}: {data[name]}")
        for name, choices in (("status", Status), ("channel", Channel)):
            if data.get(name):
                parts.append(f"{self.fields[name].label}: {choices(data[name]).label}")
        return "; ".join(parts)


def register_queryset(user, filters: RegisterFilter) -> QuerySet[Dossier]:
    """The received dossiers ``user`` may see (``None``: every dossier, for commands) that
    match ``filters``, in order of receipt."""
    start, end = filters.period()
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    base = scope.dossiers_for(user) if user is not None else Dossier.objects.all()
    qs = base.exclude(status=Status.DRAFT).filter(received_at__gte=since, received_at__lt=until)
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    if data.get("agency"):
        qs = qs.filter(agency_id__in=descendant_ids(data["agency"]))
    if data.get("procedure"):
        qs = qs.filter(procedure_version__procedure=data["procedure"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    desk_steps = StepRecord.objects.filter(role=Role.DESK_OFFICER).order_by("started_at", "pk")
    return (
        qs.select_related("applicant", "agency", "procedure_version__procedure")
        .prefetch_related(Prefetch("steps", queryset=desk_steps, to_attr="desk_steps"))
        .order_by("received_at", "pk")
    )


@dataclass
class RegisterRow:
    number: int
    dossier: Dossier
    values: list


def _moment(value) -> str:
    moment = common.local(value)
    return f"{moment:%H:%M %d/%m/%Y}" if moment else ""


def _handed_on(dossier: Dossier):
    """When the desk handed the dossier to the settling unit: its first desk step closed."""
    for record in getattr(dossier, "desk_steps", []):
        if record.finished_at:
            return record.finished_at
    return None


def row_values(dossier: Dossier) -> list:
    applicant = dossier.applicant
    due = (
        _moment(dossier.due_at)
        if dossier.due_at
        else (f"{dossier.due_date:%d/%m/%Y}" if dossier.due_date else "")
    )
    if dossier.appointment_date:
        due += " " + _("(hẹn lại %(d)s)") % {"d": f"{dossier.appointment_date:%d/%m/%Y}"}
    note = [dossier.get_status_display(), dossier.get_channel_display()]
    if dossier.result_delivery:
        note.append(dossier.get_result_delivery_display())
    return [
        dossier.code,
        dossier.procedure_version.name,
        1,
        applicant.name,
        ", ".join(p for p in (applicant.address, applicant.phone) if p),
        dossier.agency.name,
        _moment(dossier.received_at),
        due,
        _moment(_handed_on(dossier)),
        _moment(dossier.finished_at),
        _moment(dossier.returned_at),
        "",
        "; ".join(str(n) for n in note),
    ]


def rows(dossiers, start: int = 1) -> list[RegisterRow]:
    return [RegisterRow(start + i, d, row_values(d)) for i, d in enumerate(dossiers)]


def workbook_bytes(dossiers, description: str) -> bytes:
    book = xlsx.new_workbook()
    sheet = book.create_sheet(_("Sổ theo dõi hồ sơ"))
    xlsx.append_row(sheet, [_("SỔ THEO DÕI HỒ SƠ")])
    xlsx.append_row(sheet, [_("Mẫu số 07, Phụ lục I, Thông tư số 03/2025/TT-VPCP")])
    xlsx.append_row(sheet, [description])
    xlsx.append_row(sheet, [str(c) for c in COLUMNS])
    sheet.freeze_panes = "A5"
    for row in rows(dossiers.iterator(chunk_size=500)):
        xlsx.append_row(sheet, [row.number, *row.values])
    widths = (5, 24, 40, 8, 26, 30, 28, 16, 20, 16, 16, 16, 10, 30)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    return xlsx.to_bytes(book)


def header_for(agency: Agency | None) -> list[str]:
    """The register's top-left lines: the agency whose register it is, and its desk."""
    return [
        common.authority_name(agency, short=True) if agency is not None else "",
        _("BỘ PHẬN MỘT CỬA"),
    ]


def pdf_bytes(dossiers, description: str, agency: Agency | None) -> bytes:
    """The register as a landscape PDF: at most ``PDF_LIMIT`` lines (the Excel file has
    them all)."""
    lines = list(dossiers[: PDF_LIMIT + 1])
    context = {
        "rows": rows(lines[:PDF_LIMIT]),
        "truncated": len(lines) > PDF_LIMIT,
        "limit": PDF_LIMIT,
        "columns": COLUMNS,
        "description": description,
        "header": header_for(agency),
        "place_date": common.spoken_date(timezone.localdate()),
    }
    return render_form("backoffice/paperwork/register_pdf.html", context)


def register_agency(filters: RegisterFilter) -> Agency | None:
    """The agency named in the filters, else the only one the officer may choose."""
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    if data.get("agency"):
        return data["agency"]
    choices = list(filters.fields["agency"].queryset[:2])
    return choices[0] if len(choices) == 1 else None
