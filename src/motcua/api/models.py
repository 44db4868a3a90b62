"""The systems allowed to call the API, and the stored answers of creating calls."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from motcua.agencies.models import Agency

from .scopes import SCOPES


class ApiClient(models.Model):
    """A system (another agency's software, a national platform) calling the API.

    It signs in with the OAuth2 client-credentials grant of its ``application`` at
    ``/idp/token/``, and may only read dossiers of ``agencies`` (and of what is below
    them) and act on those of ``agencies`` and their units (never of a separate agency
    under them), within ``scopes``; it acts as the agencies' one-stop desk does.
    """

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("ứng dụng OAuth2"),
        on_delete=models.CASCADE,
        related_name="motcua_api_client",
    )
    name = models.CharField(_("tên hệ thống"), max_length=255)
    # The technical account recorded as the actor of what the system does (history,
    # audit); it cannot sign in.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản kỹ thuật"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    agencies = models.ManyToManyField(Agency, verbose_name=_("cơ quan được phép"), related_name="+")
    scopes = models.CharField(
        _("phạm vi quyền"),
        max_length=255,
        help_text=_("Cách nhau bởi dấu cách, ví dụ: dossiers:read dossiers:write"),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống kết nối API")
        verbose_name_plural = _("hệ thống kết nối API")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split() if s in SCOPES]

    def clean(self) -> None:
        unknown = sorted(set(self.scopes.split()) - set(SCOPES))
        if unknown:
            raise ValidationError(
                {
                    "scopes": _("Phạm vi quyền không hợp lệ: %(names)s. Chỉ dùng: %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(SCOPES)}
                }
            )


class IdempotencyRecord(models.Model):
    """The answer to one creating call, replayed when the same call is sent again.

    ``response_status`` is empty while the first request is still running.
    """

    principal = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("khóa chống gửi lặp")
        verbose_name_plural = _("khóa chống gửi lặp")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
