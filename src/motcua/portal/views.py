from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import eform
from motcua.catalog.fees import quote
from motcua.catalog.models import AuthorityLevel, ProcedureVersion
from motcua.catalog.selectors import online_only_rules
from motcua.search import assistant
from motcua.search import selectors as search_selectors
from motcua.search import services as search_services
from motcua.search.folding import fold
from motcua.search.selectors import search

from . import selectors
from .page_cache import cached_procedure_page


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name) or 0) or None
    except ValueError:
        return None


def _versions_for(hits) -> list[ProcedureVersion]:
    """The versions of ``hits``, in the hits' order."""
    by_id = ProcedureVersion.objects.select_related("procedure", "sector").in_bulk(
        [h.version_id for h in hits]
    )
    return [by_id[h.version_id] for h in hits if h.version_id in by_id]


HOME_POPULAR = 6
HOME_LIFE_EVENTS = 8
CATALOGUE_PARAMS = ("q", "linh_vuc", "co_quan", "trang", "tat_ca")


def home(request):
    """The citizen's home: one search box, the most used services, life events leading
    to the procedures each needs. With a filter (``q``, ``linh_vuc``, ``co_quan``) or
    ``tat_ca``, the whole catalogue by sector, agency and name."""
    if not any(key in request.GET for key in CATALOGUE_PARAMS):
        return render(
            request,
            "portal/home.html",
            {
                "popular": [
                    hit
                    for hit in search_selectors.popular_procedures(count=HOME_POPULAR)
                    if hit.code
                ],
                "life_events": assistant.life_event_plans(HOME_LIFE_EVENTS),
            },
        )
    return catalogue(request)


def catalogue(request):
    """The public catalogue: procedures by sector, with a name filter."""
    name = request.GET.get("q", "")[:100]
    sector_id = _int_param(request, "linh_vuc")
    agency_id = _int_param(request, "co_quan")
    if name.strip():
        # Citizens' words, not official names: the search, best match first.
        # The home page filters by name: keep hits whose name has a matched word
        # (after lexicon expansion), not those found only in documents or results.
        hits = search(name, limit=50, sector=sector_id, agency=agency_id).hits
        versions = _versions_for(
            [h for h in hits if set(h.matched_terms) & set(fold(h.name).split())]
        )
    else:
        versions = selectors.public_versions(sector_id=sector_id, agency_id=agency_id)
    page = Paginator(versions, 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "portal/catalogue.html",
        {
            "page": page,
            "q": name,
            "sector_id": sector_id,
            "sectors": selectors.Sector.objects.order_by("name"),
            "agency_id": agency_id,
            "agencies": selectors.browsable_agencies(),
        },
    )


@cached_procedure_page
def procedure_detail(request, code: str):
    version = selectors.procedure_page(code)
    if version is None:
        raise Http404
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "version": version,
            "fee": quote(version),
            "components": version.components.all(),
            "replaced": set(eform.replaced_components(eform.upgrade(version.form_schema))),
            "steps": version.steps.all(),
            "online_only": list(online_only_rules(version.procedure, timezone.localdate())),
        },
    )


def search_results(request):
    """The search results page: the citizen's words, filtered by sector and level."""
    q = request.GET.get("q", "")[:200]
    sector_id = _int_param(request, "linh_vuc")
    level = request.GET.get("cap") or None
    if level not in AuthorityLevel.values:
        level = None
    result = search(q, limit=20, sector=sector_id, level=level)
    return render(
        request,
        "portal/search.html",
        {
            "q": q,
            "sector_id": sector_id,
            "level": level,
            "levels": AuthorityLevel.choices,
            "sectors": selectors.Sector.objects.order_by("name"),
            "versions": _versions_for(result.hits),
            "suggestions": result.suggestions,
        },
    )


ASKED_KEY = "assistant_questions"
ASKED_KEEP = 20


def _ask(request, q: str, previous: str, situation: str | None) -> dict | None:
    """The reply; a follow-up not understood alone is read with the previous question."""
    if situation and not q.strip():
        return assistant.answer("", situation=situation)
    if not q.strip():
        return None
    reply = assistant.answer(q)
    if reply["kind"] == "not_understood" and previous.strip():
        combined = assistant.answer(f"{previous} {q}")
        if combined["kind"] in ("plan", "alternatives"):
            combined["question"] = q
            reply = combined
    return reply


def assistant_page(request):
    """The virtual assistant: a question (or a follow-up) in the citizen's words, a plan back.

    Each question is kept (numbers masked) so the citizen can rate the answer or
    send it to an officer; the session remembers which questions are theirs.
    """
    q = request.GET.get("q", "")
    previous = request.GET.get("truoc", "")
    reply = _ask(request, q, previous, request.GET.get("tinh_huong") or None)
    question_id = question_public_id = None
    if reply is not None and q.strip():
        question = search_services.record_question(q, reply)
        question_id, question_public_id = question.pk, question.public_id
        asked = [question_id, *request.session.get(ASKED_KEY, [])][:ASKED_KEEP]
        request.session[ASKED_KEY] = asked
    return render(
        request,
        "portal/assistant.html",
        {
            "q": q,
            "reply": reply,
            "question_id": question_public_id,
            "previous": q or previous,
            "situations": assistant.life_events() if reply is None else [],
        },
    )


@require_POST
def assistant_feedback(request, public_id):
    """The citizen rates an answer ("Có ích" / "Không có ích") or sends it to an officer."""
    question_id = search_services.question_pk(public_id)
    if question_id is None or question_id not in request.session.get(ASKED_KEY, []):
        raise Http404
    action = request.POST.get("y_kien", "")
    if action == "co_ich":
        search_services.rate_question(question_id, True)
        messages.success(request, _("Cảm ơn bạn đã đánh giá câu trả lời."))
    elif action == "khong_co_ich":
        search_services.rate_question(question_id, False)
        messages.success(
            request, _("Cảm ơn bạn. Cán bộ sẽ xem lại câu hỏi này để trợ lý trả lời tốt hơn.")
        )
    elif action == "gui_can_bo":
        search_services.refer_question(question_id)
        messages.success(
            request, _("Đã gửi câu hỏi của bạn cho cán bộ. Câu trả lời sẽ được bổ sung vào trợ lý.")
        )
    else:
        messages.error(request, _("Vui lòng chọn “Có ích”, “Không có ích” hoặc gửi cho cán bộ."))
    return redirect("portal:assistant")


def assistant_api(request):
    """The assistant's answer as JSON (same content as the page)."""
    return JsonResponse(
        assistant.answer(request.GET.get("q", ""), situation=request.GET.get("tinh_huong") or None),
        json_dumps_params={"ensure_ascii": False},
    )
