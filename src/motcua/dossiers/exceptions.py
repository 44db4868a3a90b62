from django.utils.translation import gettext as _


class DossierError(Exception):
    """A business rule refused the action; ``message`` is shown to the user (Vietnamese)."""

    def __init__(self, message: str, code: str = "dossier_error"):
        super().__init__(message)
        self.message = message
        self.code = code


class IllegalTransition(DossierError):
    def __init__(self, action: str, status_label: str):
        super().__init__(
            _(
                "Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”. "
                "Vui lòng tải lại trang để xem trạng thái mới nhất."
            )
            % {"action": action, "status": status_label},
            code="illegal_transition",
        )


class ConcurrentChange(DossierError):
    def __init__(self):
        super().__init__(
            _("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang và thử lại."),
            code="concurrent_change",
        )
