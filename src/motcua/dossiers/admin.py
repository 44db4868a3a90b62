from django.contrib import admin

from motcua.lib.admin import ReadOnlyModelAdmin

from .models import Dossier, StatusChange


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor", "at", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyModelAdmin):
    """Read-only: dossiers change only through the workflow services."""

    list_display = (
        "code",
        "procedure_version",
        "agency",
        "channel",
        "status",
        "received_at",
        "due_date",
    )
    list_filter = ("status", "channel")
    search_fields = ("code",)
    list_select_related = ("procedure_version__procedure", "agency")
    inlines = [StatusChangeInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # A code is one word: a pasted essay would make one condition per word, and
        # SQLite refuses a query past a thousand of them.
        search_term = " ".join(search_term.split()[:10])[:200]
        return super().get_search_results(request, queryset, search_term)
