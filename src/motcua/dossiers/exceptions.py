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


class InvalidData(DossierError):
    """Data refused by the e-form's rules; ``problems`` maps each data path to its
    Vietnamese messages (``""``: the whole form)."""

    def __init__(
        self, problems: dict[str, list[str]], message: str = "", code: str = "invalid_data"
    ):
        super().__init__(
            message or _("Dữ liệu chưa hợp lệ; vui lòng sửa các mục được đánh dấu."), code=code
        )
        self.problems = problems
