from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.lib.admin import OutboxAdmin, ReadOnlyModelAdmin

from . import services
from .models import Delivery, EventType, OutboxEvent, Subscriber


class SubscriberForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Loại sự kiện nhận"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Không chọn loại nào: nhận mọi loại sự kiện."),
    )
    url = forms.URLField(label=gettext_lazy("Địa chỉ nhận (URL)"), assume_scheme="https")
    secret = forms.CharField(
        label=gettext_lazy("Khóa ký"),
        widget=forms.PasswordInput(render_value=True),
        min_length=16,
        help_text=gettext_lazy("Ít nhất 16 ký tự; bên nhận dùng khóa này để xác thực chữ ký."),
    )

    class Meta:
        model = Subscriber
        fields = ["name", "kind", "url", "secret", "event_types", "active"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberForm
    list_display = ("name", "kind", "url", "active", "managed", "created_at")
    list_filter = ("kind", "active", "managed")
    search_fields = ("name", "url")
    actions = ["send_history"]

    @admin.action(
        description=gettext_lazy("Gửi toàn bộ sự kiện trước đây cho bên nhận này"),
        permissions=["change"],
    )
    def send_history(self, request, queryset):
        total = sum(services.backfill(s, by=request.user) for s in queryset)
        self.message_user(
            request,
            _("Đã đưa %(count)d sự kiện vào hàng chờ gửi.") % {"count": total},
            messages.SUCCESS,
        )


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "type", "dossier_code", "from_status", "to_status", "occurred_at")
    list_filter = ("type",)
    search_fields = ("dossier_code", "event_id")
    date_hierarchy = "occurred_at"


class DeadFilter(admin.SimpleListFilter):
    """The dead-letter list: deliveries given up after every try."""

    title = gettext_lazy("danh sách gửi lỗi")
    parameter_name = "hang"

    def lookups(self, request, model_admin):
        return [("loi", _("Chỉ các lượt đã dừng gửi (dead letter)"))]

    def queryset(self, request, queryset):
        if self.value() == "loi":
            return queryset.filter(status=Delivery.Status.DEAD)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(OutboxAdmin):
    list_display = (
        "sequence",
        "event_type",
        "dossier_code",
        "subscriber",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "short_error",
    )
    list_filter = (DeadFilter, "status", "subscriber")
    search_fields = ("event__dossier_code", "event__event_id")
    list_select_related = ("event", "subscriber")
    replay_rows = staticmethod(services.replay)
    replayed_message = gettext_lazy("Đã đưa %(count)d lượt gửi trở lại hàng chờ.")

    @admin.display(description=gettext_lazy("loại sự kiện"))
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description=gettext_lazy("mã hồ sơ"))
    def dossier_code(self, obj):
        return obj.event.dossier_code
