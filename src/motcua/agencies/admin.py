from django.contrib import admin

from . import services
from .models import Agency, Membership


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_until", "successor")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "successor")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Roles are granted and revoked through the services, so each change is audited."""

    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    raw_id_fields = ("user", "agency")

    def has_change_permission(self, request, obj=None) -> bool:
        # A role is granted or revoked, never edited in place.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        membership = services.grant_membership(
            user=obj.user, agency=obj.agency, role=obj.role, by=request.user
        )
        obj.pk = membership.pk

    def delete_model(self, request, obj) -> None:
        services.revoke_membership(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset.select_related("agency"):
            services.revoke_membership(membership, by=request.user)
