"""The agent's small forms (the e-form itself is the portal's, see views)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import check_upload


class LookupForm(forms.Form):
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân của công dân (12 chữ số)"),
        max_length=12,
        min_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": _("Vui lòng nhập số định danh cá nhân của công dân."),
            "min_length": _("Số định danh cá nhân phải gồm đúng 12 chữ số."),
            "max_length": _("Số định danh cá nhân phải gồm đúng 12 chữ số."),
        },
    )


class ProcedureForm(forms.Form):
    """Step 1 of a filing: which procedure (the list of procedures offered online)."""

    thu_tuc = forms.TypedChoiceField(label=_("Thủ tục"), coerce=int)

    def __init__(self, *args, versions, online_only: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        mark = " – " + str(_("chỉ tiếp nhận trực tuyến"))
        self.fields["thu_tuc"].choices = [
            ("", _("— Chọn thủ tục —")),
            *(
                (
                    v.pk,
                    f"{v.procedure.code} – {v.name}"
                    + (mark if v.procedure_id in online_only else ""),
                )
                for v in versions
            ),
        ]


class StartForm(forms.Form):
    """Step 2: where the dossier is filed, for which authorising agency; ``token`` makes
    the creation idempotent."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    agency = forms.TypedChoiceField(
        label=_("Nơi nộp hồ sơ"),
        coerce=int,
        error_messages={"required": _("Vui lòng chọn nơi nộp hồ sơ.")},
    )
    for_agency = forms.TypedChoiceField(label=_("Nộp hộ theo ủy quyền của"), coerce=int)

    def __init__(self, *args, agencies, own_agencies, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies}
        self.own = {a.pk: a for a in own_agencies}
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        if len(agencies) != 1:
            self.fields["agency"].choices.insert(0, ("", _("— Chọn nơi nộp —")))
        self.fields["for_agency"].choices = [(a.pk, a.name) for a in own_agencies]

    def chosen_agency(self):
        return self.agencies[self.cleaned_data["agency"]]

    def chosen_for_agency(self):
        return self.own[self.cleaned_data["for_agency"]]


class UploadForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Chọn tệp (PDF, JPG, PNG)"),
        allow_empty_file=True,
        error_messages={"required": _("Vui lòng chọn một tệp để tải lên.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except DossierError as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        return upload


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã xác nhận (6 chữ số) công dân đọc cho bạn"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": _("Vui lòng nhập mã xác nhận."),
            "invalid": _("Mã xác nhận gồm 6 chữ số."),
        },
    )
