from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Applicant, User, mask_identifier


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "masked_personal_id", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "personal_id")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Định danh"), {"fields": ("full_name", "personal_id", "phone")}),
    )

    @admin.display(description=_("số định danh"))
    def masked_personal_id(self, obj: User) -> str:
        return mask_identifier(obj.personal_id or "")


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "masked_identifier", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "personal_id", "tax_code")
    raw_id_fields = ("user", "representative")
