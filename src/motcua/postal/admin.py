from django.contrib import admin

from motcua.lib.admin import ReadOnlyModelAdmin

from .models import Shipment, ShipmentEvent


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    fields = ("event_id", "status", "at", "note", "source", "received_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyModelAdmin):
    list_display = ("tracking_number", "dossier", "status", "postage_vnd", "created_at")
    list_filter = ("status",)
    search_fields = ("tracking_number", "dossier__code")
    inlines = [ShipmentEventInline]
