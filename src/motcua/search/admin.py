from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure

from . import services
from .models import AssistantQuestion, LexiconEntry, Situation, SituationStep


@admin.register(LexiconEntry)
class LexiconEntryAdmin(admin.ModelAdmin):
    list_display = ("phrase", "expansion", "note", "updated_at")
    search_fields = ("phrase", "expansion", "note")


class SituationStepForm(forms.ModelForm):
    class Meta:
        model = SituationStep
        fields = ("order", "procedure_code", "why", "produces")

    def clean_procedure_code(self):
        code = (self.cleaned_data.get("procedure_code") or "").strip()
        if not Procedure.objects.filter(code=code).exists():
            raise ValidationError(
                _("Không có thủ tục mã “%(code)s” trong danh mục."), params={"code": code}
            )
        return code


class SituationStepInline(admin.TabularInline):
    model = SituationStep
    form = SituationStepForm
    extra = 1


@admin.register(Situation)
class SituationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "ordered", "active", "order", "updated_at")
    list_editable = ("active", "order")
    search_fields = ("name", "slug", "phrases", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SituationStepInline]


class NeedsReview(admin.SimpleListFilter):
    title = _("cần xem lại")
    parameter_name = "can_xem"

    def lookups(self, request, model_admin):
        return [("1", _("Chưa hiểu, không có ích hoặc gửi cán bộ"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(
                Q(kind="not_understood") | Q(helpful=False) | Q(referred=True), learned=False
            )
        return queryset


@admin.register(AssistantQuestion)
class AssistantQuestionAdmin(admin.ModelAdmin):
    """Officers attach the right procedure or situation in one click: pick it in the row, save."""

    list_display = (
        "text",
        "kind",
        "confidence",
        "helpful",
        "referred",
        "resolved_procedure",
        "resolved_situation",
        "learned",
        "created_at",
    )
    list_editable = ("resolved_procedure", "resolved_situation")
    list_filter = (NeedsReview, "kind", "helpful", "referred", "learned")
    search_fields = ("text",)
    readonly_fields = (
        "text",
        "kind",
        "confidence",
        "answer_codes",
        "answer_situation",
        "helpful",
        "referred",
        "learned",
        "created_at",
    )
    list_select_related = ("resolved_procedure__current_version", "resolved_situation")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def _may_review(self, request) -> bool:
        return request.user.has_perm("search.review_assistantquestion")

    def has_view_permission(self, request, obj=None):
        return self._may_review(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_review(request) or super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "resolved_procedure":
            kwargs["queryset"] = Procedure.objects.filter(
                current_version__isnull=False
            ).select_related("current_version")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        changed = {"resolved_procedure", "resolved_situation"} & set(form.changed_data)
        if not changed or not (obj.resolved_procedure or obj.resolved_situation):
            super().save_model(request, obj, form, change)
            return
        try:
            services.attach(
                obj,
                procedure=obj.resolved_procedure if "resolved_procedure" in changed else None,
                situation=obj.resolved_situation if "resolved_situation" in changed else None,
            )
        except ValueError:
            super().save_model(request, obj, form, change)
            messages.warning(request, _("Câu hỏi không có từ nào để học; đã lưu lựa chọn."))
            return
        messages.success(
            request, _("Đã học từ câu hỏi: các câu hỏi tương tự sẽ được trả lời theo lựa chọn này.")
        )
