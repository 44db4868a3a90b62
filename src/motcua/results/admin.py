from django import forms
from django.contrib import admin

from motcua.lib.admin import ReadOnlyModelAdmin

from .exceptions import ResultError
from .models import AgencyCertificate, CertificateAuthority, ResultDocument, ResultTemplate
from .rendering import check_template


class ResultTemplateForm(forms.ModelForm):
    class Meta:
        model = ResultTemplate
        fields = ("procedure", "title", "signer_title", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100})}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            check_template(body)
        except ResultError as error:
            raise forms.ValidationError(error.message) from error
        return body


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin):
    form = ResultTemplateForm
    list_display = ("procedure", "title", "updated_at")
    search_fields = ("procedure__code", "title")
    list_select_related = ("procedure",)


# Keys and signed results change only through the PKI commands and the services.
@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "serial", "is_demo", "not_before", "not_after")
    exclude = ("key_pem",)


@admin.register(AgencyCertificate)
class AgencyCertificateAdmin(ReadOnlyModelAdmin):
    list_display = ("agency", "serial", "active", "imported", "not_before", "not_after")
    list_filter = ("active", "imported")
    search_fields = ("agency__code", "agency__name", "serial")
    list_select_related = ("agency",)
    exclude = ("key_pem",)


@admin.register(ResultDocument)
class ResultDocumentAdmin(ReadOnlyModelAdmin):
    list_display = ("number", "dossier", "kind", "signed_at", "issued_by")
    list_filter = ("kind",)
    search_fields = ("number", "dossier__code")
    list_select_related = ("dossier", "issued_by")
    exclude = ("token",)
    show_full_result_count = False
