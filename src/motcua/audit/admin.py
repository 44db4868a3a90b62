from django.contrib import admin

from motcua.lib.admin import ReadOnlyModelAdmin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyModelAdmin):
    """Read-only: records are written by ``services.record`` and never change."""

    list_display = ("id", "at", "action", "object_type", "object_id", "actor_label", "agency_id")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id",)
    ordering = ("-id",)
    show_full_result_count = False
    readonly_fields = [field.name for field in AuditRecord._meta.fields]
