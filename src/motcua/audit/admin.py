from django.contrib import admin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: records are written by ``services.record`` and never change."""

    list_display = ("id", "at", "action", "object_type", "object_id", "actor_label", "agency_id")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id",)
    ordering = ("-id",)
    show_full_result_count = False
    readonly_fields = [field.name for field in AuditRecord._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
