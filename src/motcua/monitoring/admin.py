from django.contrib import admin

from motcua.lib.admin import ReadOnlyModelAdmin

from .models import AgencyPlan, PlanMonthlyTarget, PlanProcedure, ReportDispatch, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "applies_to", "agency", "value", "source")
    list_filter = ("indicator", "year", "applies_to")
    search_fields = ("agency__name", "source")
    autocomplete_fields = ("agency",)


class MonthlyTargetInline(admin.TabularInline):
    model = PlanMonthlyTarget
    extra = 0
    can_delete = False


class PlanProcedureInline(admin.TabularInline):
    model = PlanProcedure
    extra = 0
    can_delete = False


@admin.register(AgencyPlan)
class AgencyPlanAdmin(ReadOnlyModelAdmin):
    list_display = ("agency", "year", "document_number", "issued_on", "filed_at")
    list_filter = ("year",)
    search_fields = ("agency__name", "document_number")
    autocomplete_fields = ("agency",)
    inlines = [MonthlyTargetInline, PlanProcedureInline]

    # Plans are filed through the monitoring pages (validated and audited), read here.
    allow_delete = True


@admin.register(ReportDispatch)
class ReportDispatchAdmin(ReadOnlyModelAdmin):
    list_display = ("period", "agency", "user", "sent_at")
    list_filter = ("period",)
    allow_delete = True
