from django.contrib import admin

from .models import SimEvent, SimShipment


class SimEventInline(admin.TabularInline):
    model = SimEvent
    extra = 0
    fields = ("event_id", "status", "at", "note", "answer_status", "attempts")
    readonly_fields = fields
    can_delete = False


@admin.register(SimShipment)
class SimShipmentAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "recipient", "status", "postage_vnd", "created_at")
    list_filter = ("status",)
    search_fields = ("tracking_number", "reference")
    readonly_fields = ("public_id", "tracking_number", "reference", "created_at")
    inlines = [SimEventInline]

    def has_add_permission(self, request, obj=None):
        return False  # parcels are booked through the API
