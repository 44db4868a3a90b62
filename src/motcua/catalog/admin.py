from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    FeeRule,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)


class ComponentInline(admin.TabularInline):
    model = ProcedureComponent
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    """Published versions are read-only; edits go into a new draft version."""

    list_display = ("procedure", "number", "name", "status", "service_level", "processing_days")
    list_filter = ("status", "service_level", "level", "sector")
    search_fields = ("procedure__code", "name")
    inlines = [ComponentInline, StepInline]
    filter_horizontal = ("agencies",)
    readonly_fields = ("procedure", "number", "status", "published_at", "created_by")
    actions = ["publish", "new_draft"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish(self, request, queryset):
        for version in queryset.filter(status=ProcedureVersion.Status.DRAFT):
            services.publish_version(version, by=request.user)
        messages.success(request, _("Đã công bố."))

    @admin.action(description=_("Tạo phiên bản mới để chỉnh sửa"))
    def new_draft(self, request, queryset):
        for version in queryset:
            services.new_draft_version(version.procedure, by=request.user)
        messages.success(request, _("Đã tạo bản nháp; hãy chỉnh sửa rồi công bố."))


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "name", "status", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FeeRuleInline(admin.TabularInline):
    model = FeeRule
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__", "current_version")
    search_fields = ("code", "versions__name")
    readonly_fields = ("code", "current_version")
    inlines = [VersionInline, FeeRuleInline]


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin):
    """The dated fee schedule; a dossier keeps the amount frozen when it was submitted."""

    list_display = (
        "procedure",
        "agency",
        "fee_vnd",
        "online_policy",
        "online_value",
        "valid_from",
        "valid_until",
    )
    list_filter = ("online_policy",)
    search_fields = ("procedure__code", "legal_basis")
    autocomplete_fields = ("procedure", "agency")
    date_hierarchy = "valid_from"
