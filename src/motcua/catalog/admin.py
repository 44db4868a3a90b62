from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.agencies.selectors import administered_agency_ids

from . import services
from .models import (
    FeeRule,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from .selectors import editable_procedures, may_edit_procedure


class ComponentInline(admin.TabularInline):
    model = ProcedureComponent
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class CatalogScopedAdmin(admin.ModelAdmin):
    """An agency administrator sees and changes only the procedures their agencies own or
    are assigned (``selectors.editable_procedures``); superusers see the whole catalogue."""

    procedure_field = "procedure"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        editable = editable_procedures(request.user).values("pk")
        return queryset.filter(**{f"{self.procedure_field}__in": editable})


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(CatalogScopedAdmin):
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
        if obj is not None and not request.user.is_superuser:
            if not may_edit_procedure(request.user, obj.procedure):
                return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agencies" and not request.user.is_superuser:
            # A procedure is given only to the agencies the administrator manages.
            kwargs["queryset"] = Agency.objects.filter(pk__in=administered_agency_ids(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _each(self, request, queryset, action, done) -> None:
        count = 0
        for version in queryset:
            try:
                action(version)
            except (PermissionDenied, ValidationError) as error:
                text = " ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, text, messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done, messages.SUCCESS)

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish(self, request, queryset):
        drafts = queryset.filter(status=ProcedureVersion.Status.DRAFT)
        self._each(
            request,
            drafts,
            lambda version: services.publish_version(version, by=request.user),
            _("Đã công bố."),
        )

    @admin.action(description=_("Tạo phiên bản mới để chỉnh sửa"))
    def new_draft(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda version: services.new_draft_version(version.procedure, by=request.user),
            _("Đã tạo bản nháp; hãy chỉnh sửa rồi công bố."),
        )


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
class ProcedureAdmin(CatalogScopedAdmin):
    list_display = ("code", "__str__", "current_version")
    search_fields = ("code", "versions__name")
    readonly_fields = ("code", "current_version")
    inlines = [VersionInline, FeeRuleInline]
    procedure_field = "pk"

    def has_add_permission(self, request) -> bool:
        # New procedures come from the national catalogue (import_procedures).
        return request.user.is_superuser


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
