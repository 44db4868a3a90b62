"""Admin: payments with their exchanges with the gateway (read-only) and refunds."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.lib.admin import ReadOnlyAdminMixin, ReadOnlyModelAdmin

from . import services
from .exceptions import PaymentError
from .models import Payment, PaymentNotice, Refund, RejectedNotice


class NoticeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PaymentNotice
    extra = 0
    fields = ("received_at", "channel", "verdict", "reason", "response_code")
    readonly_fields = fields
    ordering = ("received_at", "id")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyModelAdmin):
    list_display = (
        "txn_ref",
        "dossier",
        "amount_vnd",
        "gateway",
        "status",
        "receipt_number",
        "created_at",
        "paid_at",
    )
    list_filter = ("status", "gateway", "online")
    search_fields = ("txn_ref", "receipt_number", "dossier__code", "gateway_transaction_no")
    date_hierarchy = "created_at"
    list_select_related = ("dossier",)
    inlines = [NoticeInline]


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(ReadOnlyModelAdmin):
    list_display = ("received_at", "channel", "txn_ref", "verdict", "response_code", "reason")
    list_filter = ("channel", "verdict", "gateway")
    search_fields = ("txn_ref",)
    date_hierarchy = "received_at"


@admin.register(RejectedNotice)
class RejectedNoticeAdmin(ReadOnlyModelAdmin):
    list_display = ("day", "source", "channel", "verdict", "count", "first_seen", "last_seen")
    list_filter = ("channel", "verdict", "gateway")
    search_fields = ("source", "last_txn_ref")
    date_hierarchy = "day"


@admin.register(Refund)
class RefundAdmin(ReadOnlyModelAdmin):
    list_display = (
        "payment",
        "amount_vnd",
        "reason",
        "at_counter",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "done_at",
    )
    list_filter = ("status", "reason", "at_counter")
    search_fields = ("payment__txn_ref", "payment__receipt_number", "payment__dossier__code")
    list_select_related = ("payment",)
    actions = ["complete_at_counter", "retry_now"]

    def has_change_permission(self, request, obj=None) -> bool:
        # Needed for the actions; every field stays read-only.
        return request.user.has_perm("payments.change_refund")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Refund._meta.fields]

    @admin.action(description=gettext_lazy("Đã trả lại tiền mặt tại bộ phận một cửa"))
    def complete_at_counter(self, request, queryset) -> None:
        for refund in queryset:
            try:
                services.complete_counter_refund(refund, by=request.user)
            except PaymentError as refused:
                self.message_user(request, f"{refund}: {refused.message}", messages.WARNING)

    @admin.action(description=gettext_lazy("Gửi lại yêu cầu hoàn tiền qua cổng thanh toán"))
    def retry_now(self, request, queryset) -> None:
        done = sum(
            services.run_refund(refund.pk).status == Refund.Status.DONE
            for refund in queryset.filter(status=Refund.Status.PENDING, at_counter=False)
        )
        self.message_user(request, _("Đã hoàn tiền %(count)d khoản.") % {"count": done})
