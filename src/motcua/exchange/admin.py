"""The exchange in the admin: peers (the secret is write-only), links and messages
(read-only), the replay of dead messages and the retry of received ones not applied."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.lib.admin import OutboxAdmin, ReadOnlyModelAdmin

from . import inbox, outbox
from .models import InMessage, Link, OutMessage, Peer
from .sync import MIN_SECRET


class PeerForm(forms.ModelForm):
    base_url = forms.URLField(label=gettext_lazy("Địa chỉ"), assume_scheme="https")
    secret = forms.CharField(
        label=gettext_lazy("Khóa ký"),
        widget=forms.PasswordInput(render_value=False),
        min_length=MIN_SECRET,
        required=False,
        help_text=gettext_lazy(
            "Ít nhất 16 ký tự, dùng chung với hệ thống bên kia; không hiển thị lại sau khi "
            "lưu. Để trống: giữ khóa hiện tại."
        ),
    )

    class Meta:
        model = Peer
        fields = ["code", "name", "kind", "base_url", "secret", "adapter", "agency_codes", "active"]

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if not secret and not (self.instance and self.instance.pk):
            raise forms.ValidationError(_("Cần nhập khóa ký cho hệ thống mới."))
        return secret or self.instance.secret


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    form = PeerForm
    list_display = ("code", "name", "kind", "base_url", "adapter", "active", "managed")
    list_filter = ("kind", "active", "managed")
    search_fields = ("code", "name", "base_url")


@admin.register(Link)
class LinkAdmin(ReadOnlyModelAdmin):
    list_display = (
        "dossier",
        "peer",
        "side",
        "remote_id",
        "next_out_seq",
        "last_in_seq",
        "handed_over_at",
        "last_synced_at",
    )
    list_filter = ("side", "peer")
    search_fields = ("dossier__code", "remote_id")
    list_select_related = ("dossier", "peer")


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("trạng thái")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return OutMessage.State.choices

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(OutMessage)
class OutMessageAdmin(OutboxAdmin):
    list_display = (
        "id",
        "peer",
        "type",
        "dossier_code",
        "seq",
        "state",
        "attempts",
        "created_at",
        "delivered_at",
        "short_error",
    )
    list_filter = (StateFilter, "peer", "type")
    search_fields = ("link__dossier__code", "message_id")
    list_select_related = ("peer", "link__dossier")
    replay_rows = staticmethod(outbox.replay)
    replayed_message = gettext_lazy("Đã đưa %(count)d thông điệp trở lại hàng chờ gửi.")

    @admin.display(description=gettext_lazy("mã hồ sơ"))
    def dossier_code(self, obj):
        return obj.link.dossier.code if obj.link_id else "–"


@admin.register(InMessage)
class InMessageAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "peer",
        "type",
        "seq",
        "sender_id",
        "received_at",
        "applied_at",
        "attempts",
        "dead_at",
        "short_error",
    )
    list_filter = (
        "peer",
        "type",
        ("applied_at", admin.EmptyFieldListFilter),
        ("dead_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("message_id", "sender_id", "link__dossier__code")
    list_select_related = ("peer",)
    actions = ["retry", "skip"]

    @admin.display(description=gettext_lazy("lỗi"))
    def short_error(self, obj):
        return obj.error[:120]

    @admin.action(
        description=gettext_lazy("Áp dụng lại các thông điệp chưa áp dụng"),
        permissions=["change"],
    )
    def retry(self, request, queryset):
        count = inbox.retry_waiting(queryset)
        self.message_user(
            request,
            _("Đã áp dụng %(count)d thông điệp.") % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=gettext_lazy("Bỏ qua các thông điệp bị loại (áp dụng các thông điệp sau)"),
        permissions=["change"],
    )
    def skip(self, request, queryset):
        count = inbox.skip_dead(queryset)
        self.message_user(
            request,
            _("Đã áp dụng %(count)d thông điệp.") % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or request.user.has_perm("exchange.change_inmessage")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InMessage._meta.fields]
