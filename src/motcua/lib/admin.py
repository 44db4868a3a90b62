"""Read-only admin pages: rows written by the services are viewed here, never edited."""

from __future__ import annotations

from django.contrib import admin


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
