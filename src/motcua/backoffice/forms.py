"""Forms of the back office: the queue search and the note sent with an action (with the
result's form when the result is issued)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.agencies.selectors import active_agencies, officers_with_role
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.steps import next_step
from motcua.dossiers.workflow import ASSIGNING, NOTE_REQUIRED
from motcua.results.services import RESULT_GENERATED, RESULT_PAPER, RESULT_UPLOAD

RESULT_MODES = [
    (RESULT_GENERATED, _("Kết quả điện tử tạo từ mẫu, ký số")),
    (RESULT_UPLOAD, _("Tải lên tệp kết quả (PDF sẽ được ký số)")),
    (RESULT_PAPER, _("Kết quả giấy (trả trực tiếp tại bộ phận một cửa)")),
]


class SearchForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), required=False, max_length=64)
    applicant = forms.CharField(label=_("Người nộp"), required=False, max_length=255)
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả trạng thái"))]
        + [c for c in Status.choices if c[0] != Status.DRAFT],
    )
    received_from = forms.DateField(
        label=_("Tiếp nhận từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = forms.DateField(
        label=_("đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


# Actions that end or hand away the dossier: shown as such and confirmed (the officer
# ticks a box stating they checked, and gives the reason the applicant will read).
DESTRUCTIVE = frozenset({"refuse", "refuse_intake", "transfer", "stop"})


class ActionForm(forms.Form):
    """The note of an action, plus what the action needs: the officer of the next step,
    the agency of a transfer and its share of days, the result document; a destructive
    action (``DESTRUCTIVE``) also needs its confirmation."""

    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, action: str, dossier: Dossier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action in DESTRUCTIVE:
            self.fields["confirm"] = forms.BooleanField(
                label=_(
                    "Tôi đã kiểm tra hồ sơ và xác nhận thực hiện; thao tác không hoàn tác được."
                ),
                error_messages={
                    "required": _("Vui lòng đánh dấu xác nhận trước khi thực hiện thao tác này.")
                },
            )
        if dossier is None:
            return
        if action in ASSIGNING:
            step = dossier.current_step if action == "assign" else next_step(dossier)
            if step is not None:
                self.fields["assignee"] = OfficerChoice(
                    label=_("Giao cho (%(step)s)") % {"step": step.name},
                    queryset=officers_with_role(dossier.agency, step.role),
                    required=action == "assign",
                    empty_label=_("— Chuyển cho đơn vị, chưa giao người cụ thể —"),
                )
        if action == "transfer":
            self.fields["agency"] = forms.ModelChoiceField(
                label=_("Cơ quan phối hợp (liên thông)"),
                queryset=active_agencies(timezone.localdate())
                .exclude(pk=dossier.agency_id)
                .exclude(kind=Agency.Kind.UNIT)
                .order_by("name"),
            )
            self.fields["part_days"] = forms.IntegerField(
                label=_("Số ngày làm việc giao cho cơ quan phối hợp"),
                min_value=1,
                max_value=365,
                required=False,
                help_text=_("Để trống: số ngày còn lại đến hạn trả kết quả."),
            )
        if action == "issue_result":
            self.fields["result_mode"] = forms.ChoiceField(
                label=_("Hình thức kết quả"),
                choices=RESULT_MODES,
                initial=RESULT_GENERATED,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields["result_file"] = forms.FileField(
                label=_("Tệp kết quả (PDF, JPG, PNG; tối đa 10 MB)"),
                required=False,
                help_text=_("Chỉ khi chọn tải lên tệp kết quả. Tệp PDF được ký số tự động."),
            )
        if action == "request_supplement":
            self._supplement_fields(dossier)
        if action == "provide_supplement":
            self.fields["supplement_file"] = forms.FileField(
                label=_("Tài liệu bổ sung nhận tại quầy (không bắt buộc)"), required=False
            )

    def _supplement_fields(self, dossier: Dossier) -> None:
        """Form 02 (Circular 03/2025/TT-VPCP): every missing or wrong component, each with
        its reason, plus free items — everything in one request."""
        self.components = list(dossier.procedure_version.components.order_by("position"))
        self.fields["components"] = forms.MultipleChoiceField(
            label=_("Thành phần hồ sơ cần bổ sung, hoàn thiện"),
            choices=[(str(c.pk), c.name) for c in self.components],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for component in self.components:
            self.fields[f"reason_{component.pk}"] = forms.CharField(
                label=_("Lý do (%(name)s)") % {"name": component.name},
                required=False,
                max_length=1000,
            )
        self.fields["other_items"] = forms.CharField(
            label=_("Nội dung khác cần bổ sung (mỗi dòng: nội dung: lý do)"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def _supplement_items(self, data: dict) -> list[dict]:
        items = []
        for pk in data.get("components") or []:
            reason = (data.get(f"reason_{pk}") or "").strip()
            if not reason:
                self.add_error(f"reason_{pk}", _("Vui lòng ghi lý do cần bổ sung thành phần này."))
            items.append({"component": int(pk), "reason": reason})
        for line in (data.get("other_items") or "").splitlines():
            if not line.strip():
                continue
            label, _sep, reason = line.partition(":")
            if not reason.strip():
                self.add_error(
                    "other_items",
                    _("Mỗi dòng ghi “nội dung: lý do”, ví dụ “Giấy ủy quyền: nộp thay”."),
                )
            items.append({"component": None, "label": label.strip(), "reason": reason.strip()})
        return items

    def changes(self) -> dict:
        """The keyword arguments of ``transition`` besides the note."""
        data = self.cleaned_data
        changes = {}
        if self.action == "request_supplement" and data.get("supplement_items"):
            changes["supplement_items"] = data["supplement_items"]
        if "assignee" in self.fields and (data.get("assignee") or self.action == "assign"):
            changes["assignee"] = data.get("assignee")
        if self.action == "transfer":
            changes["agency"] = data["agency"]
            changes["part_days"] = data.get("part_days")
        return changes

    def clean(self) -> dict:
        data = super().clean()
        if self.action == "request_supplement" and "components" in self.fields:
            data["supplement_items"] = self._supplement_items(data)
            if not data["supplement_items"] and not data.get("note"):
                self.add_error(
                    "note", _("Vui lòng liệt kê đầy đủ các nội dung cần bổ sung, hoàn thiện.")
                )
        if self.action == "issue_result":
            upload = data.get("result_file")
            # A form posted without the choice (older screens, scripts) means: the file
            # sent, or else the generated result.
            mode = data.get("result_mode") or (RESULT_UPLOAD if upload else RESULT_GENERATED)
            data["result_mode"] = mode
            if mode == RESULT_UPLOAD and not upload:
                self.add_error(
                    "result_file", _("Vui lòng chọn tệp kết quả để tải lên (PDF, JPG hoặc PNG).")
                )
            elif mode != RESULT_UPLOAD and upload:
                self.add_error(
                    "result_file",
                    _(
                        "Đã chọn tệp nhưng hình thức kết quả không phải “tải lên tệp kết quả”. "
                        "Hãy chọn lại hình thức hoặc bỏ tệp đã chọn."
                    ),
                )
        return data

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if self.action == "request_supplement":
            return note  # the items list what is missing; the note is guidance (clean)
        if self.action in NOTE_REQUIRED and not note:
            raise forms.ValidationError(
                _("Vui lòng ghi rõ lý do trước khi thực hiện thao tác này; người nộp sẽ nhận được.")
            )
        return note


class ApologyDraftForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do chậm giải quyết"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_date = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Để trống: hệ thống đề xuất theo thời gian các bước còn lại."),
    )


class ApologyDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Duyệt và gửi")), ("cancel", _("Hủy dự thảo"))]
    )
    new_date = forms.DateField(
        label=_("Ngày hẹn trả mới (nếu đổi)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
