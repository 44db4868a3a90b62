"""Read-only admin pages: rows written by the services are viewed here, never edited."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.messages import SUCCESS
from django.utils.translation import gettext_lazy


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin; put it before ``ModelAdmin`` or an inline.

    ``allow_delete = True`` keeps deleting (with the usual permission), for rows that may
    be cleaned up by hand but never written here.
    """

    allow_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.allow_delete and super().has_delete_permission(request, obj)


class ReadOnlyModelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A ``ModelAdmin`` that only shows its rows."""


class OutboxAdmin(ReadOnlyModelAdmin):
    """An outbox's deliveries (events' webhooks, the exchange's messages): read-only rows,
    the last error shortened, and the "replay" action, which needs the change permission
    while the rows themselves keep no form.

    ``replay_rows(queryset, by)`` puts rows back in the queue and returns how many;
    ``replayed_message`` is the confirmation, with ``%(count)d``.
    """

    actions = ["replay"]
    replay_rows = None
    replayed_message = ""

    @admin.display(description=gettext_lazy("lỗi gần nhất"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(
        description=gettext_lazy("Gửi lại (đưa về hàng chờ với số lần thử mới)"),
        permissions=["change"],
    )
    def replay(self, request, queryset):
        count = type(self).replay_rows(queryset, by=request.user)
        self.message_user(request, str(self.replayed_message) % {"count": count}, SUCCESS)

    def has_change_permission(self, request, obj=None) -> bool:
        opts = self.model._meta
        return request.user.is_superuser or request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
