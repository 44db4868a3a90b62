"""What the officer is told after an action: what happened to the dossier and what comes
next for them, in their words (never the applicant's: "hồ sơ của bạn")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import TRANSITIONS

MESSAGES = {
    "receive": _lazy("Đã tiếp nhận hồ sơ %(code)s, hẹn trả %(due)s."),
    "accept_transfer": _lazy("Đã tiếp nhận hồ sơ liên thông %(code)s, hạn trả %(due)s."),
    "refuse_intake": _lazy(
        "Đã từ chối tiếp nhận hồ sơ %(code)s; người nộp nhận thông báo kèm lý do đã ghi."
    ),
    "start_processing": _lazy("Đã chuyển hồ sơ %(code)s sang xử lý%(who)s."),
    "assign": _lazy("Đã phân công hồ sơ %(code)s%(who)s."),
    "give_opinion": _lazy(
        "Đã ghi ý kiến thẩm định và chuyển hồ sơ %(code)s sang bước tiếp theo%(who)s."
    ),
    "forward": _lazy("Đã chuyển hồ sơ %(code)s sang bước tiếp theo%(who)s."),
    "request_supplement": _lazy(
        "Đã gửi yêu cầu bổ sung hồ sơ %(code)s; thời hạn giải quyết tạm dừng đến khi người "
        "nộp bổ sung."
    ),
    "provide_supplement": _lazy("Đã ghi nhận bổ sung hồ sơ %(code)s; tiếp tục giải quyết."),
    "approve": _lazy("Đã phê duyệt hồ sơ %(code)s; bộ phận một cửa ban hành và trả kết quả."),
    "refuse": _lazy("Đã từ chối giải quyết hồ sơ %(code)s; người nộp nhận thông báo kèm lý do."),
    "transfer": _lazy("Đã chuyển hồ sơ %(code)s đến %(agency)s (liên thông)."),
    "issue_result": _lazy("Đã ban hành kết quả hồ sơ %(code)s; bước tiếp theo: trả kết quả."),
    "return_result": _lazy("Đã trả kết quả hồ sơ %(code)s cho người nộp; hồ sơ hoàn thành."),
    "stop": _lazy("Đã dừng giải quyết hồ sơ %(code)s theo đề nghị của người nộp."),
}


def done_message(dossier: Dossier, action: str) -> str:
    """The success message of ``action`` just done on ``dossier`` (re-read after it)."""
    who = ""
    if dossier.assignee_id and action in ("start_processing", "assign", "give_opinion", "forward"):
        who = _(", giao cho %(name)s") % {
            "name": dossier.assignee.full_name or dossier.assignee.username
        }
    template = MESSAGES.get(action)
    if template is None:
        return _("Đã thực hiện “%(action)s” cho hồ sơ %(code)s.") % {
            "action": TRANSITIONS[action].label,
            "code": dossier.code,
        }
    return str(template) % {
        "code": dossier.code,
        "due": dossier.due_date.strftime("%d/%m/%Y") if dossier.due_date else "—",
        "who": who,
        "agency": dossier.agency.name,
    }
