from django.utils.translation import gettext as _


class PaymentError(Exception):
    """A payment rule refused the action; ``message`` is shown to the user (Vietnamese)."""

    def __init__(self, message: str, code: str = "payment_error"):
        super().__init__(message)
        self.message = message
        self.code = code


class NothingDue(PaymentError):
    def __init__(self):
        super().__init__(_("Hồ sơ này không phải nộp phí, lệ phí."), code="nothing_due")
