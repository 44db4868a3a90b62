from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.lib.admin import ReadOnlyModelAdmin

from .models import InboundEvent, NationalFact, SourceInstance


class SourceInstanceForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("Khóa ký"),
        widget=forms.PasswordInput(render_value=True),
        min_length=16,
        help_text=_("Ít nhất 16 ký tự; trùng với khóa của bên nhận khai báo ở hệ thống gửi."),
    )

    class Meta:
        model = SourceInstance
        fields = ["code", "name", "secret", "agency_codes", "active"]


@admin.register(SourceInstance)
class SourceInstanceAdmin(admin.ModelAdmin):
    form = SourceInstanceForm
    list_display = ("code", "name", "agency_codes", "active", "managed", "last_event_at")
    list_filter = ("active", "managed")
    search_fields = ("code", "name")


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyModelAdmin):
    list_display = ("received_at", "source", "sequence", "type", "dossier_code", "applied")
    list_filter = ("source", "applied", "type")
    search_fields = ("dossier_code", "event_id")
    date_hierarchy = "received_at"


@admin.register(NationalFact)
class NationalFactAdmin(ReadOnlyModelAdmin):
    list_display = (
        "dossier_code",
        "source",
        "status",
        "intake_agency_code",
        "intake_day",
        "outcome",
        "sequence",
    )
    list_filter = ("source", "outcome", "status")
    search_fields = ("dossier_code",)
