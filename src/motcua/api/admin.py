from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.lib.admin import ReadOnlyModelAdmin

from .models import ApiClient, IdempotencyRecord
from .scopes import SCOPES


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi quyền"),
        choices=[(s, s) for s in SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "agencies", "scopes", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scopes"] = self.instance.scope_list

    def clean_scopes(self) -> str:
        return " ".join(s for s in SCOPES if s in self.cleaned_data["scopes"])


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Systems are created with ``motcua create_api_client`` (which prints the secret
    once); here their agencies, scopes and status are changed."""

    form = ApiClientForm
    list_display = ("name", "client_id", "scopes", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "application__client_id")
    filter_horizontal = ("agencies",)

    @admin.display(description=_("client id"))
    def client_id(self, obj: ApiClient) -> str:
        return obj.application.client_id

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("principal", "key", "method", "path", "response_status", "expires_at")
    search_fields = ("principal", "key")
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]
    allow_delete = True
