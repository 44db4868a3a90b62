"""The forms of the PAKN pages (portal and back office)."""

from __future__ import annotations

import hmac

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Dossier
from motcua.dossiers.models import Status as DossierStatus

from .models import Kind, Subject
from .services import MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input, each checked by ``dossiers.files.check_upload``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("Chỉ gửi kèm tối đa %(n)d tệp.") % {"n": MAX_FILES})
        for upload in files:
            try:
                check_upload(upload)
            except DossierError as exc:
                raise ValidationError(exc.message, code=exc.code) from None
        return files


def _agency_choices():
    """The agencies of this instance (not their internal units), by name."""
    agencies = Agency.objects.exclude(kind=Agency.Kind.UNIT).order_by("name")
    return [("", _("— Chọn cơ quan —"))] + [(a.code, a.name) for a in agencies]


def _procedure_choices():
    procedures = Procedure.objects.filter(
        current_version__status=ProcedureVersion.Status.PUBLISHED
    ).select_related("current_version")
    return [("", _("— Chọn thủ tục —"))] + [
        (p.code, f"{p.current_version.name} ({p.code})") for p in procedures.order_by("code")
    ]


class FileFeedbackForm(forms.Form):
    """File a PAKN. ``applicant``: the signed-in citizen (their dossiers are offered and
    their contact is used); None: anonymous, a name and a phone or an e-mail required."""

    kind = forms.ChoiceField(
        label=_("Loại"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.FEEDBACK
    )
    subject = forms.ChoiceField(
        label=_("Phản ánh, kiến nghị về"),
        choices=Subject.choices,
        widget=forms.RadioSelect,
        initial=Subject.DOSSIER,
    )
    own_dossier = forms.ChoiceField(label=_("Hồ sơ của bạn"), required=False)
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ"),
        required=False,
        max_length=64,
        help_text=_("In trên giấy tiếp nhận, ví dụ: 000.00.01.H01-250101-0001."),
    )
    dossier_secret = forms.CharField(
        label=_("Mã tra cứu của hồ sơ"),
        required=False,
        max_length=16,
        help_text=_("In trên giấy tiếp nhận cùng mã hồ sơ."),
    )
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    agency = forms.ChoiceField(
        label=_("Cơ quan"),
        required=False,
        help_text=_("Với thủ tục do nhiều cơ quan thực hiện, hãy chọn cơ quan."),
    )
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    content = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    files = FilesField(
        label=_("Tệp đính kèm (không bắt buộc)"),
        help_text=_("PDF, JPG hoặc PNG, tối đa %(n)d tệp.") % {"n": MAX_FILES},
    )
    contact_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    contact_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)

    def __init__(self, *args, applicant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        self.fields["procedure"].choices = _procedure_choices()
        self.fields["agency"].choices = _agency_choices()
        if applicant is not None:
            dossiers = (
                Dossier.objects.filter(applicant=applicant)
                .exclude(status=DossierStatus.DRAFT)
                .select_related("procedure_version")
                .order_by("-submitted_at")[:50]
            )
            self.own = {str(d.public_id): d for d in dossiers}
            self.fields["own_dossier"].choices = [("", _("— Chọn hồ sơ —"))] + [
                (key, f"{d.code} – {d.procedure_version.name}") for key, d in self.own.items()
            ]
            self.fields["dossier_code"].help_text = _(
                "Hồ sơ không có trong danh sách: nhập mã hồ sơ và mã tra cứu."
            )
        else:
            self.own = {}
            del self.fields["own_dossier"]
            for name in ("contact_name",):
                self.fields[name].required = True

    def clean(self):
        data = super().clean()
        subject = data.get("subject")
        data["dossier"] = data["procedure_obj"] = data["agency_obj"] = None
        if data.get("agency"):
            data["agency_obj"] = Agency.objects.filter(code=data["agency"]).first()
        if subject == Subject.DOSSIER:
            chosen = data.get("own_dossier")
            if chosen and chosen in self.own:
                data["dossier"] = self.own[chosen]
            elif data.get("dossier_code"):
                data["dossier"] = self._dossier_by_secret(
                    data["dossier_code"], data.get("dossier_secret", "")
                )
            else:
                self.add_error(
                    "dossier_code" if not self.own else "own_dossier",
                    _("Hãy chọn hoặc nhập mã hồ sơ cần phản ánh."),
                )
        elif subject == Subject.PROCEDURE:
            code = data.get("procedure")
            data["procedure_obj"] = Procedure.objects.filter(code=code).first() if code else None
            if data["procedure_obj"] is None:
                self.add_error("procedure", _("Hãy chọn thủ tục cần phản ánh."))
        elif subject == Subject.AGENCY and data["agency_obj"] is None:
            self.add_error("agency", _("Hãy chọn cơ quan cần phản ánh."))
        if self.applicant is None and not (data.get("contact_phone") or data.get("contact_email")):
            self.add_error(
                "contact_phone",
                _("Hãy nhập số điện thoại hoặc thư điện tử để cơ quan trả lời bạn."),
            )
        return data

    def _dossier_by_secret(self, code: str, secret: str):
        dossier = (
            Dossier.objects.filter(code=code.strip().upper())
            .exclude(status=DossierStatus.DRAFT)
            .first()
        )
        if (
            dossier is not None
            and self.applicant is not None
            and dossier.applicant_id == self.applicant.pk
        ):
            return dossier
        if (
            dossier is None
            or not secret
            or not hmac.compare_digest(dossier.lookup_secret.upper(), secret.strip().upper())
        ):
            self.add_error(
                "dossier_code",
                _("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại."),
            )
            return None
        return dossier


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã phản ánh"), max_length=32)
    secret = forms.CharField(label=_("Mã tra cứu"), max_length=16)


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Bạn có hài lòng với trả lời này không?"),
        choices=[("1", _("Hài lòng")), ("0", _("Không hài lòng"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    files = FilesField(label=_("Tệp đính kèm (không bắt buộc)"))
    publish = forms.BooleanField(
        label=_("Công khai trên Cổng dịch vụ công (thông tin cá nhân được ẩn)"), required=False
    )


class ReassignForm(forms.Form):
    agency = forms.ChoiceField(label=_("Chuyển đến cơ quan"))
    note = forms.CharField(label=_("Lý do chuyển"), max_length=500)

    def __init__(self, *args, exclude_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.exclude(kind=Agency.Kind.UNIT).order_by("name")
        if exclude_id:
            agencies = agencies.exclude(pk=exclude_id)
        self.fields["agency"].choices = [("", _("— Chọn cơ quan —"))] + [
            (a.code, a.name) for a in agencies
        ]

    def clean_agency(self):
        agency = Agency.objects.filter(code=self.cleaned_data["agency"]).first()
        if agency is None:
            raise ValidationError(_("Hãy chọn cơ quan."))
        return agency
