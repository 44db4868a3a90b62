"""What a citizen is told about each dossier event: subject, email text and SMS text.

Texts are Django templates under ``templates/notifications/{email,sms}/<template>.txt``
with the Vietnamese text as the msgid; they are rendered in the site language
(Vietnamese) whatever language the officer who caused the event uses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, Status

from . import conf


@dataclass(frozen=True)
class EventMessage:
    subject: Any  # lazy Vietnamese text with %(code)s / %(agency)s
    template: str
    # Whether the event's note is the reason given to the citizen (else it is internal).
    note_is_reason: bool = False


RECEIVED = EventMessage(_("Hồ sơ %(code)s đã được tiếp nhận"), "receive")

# The dossier events a citizen is told about. Self-loops inside the agency (assign,
# forward, give_opinion), payments and ratings are not announced.
MESSAGES: dict[str, EventMessage] = {
    "submit": EventMessage(_("Hồ sơ %(code)s đã được nộp thành công"), "submit"),
    "receive": RECEIVED,
    "counter_intake": RECEIVED,
    "refuse_intake": EventMessage(
        _("Hồ sơ %(code)s không được tiếp nhận"), "refuse_intake", note_is_reason=True
    ),
    "request_supplement": EventMessage(
        _("Hồ sơ %(code)s cần bổ sung giấy tờ"), "request_supplement", note_is_reason=True
    ),
    "provide_supplement": EventMessage(
        _("Hồ sơ %(code)s đã được bổ sung, tiếp tục giải quyết"), "provide_supplement"
    ),
    "supplement_overdue": EventMessage(
        _("Hồ sơ %(code)s đã quá hạn bổ sung giấy tờ"), "supplement_overdue"
    ),
    "expire_supplement": EventMessage(
        _("Hồ sơ %(code)s đã kết thúc do quá hạn bổ sung"),
        "expire_supplement",
        note_is_reason=True,
    ),
    "approve": EventMessage(_("Hồ sơ %(code)s đã được phê duyệt"), "approve"),
    "refuse": EventMessage(
        _("Hồ sơ %(code)s bị từ chối giải quyết"), "refuse", note_is_reason=True
    ),
    "issue_result": EventMessage(_("Hồ sơ %(code)s đã có kết quả"), "issue_result"),
    "return_result": EventMessage(_("Hồ sơ %(code)s đã được trả kết quả"), "return_result"),
    # Results sent by post (motcua.postal): the parcel left, or the post brought it back.
    "postal_sent": EventMessage(
        _("Kết quả hồ sơ %(code)s đã được gửi qua bưu chính"), "postal_sent"
    ),
    "postal_returned": EventMessage(
        _("Bưu chính chưa giao được kết quả hồ sơ %(code)s"),
        "postal_returned",
        note_is_reason=True,
    ),
    "withdraw": EventMessage(_("Hồ sơ %(code)s đã được rút"), "withdraw"),
    # Decree 118/2025/NĐ-CP Art. 21 (form 05): the stop is notified to the applicant.
    "stop": EventMessage(_("Hồ sơ %(code)s đã được dừng giải quyết"), "stop", note_is_reason=True),
    "complete_intake": EventMessage(
        _("Hồ sơ %(code)s đã được bổ sung, chờ tiếp nhận"), "complete_intake"
    ),
    "transfer": EventMessage(_("Hồ sơ %(code)s được chuyển đến %(agency)s"), "transfer"),
    "apology_sent": EventMessage(
        _("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ %(code)s"), "apology_sent"
    ),
}

# While the dossier is being handled, its (new) appointment date is worth repeating.
IN_HAND = {
    Status.RECEIVED,
    Status.IN_PROCESS,
    Status.WAITING_SUPPLEMENT,
    Status.APPROVED,
    Status.TRANSFERRED,
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    email: str
    sms: str


def _day(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


def context_for(dossier: Dossier, event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The values the templates use (plain strings, dates as dd/mm/yyyy)."""
    message = MESSAGES[event]
    reason = data.get("reason") or (data.get("note") if message.note_is_reason else "") or ""
    in_hand = dossier.status in IN_HAND
    return {
        "name": dossier.applicant.name,
        "code": dossier.code or "",
        "procedure": dossier.procedure_version.name,
        "agency": dossier.agency.name,
        "status": dossier.get_status_display(),
        "due_date": _day(dossier.due_date) if in_hand else "",
        "appointment_date": _day(dossier.appointment_date) if in_hand else "",
        "new_date": _day(data.get("new_date")),
        "last_day": _day(data.get("last_day")),
        "reason": str(reason).strip(),
        "tracking": str(data.get("tracking") or ""),
        "site_url": conf.site_url(),
    }


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def render(dossier: Dossier, event: str, data: dict[str, Any]) -> Rendered:
    """The subject, email body and SMS text for ``event`` on ``dossier``.

    Raises KeyError for an event citizens are not told about (see MESSAGES).
    """
    message = MESSAGES[event]
    context = context_for(dossier, event, data)
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(message.subject) % context
        email = render_to_string(f"notifications/email/{message.template}.txt", context)
        sms = render_to_string(f"notifications/sms/{message.template}.txt", context)
    return Rendered(
        subject=" ".join(subject.split())[:255],
        email=_tidy(email),
        sms=" ".join(sms.split()),
    )
