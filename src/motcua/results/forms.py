"""The public verification form: a PDF to check, size-limited."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp kết quả cần xác minh (PDF)"),
        error_messages={"required": _("Vui lòng chọn tệp PDF kết quả cần xác minh.")},
    )

    def clean_file(self) -> bytes:
        """The file's bytes; refuses a file over the limit or that is not a PDF."""
        upload = self.cleaned_data["file"]
        limit = settings.MOTCUA_RESULTS_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn hơn %(limit)d MB. Vui lòng chọn đúng tệp kết quả đã nhận.")
                % {"limit": max(1, limit // (1024 * 1024))}
            )
        upload.seek(0)
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(
                _("Tệp không phải là PDF. Chỉ xác minh được kết quả điện tử dạng PDF.")
            )
        return data
