"""Forms of the back office: the queue search and the note sent with an action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Status

# Actions that must say why: the applicant reads the reason.
NOTE_REQUIRED = {"refuse", "refuse_intake", "request_supplement"}


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
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = forms.DateField(
        label=_("đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000)

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if self.action in NOTE_REQUIRED and not note:
            raise forms.ValidationError(
                _("Vui lòng ghi rõ lý do trước khi thực hiện thao tác này; người nộp sẽ nhận được.")
            )
        return note
