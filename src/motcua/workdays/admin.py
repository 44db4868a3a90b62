from django.contrib import admin

from . import services
from .models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Everyone with access may look; only calendar managers change it, through the
    services, so each change is audited."""

    list_display = ("date", "kind", "reason")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return services.may_manage_calendar(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return services.may_manage_calendar(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return services.may_manage_calendar(request.user) and super().has_delete_permission(
            request, obj
        )

    def save_model(self, request, obj, form, change) -> None:
        services.save_override(obj, by=request.user)

    def delete_model(self, request, obj) -> None:
        services.remove_override(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for override in queryset:
            services.remove_override(override, by=request.user)
