"""Admin for the simulator's data, its API keys and each registry's behaviour."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    ApiKey,
    Business,
    CivilStatusEvent,
    LandParcel,
    Person,
    Registration,
    RegistryMode,
    RegistryRecord,
)


def _mask(value: str) -> str:
    # Same rule as accounts.mask_identifier; registrysim imports no other app.
    return "*" * max(len(value) - 4, 0) + value[-4:] if value else ""


class CivilStatusEventInline(admin.TabularInline):
    model = CivilStatusEvent
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "masked_personal_id", "birth_date", "gender", "permanent_address")
    list_filter = ("gender", "relation_to_head")
    search_fields = ("full_name", "personal_id", "household_id")
    inlines = [CivilStatusEventInline]

    @admin.display(description=gettext_lazy("số định danh"))
    def masked_personal_id(self, obj: Person) -> str:
        return _mask(obj.personal_id)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Results written back by the portal: read-only (a retry returns the stored answer)."""

    list_display = ("reference", "action", "registry", "amendments", "created_at", "updated_at")
    list_filter = ("action", "registry")
    search_fields = ("reference",)
    readonly_fields = (
        "action",
        "reference",
        "registry",
        "payload",
        "result",
        "amendments",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_code", "masked_representative", "status")
    list_filter = ("status",)
    search_fields = ("name", "tax_code")

    @admin.display(description=gettext_lazy("người đại diện"))
    def masked_representative(self, obj: Business) -> str:
        return _mask(obj.representative_personal_id)


@admin.register(LandParcel)
class LandParcelAdmin(admin.ModelAdmin):
    list_display = ("parcel_number", "map_sheet", "address", "masked_owner", "area_m2")
    search_fields = ("address", "owner_id", "certificate_number")

    @admin.display(description=gettext_lazy("chủ sử dụng"))
    def masked_owner(self, obj: LandParcel) -> str:
        return _mask(obj.owner_id)


@admin.register(RegistryRecord)
class RegistryRecordAdmin(admin.ModelAdmin):
    list_display = ("registry", "masked_subject", "updated_at")
    list_filter = ("registry",)
    search_fields = ("subject",)

    @admin.display(description=gettext_lazy("số định danh/mã số thuế"))
    def masked_subject(self, obj: RegistryRecord) -> str:
        return _mask(obj.subject)


@admin.register(RegistryMode)
class RegistryModeAdmin(admin.ModelAdmin):
    list_display = ("registry", "mode", "latency_ms", "failure_percent", "request_count")
    list_editable = ("mode", "latency_ms", "failure_percent")
    readonly_fields = ("request_count", "updated_at")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    fields = ("name", "is_active", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if not change:
            raw_key = obj.set_new_key()
            messages.warning(
                request,
                _("Khóa API mới: %(key)s — hãy sao chép ngay, khóa sẽ không hiển thị lại.")
                % {"key": raw_key},
            )
        super().save_model(request, obj, form, change)
