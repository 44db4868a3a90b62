from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from motcua.audit.admin import AuditRecordAdmin
from motcua.audit.models import AuditRecord

from . import services
from .models import Agency, Membership, Role
from .selectors import administered_agency_ids


class AgencyScopedAdmin(admin.ModelAdmin):
    """An agency administrator sees and edits only their agency and the units below it.

    ``scoped_field`` names the agency of a row (for the queryset); every agency chosen
    in a form must also lie within the administrator's reach. Superusers see everything.
    """

    scoped_field = "agency"

    def reach(self, request) -> set[int] | None:
        if request.user.is_superuser:
            return None
        cached = getattr(request, "_motcua_admin_reach", None)
        if cached is None:
            cached = administered_agency_ids(request.user)
            request._motcua_admin_reach = cached
        return cached

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        reach = self.reach(request)
        if reach is None:
            return queryset
        return queryset.filter(**{f"{self.scoped_field}__in": reach})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        reach = self.reach(request)
        if reach is not None and db_field.related_model is Agency and field is not None:
            field.queryset = field.queryset.filter(pk__in=reach)
        return field


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin):
    list_display = (
        "code",
        "identifier",
        "name",
        "kind",
        "parent",
        "valid_from",
        "valid_until",
        "successor",
    )
    list_filter = ("kind",)
    search_fields = ("code", "identifier", "name")
    scoped_field = "pk"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        reach = self.reach(request)
        if reach is not None and obj is not None and obj.parent_id not in reach:
            # The administrator's own top agency stays where the national level put it.
            parent = form.base_fields["parent"]
            parent.queryset = Agency.objects.filter(pk__in=reach | {obj.parent_id})
            parent.disabled = True
        return form


@admin.register(Membership)
class MembershipAdmin(AgencyScopedAdmin):
    """Roles are granted and revoked through the services, so each change is audited."""

    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None) -> bool:
        # A role is granted or revoked, never edited in place.
        return obj is None and super().has_change_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and not request.user.is_superuser:
            # Supervising a province is granted by the national administrators only.
            field.choices = [c for c in field.choices if c[0] != Role.SUPERVISOR]
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class GrantForm(form):
            def clean(self):
                data = super().clean()
                user, agency, role = data.get("user"), data.get("agency"), data.get("role")
                if user and agency and role:
                    try:
                        services.check_grant(user=user, agency=agency, role=role, by=request.user)
                    except ValidationError as error:
                        raise forms.ValidationError(error.messages) from error
                return data

        return GrantForm

    def save_model(self, request, obj, form, change) -> None:
        membership = services.grant_membership(
            user=obj.user, agency=obj.agency, role=obj.role, by=request.user
        )
        obj.pk = membership.pk

    def delete_model(self, request, obj) -> None:
        try:
            services.revoke_membership(obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset.select_related("agency"):
            try:
                services.revoke_membership(membership, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)


class AgencyScopedAuditRecordAdmin(AuditRecordAdmin):
    """The audit trail, limited for an agency administrator to their own agencies.

    Registered here because the audit app sits below the agencies in the architecture.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(agency_id__in=administered_agency_ids(request.user))


admin.site.unregister(AuditRecord)
admin.site.register(AuditRecord, AgencyScopedAuditRecordAdmin)
