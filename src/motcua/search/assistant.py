"""The virtual assistant: a citizen's question in, the procedure(s) and what to bring out.

One function, ``answer``, feeds both the chat page and its JSON endpoint, so
they always say the same thing. It runs entirely offline on ``search``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.catalog.fees import quote
from motcua.catalog.models import ProcedureVersion

from .selectors import Hit, search

# When the second procedure scores this close to the first, ask which one.
CLOSE_RATIO = 0.9


def _procedure(version: ProcedureVersion) -> dict:
    url = reverse("portal:procedure", args=[version.procedure.code])
    fee = quote(version)
    return {
        "code": version.procedure.code,
        "name": version.name,
        "url": url,
        "documents": [c.name for c in version.components.all()],
        "fee_vnd": fee.counter_vnd,
        "online_fee_vnd": fee.online_vnd,
        "processing_days": version.processing_days,
        "authority": version.authority,
        "level": version.get_level_display(),
        "service_level": version.get_service_level_display(),
        "offered_online": version.is_offered_online,
        "result": version.result_name,
    }


def _link(hit: Hit) -> dict:
    return {
        "code": hit.code,
        "name": hit.name,
        "url": reverse("portal:procedure", args=[hit.code]),
    }


def answer(question: str) -> dict:
    """The assistant's reply to ``question`` as plain data (JSON-ready).

    ``kind`` is ``answer`` (one procedure, with documents, fee, time and where
    to apply), ``clarify`` (two close candidates: which one?) or ``not_found``
    (with popular procedures as suggestions). Never raises on user input.
    """
    question = (question or "").strip()[:300]
    result = search(question, limit=3)
    reply = {"question": question, "procedures": [], "options": [], "suggestions": []}
    if not result.hits:
        reply["kind"] = "not_found"
        reply["message"] = _(
            "Không tìm thấy thủ tục phù hợp với câu hỏi. Hãy thử diễn đạt khác, "
            "ví dụ “làm giấy khai sinh cho con”, hoặc chọn một thủ tục thường gặp dưới đây."
        )
        reply["suggestions"] = [_link(h) for h in result.suggestions]
        return reply
    first, *others = result.hits
    if others and others[0].score >= CLOSE_RATIO * first.score:
        reply["kind"] = "clarify"
        reply["message"] = _("Bạn muốn làm thủ tục nào dưới đây?")
        reply["options"] = [_link(first), _link(others[0])]
        return reply
    version = (
        ProcedureVersion.objects.select_related("procedure")
        .prefetch_related("components")
        .get(pk=first.version_id)
    )
    reply["kind"] = "answer"
    reply["message"] = _("Thủ tục phù hợp nhất với câu hỏi của bạn là: %(name)s.") % {
        "name": version.name
    }
    reply["procedures"] = [_procedure(version)]
    reply["options"] = [_link(h) for h in others]
    return reply
