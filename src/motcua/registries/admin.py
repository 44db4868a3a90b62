"""Read-only admin for the lookup log (identity numbers are stored masked)."""

from django.contrib import admin

from motcua.accounts.models import PERSONAL_ID_RE, TAX_CODE_RE
from motcua.lib.admin import ReadOnlyModelAdmin

from .models import LookupLog
from .services import subject_hash


@admin.register(LookupLog)
class LookupLogAdmin(ReadOnlyModelAdmin):
    list_display = (
        "at",
        "registry",
        "actor_label",
        "subject_masked",
        "dossier_ref",
        "purpose",
        "outcome",
        "from_cache",
        "attempts",
        "duration_ms",
    )
    list_filter = ("registry", "outcome", "purpose", "from_cache")
    search_fields = ("dossier_ref", "actor_label", "request_id")
    date_hierarchy = "at"
    exclude = ("subject_hash",)
    list_select_related = ("actor",)

    def get_search_results(self, request, queryset, search_term):
        # An identity number is never stored; find its lookups through the HMAC.
        term = search_term.strip()
        if PERSONAL_ID_RE.match(term) or TAX_CODE_RE.match(term):
            return queryset.filter(subject_hash=subject_hash(term)), False
        return super().get_search_results(request, queryset, search_term)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "subject_hash"]
