import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from motcua.agencies.models import Agency
from motcua.agencies.selectors import administered_agency_ids

from . import cross_boundary, online_only, services
from .models import (
    CrossBoundaryIntake,
    FeeRule,
    OnlineOnlyRule,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from .selectors import editable_procedures, may_edit_procedure


class ComponentInline(admin.TabularInline):
    model = ProcedureComponent
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class CatalogScopedAdmin(admin.ModelAdmin):
    """An agency administrator sees and changes only the procedures their agencies own or
    are assigned (``selectors.editable_procedures``); superusers see the whole catalogue."""

    procedure_field = "procedure"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        editable = editable_procedures(request.user).values("pk")
        return queryset.filter(**{f"{self.procedure_field}__in": editable})


MAX_FORM_FILE_BYTES = 1024 * 1024


class PrettyJSONField(forms.JSONField):
    """A JSON field shown pretty-printed (two-space indent, Vietnamese kept as is)."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class ProcedureVersionForm(forms.ModelForm):
    form_schema = PrettyJSONField(
        label=_("Biểu mẫu điện tử (JSON, định dạng motcua-eform/2)"),
        required=False,
        error_messages={"invalid": _("Nội dung không phải JSON hợp lệ.")},
        widget=forms.Textarea(
            attrs={"class": "eform-json", "rows": 30, "cols": 90, "spellcheck": "false"}
        ),
        help_text=_(
            "Xem docs/EFORMS.md. Bản xem trước bên cạnh cập nhật khi bạn gõ (khổ điện thoại)."
        ),
    )

    class Meta:
        model = ProcedureVersion
        fields = ("form_schema",)  # the admin adds the others

    def clean_form_schema(self):
        value = self.cleaned_data.get("form_schema")
        if value in (None, "", []):
            value = []
        return services.checked_definition(value)


def form_filename(version: ProcedureVersion) -> str:
    return f"{version.procedure.code}-v{version.number}.form.json"


def form_file(version: ProcedureVersion) -> HttpResponse:
    """The version's e-form as a downloadable ``<code>-v<N>.form.json``."""
    body = json.dumps(
        services.checked_definition(version.form_schema), ensure_ascii=False, indent=2
    )
    response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{form_filename(version)}"'
    return response


def read_form_file(upload) -> object:
    """The JSON of an uploaded ``.form.json``; ValidationError (Vietnamese) otherwise."""
    if upload is None:
        raise ValidationError(gettext("Hãy chọn một tệp biểu mẫu (.json)."))
    if upload.size > MAX_FORM_FILE_BYTES:
        raise ValidationError(gettext("Tệp biểu mẫu quá lớn (tối đa 1 MB)."))
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError(gettext("Tệp biểu mẫu phải là văn bản UTF-8.")) from None
    except ValueError as error:
        raise ValidationError(
            gettext("Tệp không phải JSON hợp lệ (dòng %(line)d, cột %(col)d).")
            % {"line": getattr(error, "lineno", 0), "col": getattr(error, "colno", 0)}
        ) from None


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(CatalogScopedAdmin):
    """Published versions are read-only; edits go into a new draft version.

    The e-form is edited as JSON with a live preview at phone width (the portal's own
    renderer, ``portal.preview``), exported as ``<code>-v<N>.form.json`` and imported
    from such a file into a draft.
    """

    form = ProcedureVersionForm
    change_form_template = "admin/catalog/procedureversion/change_form.html"

    list_display = ("procedure", "number", "name", "status", "service_level", "time_limit")
    list_filter = ("status", "service_level", "processing_unit", "level", "sector")
    search_fields = ("procedure__code", "name")
    inlines = [ComponentInline, StepInline]
    filter_horizontal = ("agencies",)
    readonly_fields = ("procedure", "number", "status", "published_at", "created_by")
    actions = ["publish", "new_draft", "export_form"]

    class Media:
        css = {"all": ["catalog/eform_admin.css"]}
        js = ["portal/eform.js", "catalog/eform_admin.js"]

    def get_urls(self):
        own = [
            path(
                "<int:pk>/form.json",
                self.admin_site.admin_view(self.export_view),
                name="catalog_procedureversion_form_export",
            ),
            path(
                "<int:pk>/form-import/",
                self.admin_site.admin_view(require_POST(self.import_view)),
                name="catalog_procedureversion_form_import",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request, pk):
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, version):
            raise PermissionDenied
        return form_file(version)

    def import_view(self, request, pk):
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        back = HttpResponseRedirect(
            reverse("admin:catalog_procedureversion_change", args=[version.pk])
        )
        if not self.has_change_permission(request, version):
            # A published version's form never changes (the page offers no import).
            raise PermissionDenied(
                gettext(
                    "Phiên bản này đã công bố nên biểu mẫu không sửa được; hãy tạo phiên bản "
                    "mới để chỉnh sửa."
                )
            )
        try:
            definition = read_form_file(request.FILES.get("form_file"))
            services.replace_form(version, definition, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            problems = getattr(error, "messages", None) or [str(error)]
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            self.message_user(
                request, gettext("Chưa nhập biểu mẫu: tệp không hợp lệ."), messages.ERROR
            )
            return back
        self.message_user(request, gettext("Đã nhập biểu mẫu từ tệp."), messages.SUCCESS)
        return back

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["form_export_url"] = reverse(
                "admin:catalog_procedureversion_form_export", args=[obj.pk]
            )
            context["form_import_url"] = reverse(
                "admin:catalog_procedureversion_form_import", args=[obj.pk]
            )
            context["form_preview_url"] = reverse("eform_preview")
            context["form_editable"] = self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("thời hạn giải quyết"), ordering="processing_days")
    def time_limit(self, version: ProcedureVersion) -> str:
        return version.processing_time_label

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        if obj is not None and not request.user.is_superuser:
            if not may_edit_procedure(request.user, obj.procedure):
                return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agencies" and not request.user.is_superuser:
            # A procedure is given only to the agencies the administrator manages.
            kwargs["queryset"] = Agency.objects.filter(pk__in=administered_agency_ids(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _each(self, request, queryset, action, done) -> None:
        count = 0
        for version in queryset:
            try:
                action(version)
            except (PermissionDenied, ValidationError) as error:
                text = " ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, text, messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done, messages.SUCCESS)

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish(self, request, queryset):
        drafts = queryset.filter(status=ProcedureVersion.Status.DRAFT)
        self._each(
            request,
            drafts,
            lambda version: services.publish_version(version, by=request.user),
            _("Đã công bố."),
        )

    @admin.action(description=_("Tải biểu mẫu (.json)"))
    def export_form(self, request, queryset):
        versions = list(queryset[:2])
        if len(versions) != 1:
            self.message_user(
                request, gettext("Hãy chọn đúng một phiên bản để tải biểu mẫu."), messages.ERROR
            )
            return None
        return form_file(versions[0])

    @admin.action(description=_("Tạo phiên bản mới để chỉnh sửa"))
    def new_draft(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda version: services.new_draft_version(version.procedure, by=request.user),
            _("Đã tạo bản nháp; hãy chỉnh sửa rồi công bố."),
        )


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "name", "status", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class FeeRuleInline(admin.TabularInline):
    model = FeeRule
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(Procedure)
class ProcedureAdmin(CatalogScopedAdmin):
    list_display = ("code", "__str__", "current_version")
    search_fields = ("code", "versions__name")
    readonly_fields = ("code", "current_version")
    inlines = [VersionInline, FeeRuleInline]
    procedure_field = "pk"

    def has_add_permission(self, request) -> bool:
        # New procedures come from the national catalogue (import_procedures).
        return request.user.is_superuser


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin):
    """The dated fee schedule; a dossier keeps the amount frozen when it was submitted."""

    list_display = (
        "procedure",
        "agency",
        "fee_vnd",
        "online_policy",
        "online_value",
        "valid_from",
        "valid_until",
    )
    list_filter = ("online_policy",)
    search_fields = ("procedure__code", "legal_basis")
    autocomplete_fields = ("procedure", "agency")
    date_hierarchy = "valid_from"


class OnlineOnlyRuleForm(forms.ModelForm):
    class Meta:
        model = OnlineOnlyRule
        fields = ("procedure", "agency", "valid_from", "valid_until", "note")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng."))
        return data


@admin.register(OnlineOnlyRule)
class OnlineOnlyRuleAdmin(admin.ModelAdmin):
    """Procedures received online only, everywhere or in an agency and the units below
    it: the counter refuses them, assisted filing takes them (docs/ASSISTED.md). Every
    addition, change and removal is audited (``online_only.save_rule``/``remove_rule``)."""

    form = OnlineOnlyRuleForm
    list_display = ("procedure", "agency", "valid_from", "valid_until", "note")
    list_filter = ("valid_from",)
    search_fields = ("procedure__code", "note", "agency__name")
    autocomplete_fields = ("procedure", "agency")
    date_hierarchy = "valid_from"

    def save_model(self, request, obj, form, change):
        online_only.save_rule(obj, by=request.user)

    def delete_model(self, request, obj):
        online_only.remove_rule(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            online_only.remove_rule(rule, by=request.user)


class CrossBoundaryIntakeForm(forms.ModelForm):
    class Meta:
        model = CrossBoundaryIntake
        fields = ("desk", "procedure", "settling_agency", "valid_from", "valid_until", "note")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("Ngày hết áp dụng phải sau ngày bắt đầu áp dụng."))
        desk, settling = data.get("desk"), data.get("settling_agency")
        if desk and settling and desk.pk == settling.pk:
            self.add_error("settling_agency", _("Cơ quan giải quyết phải khác bộ phận tiếp nhận."))
        return data


@admin.register(CrossBoundaryIntake)
class CrossBoundaryIntakeAdmin(admin.ModelAdmin):
    """The province's "phi địa giới" list (Decree 118/2025/NĐ-CP, Art. 14): which desk
    receives paper dossiers of which procedure for which settling agency
    (``selectors.receivable_at``). Every addition, change and removal is audited
    (``cross_boundary.save_line``/``remove_line``)."""

    form = CrossBoundaryIntakeForm
    list_display = ("desk", "procedure", "settling_agency", "valid_from", "valid_until", "note")
    list_filter = ("valid_from",)
    search_fields = ("desk__name", "procedure__code", "settling_agency__name", "note")
    autocomplete_fields = ("desk", "procedure", "settling_agency")
    date_hierarchy = "valid_from"

    def save_model(self, request, obj, form, change):
        cross_boundary.save_line(obj, by=request.user)

    def delete_model(self, request, obj):
        cross_boundary.remove_line(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for line in queryset:
            cross_boundary.remove_line(line, by=request.user)
