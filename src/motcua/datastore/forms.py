from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    name = forms.CharField(
        label=_("Tên giấy tờ (không bắt buộc)"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: Căn cước mặt trước, Giấy khai sinh của con"),
    )
    # Empty files pass here so that the one content check (dossiers.files) words the error.
    file = forms.FileField(
        label=_("Tệp"),
        allow_empty_file=True,
        error_messages={"required": _("Vui lòng chọn tệp cần tải lên.")},
    )
