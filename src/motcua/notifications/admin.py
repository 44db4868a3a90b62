from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: officers look up what a citizen was told and retry failures."""

    list_display = (
        "created_at",
        "dossier_code",
        "event",
        "channel",
        "status",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "channel", "event")
    search_fields = ("dossier_code",)
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Gửi lại các thông báo không gửi được"))
    def retry_failed(self, request, queryset):
        count = services.retry(queryset)
        self.message_user(
            request,
            _("Đã đưa %(count)d thông báo trở lại hàng chờ gửi.") % {"count": count},
            messages.SUCCESS,
        )
