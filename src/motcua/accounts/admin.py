"""The admin of users, applicants and sign-in attempts, with identity numbers masked.

No admin page shows a whole personal identification number: lists show the last four
digits; on a change form the stored number is never written into the page (the box is
empty, its placeholder shows the masked number, and leaving it empty keeps the number;
typing a new one replaces it). Searching by the whole number still works. Citizens'
user names are their numbers (``accounts.citizen``), so they are masked the same way.
"""

import re

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.admin import AccessLogAdmin as BaseAccessLogAdmin
from axes.models import AccessAttempt, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Applicant, User, mask_identifier

# A 12-digit personal identification number or a 9-digit old identity card number,
# alone or inside a longer text (e.g. "cong-dan-001090000001").
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")


def mask_personal_numbers(text: str | None) -> str:
    """``text`` with every 12- or 9-digit number reduced to its last 4 digits."""
    return _PERSONAL_NUMBER.sub(lambda m: mask_identifier(m.group()), text or "")


class MaskedValueInput(forms.TextInput):
    """A text box that never renders the stored value: its placeholder shows it masked,
    and a box left empty submits the stored value unchanged."""

    def __init__(self, stored: str, attrs=None):
        super().__init__(attrs)
        self.stored = stored or ""
        self.attrs.setdefault("placeholder", mask_personal_numbers(self.stored))
        self.attrs.setdefault("autocomplete", "off")

    def format_value(self, value):
        return None

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if (value is None or not str(value).strip()) and self.stored:
            return self.stored
        return value


def mask_identity_fields(form, names: tuple[str, ...]) -> None:
    """Swap the widgets of ``names`` on a bound change form for :class:`MaskedValueInput`
    when the stored value holds a personal number."""
    instance = getattr(form, "instance", None)
    if instance is None or instance.pk is None:
        return
    for name in names:
        field = form.fields.get(name)
        stored = getattr(instance, name, "") or ""
        if field is not None and _PERSONAL_NUMBER.search(stored):
            attrs = dict(field.widget.attrs)
            attrs.pop("placeholder", None)
            field.widget = MaskedValueInput(stored, attrs)
            field.help_text = _("Để trống để giữ số đang lưu; nhập số mới để thay thế.")


class _BoundedSearchMixin:
    """A search term is a name or a number: a pasted essay would make one condition
    per word, and SQLite refuses a query past a thousand of them."""

    def get_search_results(self, request, queryset, search_term):
        search_term = " ".join(search_term.split()[:10])[:200]
        return super().get_search_results(request, queryset, search_term)


class _MaskedFormMixin:
    masked_fields: tuple[str, ...] = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        names = self.masked_fields

        class MaskedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                mask_identity_fields(self, names)

        MaskedForm.__name__ = form_class.__name__
        return MaskedForm


@admin.register(User)
class UserAdmin(_BoundedSearchMixin, _MaskedFormMixin, BaseUserAdmin):
    list_display = ("masked_username", "full_name", "masked_personal_id", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "personal_id")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Định danh"), {"fields": ("full_name", "personal_id", "phone")}),
    )
    masked_fields = ("username", "personal_id")

    @admin.display(description=_("tên đăng nhập"), ordering="username")
    def masked_username(self, obj: User) -> str:
        return mask_personal_numbers(obj.username)

    @admin.display(description=_("số định danh"))
    def masked_personal_id(self, obj: User) -> str:
        return mask_identifier(obj.personal_id or "")


@admin.register(Applicant)
class ApplicantAdmin(_BoundedSearchMixin, _MaskedFormMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "masked_identifier", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "personal_id", "tax_code")
    raw_id_fields = ("user", "representative")
    masked_fields = ("personal_id",)


# --- Sign-in attempts (django-axes; its own admin is off: AXES_ENABLE_ADMIN) ----------------


class _MaskedAxesAdmin:
    """Lists only (a record's page would title it with the user name in clear); deleting
    an attempt lifts that lockout."""

    list_display_links = None

    @admin.display(description=_("tên đăng nhập"), ordering="username")
    def masked_username(self, obj) -> str:
        return mask_personal_numbers(obj.username)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def _masked(columns) -> list[str]:
    return ["masked_username" if column == "username" else column for column in columns]


@admin.register(AccessAttempt)
class AccessAttemptAdmin(_MaskedAxesAdmin, BaseAccessAttemptAdmin):
    list_display = _masked(BaseAccessAttemptAdmin.list_display)


@admin.register(AccessLog)
class AccessLogAdmin(_MaskedAxesAdmin, BaseAccessLogAdmin):
    list_display = _masked(BaseAccessLogAdmin.list_display)
