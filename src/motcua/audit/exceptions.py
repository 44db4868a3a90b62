"""Errors raised by the audit trail."""

from django.utils.translation import gettext_lazy as _


class AuditRecordImmutable(Exception):
    """Raised on any attempt to change or remove an audit record through the ORM."""

    def __init__(self, what: str = "") -> None:
        message = _("Nhật ký kiểm tra chỉ được ghi thêm: không được sửa hoặc xoá bản ghi.")
        super().__init__(f"{message} ({what})" if what else str(message))


class AuditDataError(ValueError):
    """Raised when the data given to ``record()`` cannot be stored and hashed reproducibly."""
