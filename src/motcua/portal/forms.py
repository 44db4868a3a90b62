"""The small forms of the citizen pages (the e-form itself is in ``eforms``)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import check_upload


def checked_upload(upload):
    """``upload`` when its content is an accepted file; ValidationError (Vietnamese) if not."""
    try:
        check_upload(upload)
    except DossierError as exc:
        raise ValidationError(exc.message, code=exc.code) from None
    return upload


class StartForm(forms.Form):
    """Where to file the dossier; ``token`` makes the creation idempotent."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    agency = forms.TypedChoiceField(
        label=_("Nơi nộp hồ sơ"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn nơi nộp hồ sơ.")},
    )

    def __init__(self, *args, agencies, preselect=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies}
        self.fields["agency"].choices = [(a.pk, agency_label(a)) for a in agencies]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk
        elif preselect is not None:
            # The citizen's own commune (from their address), first and chosen.
            self.fields["agency"].initial = preselect.pk
        elif len(agencies) > 8:
            self.fields["agency"].widget = forms.Select()
            self.fields["agency"].choices = [
                ("", _("— Chọn nơi nộp —")),
                *self.fields["agency"].choices,
            ]

    def chosen_agency(self):
        return self.agencies[self.cleaned_data["agency"]]


def agency_label(agency) -> str:
    parent = agency.parent
    if parent is not None and agency.kind != agency.Kind.COMMUNE and parent.kind == "commune":
        return f"{agency.name} ({parent.name})"
    return agency.name


class UploadForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    # Empty files reach ``check_upload``, whose message names the file.
    file = forms.FileField(
        label=_("Chọn tệp (PDF, JPG, PNG)"),
        allow_empty_file=True,
        error_messages={"required": _("Vui lòng chọn một tệp để tải lên.")},
    )

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"])


class PickForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    document = forms.UUIDField(
        label=_("Giấy tờ trong kho dữ liệu"),
        error_messages={
            "required": _("Vui lòng chọn một giấy tờ trong kho dữ liệu."),
            "invalid": _("Vui lòng chọn một giấy tờ trong kho dữ liệu."),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [checked_upload(super(MultipleFileField, self).clean(f, initial)) for f in files]


class SupplementForm(forms.Form):
    """New files and/or documents from the person's data store, with an optional note."""

    files = MultipleFileField(
        label=_("Tải lên giấy tờ bổ sung (PDF, JPG, PNG; có thể chọn nhiều tệp)"),
        required=False,
        allow_empty_file=True,
    )
    documents = forms.MultipleChoiceField(
        label=_("Hoặc chọn giấy tờ có sẵn trong kho dữ liệu"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Ghi chú gửi cơ quan (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        documents=(),
        with_form=False,
        answers_changed=False,
        components=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # One file input per component the request asks for (id → label); each needs a
        # file before the supplement is sent (checked by ``answer_supplement``).
        self.components = dict(components or {})
        for pk, label in self.components.items():
            self.fields[f"component_{pk}"] = MultipleFileField(
                label=_("Tệp bổ sung cho: %(label)s") % {"label": label},
                required=False,
                allow_empty_file=True,
            )
        # Corrected e-form answers (``with_form``: the page shows the e-form) are a
        # supplement too: then no file is needed.
        self.with_form = with_form
        self.answers_changed = answers_changed
        self.documents = {str(d.public_id): d for d in documents}
        self.fields["documents"].choices = [(str(d.public_id), d.name) for d in documents]
        if not documents:
            del self.fields["documents"]

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and not self.answers_changed
            and not cleaned.get("files")
            and not cleaned.get("documents")
            and not any(self.component_files().values())
        ):
            if self.with_form:
                message = _(
                    "Vui lòng chọn ít nhất một tệp để bổ sung. Nếu chỉ cần sửa thông tin đã "
                    "khai, hãy sửa trong phần “Thông tin tờ khai”."
                )
            else:
                message = _("Vui lòng chọn ít nhất một tệp để bổ sung.")
            raise ValidationError(message, code="no_file")
        return cleaned

    def component_files(self) -> dict[int, list]:
        """The files given for each requested component (id → files)."""
        data = getattr(self, "cleaned_data", {})
        return {pk: data.get(f"component_{pk}") or [] for pk in self.components}

    def component_fields(self) -> list:
        return [self[f"component_{pk}"] for pk in self.components]

    def chosen_documents(self) -> list:
        return [self.documents[pk] for pk in self.cleaned_data.get("documents") or []]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StopForm(forms.Form):
    """The applicant's request to stop the processing (Decree 118/2025/NĐ-CP Art. 21)."""

    reason = forms.CharField(
        label=_("Lý do đề nghị dừng giải quyết"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do đề nghị dừng giải quyết hồ sơ.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã hiểu: hồ sơ sẽ dừng giải quyết và không thể khôi phục."),
        error_messages={"required": _("Vui lòng xác nhận trước khi gửi đề nghị.")},
    )


SCORES = [
    (5, _("5 – Rất hài lòng")),
    (4, _("4 – Hài lòng")),
    (3, _("3 – Bình thường")),
    (2, _("2 – Không hài lòng")),
    (1, _("1 – Rất không hài lòng")),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng của bạn"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn mức độ hài lòng từ 1 đến 5."),
            "invalid_choice": _("Vui lòng chọn mức độ hài lòng từ 1 đến 5."),
        },
    )
    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=64,
        error_messages={"required": _("Vui lòng nhập mã hồ sơ in trên biên nhận.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=16,
        error_messages={"required": _("Vui lòng nhập mã tra cứu in trên biên nhận.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
