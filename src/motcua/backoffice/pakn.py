"""The officers' PAKN screens (``/mot-cua/phan-anh-kien-nghi/``): the queue (new, due soon,
overdue, answered, all), one PAKN with its answer form, publishing, reassigning, its
files, and the figures panel.

They live in the back office, not in ``feedback``: limiting an officer to their
agencies is ``scope``'s job and ``feedback`` may not import the back office
(docs/ARCHITECTURE.md: backoffice → feedback). Seeing follows ``scope.officer_agencies``
(the agency and everything below it, supervisors included); answering, publishing and
reassigning need a desk, specialist or leader role in the PAKN's own agency
(``scope.roles_at_agency``): supervisors read, they do not act.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.agencies.models import Agency, Role
from motcua.feedback import selectors as pakn_selectors
from motcua.feedback import services as pakn_services
from motcua.feedback.exceptions import FeedbackError
from motcua.feedback.forms import AnswerForm, ReassignForm
from motcua.feedback.models import Feedback, FeedbackAttachment
from motcua.feedback.public import pakn_facts
from motcua.lib.downloads import file_response

from . import scope
from .views import forbidden, officer_required

ACTING_ROLES = frozenset({Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER})
TABS = (
    ("moi", gettext_lazy("Mới, đang xử lý")),
    ("sap-den-han", gettext_lazy("Sắp đến hạn")),
    ("qua-han", gettext_lazy("Quá hạn")),
    ("da-tra-loi", gettext_lazy("Đã trả lời")),
    ("tat-ca", gettext_lazy("Tất cả")),
)


def feedback_for(user):
    """The PAKN ``user`` may see: those of their agencies' subtree (all for a superuser)."""
    qs = Feedback.objects.select_related("agency", "dossier")
    agencies = scope.officer_agencies(user)
    return qs if agencies is None else qs.filter(agency_id__in=agencies)


def _get(user, public_id) -> Feedback:
    try:
        return feedback_for(user).get(public_id=public_id)
    except Feedback.DoesNotExist:
        raise Http404("Không tìm thấy phản ánh") from None


def may_act(user, feedback: Feedback) -> bool:
    return bool(scope.roles_at_agency(user, feedback.agency) & ACTING_ROLES)


@officer_required
def queue(request):
    slug = request.GET.get("hang", pakn_selectors.DEFAULT_QUEUE)
    if slug not in pakn_selectors.QUEUES:
        slug = pakn_selectors.DEFAULT_QUEUE
    base = feedback_for(request.user)
    today = timezone.localdate()
    counts = pakn_selectors.queue_counts(base, today)
    page = Paginator(pakn_selectors.queue(base, slug, today), 30).get_page(request.GET.get("trang"))
    soon = pakn_selectors.due_soon_limit(today)
    rows = [
        (
            f,
            "overdue"
            if not f.is_answered and f.due_date < today
            else "due_soon"
            if not f.is_answered and f.due_date <= soon
            else "",
        )
        for f in page
    ]
    return render(
        request,
        "backoffice/pakn_queue.html",
        {
            "tabs": [(s, label, counts[s]) for s, label in TABS],
            "current": slug,
            "page": page,
            "rows": rows,
        },
    )


@officer_required
def detail(request, public_id):
    feedback = _get(request.user, public_id)
    acting = may_act(request.user, feedback)
    preview = None
    if feedback.is_answered and not feedback.is_published:
        preview = pakn_services.published_texts(feedback, feedback.answer)
    return render(
        request,
        "backoffice/pakn.html",
        {
            "feedback": feedback,
            "attachments": feedback.attachments.all(),
            "acting": acting,
            "answer_form": AnswerForm() if acting and not feedback.is_answered else None,
            "reassign_form": ReassignForm(exclude_id=feedback.agency_id)
            if acting and not feedback.is_answered
            else None,
            "preview": preview,
            "on_time": pakn_selectors.answered_on_time(feedback),
        },
    )


def _refuse_unless_acting(request, feedback):
    if not may_act(request.user, feedback):
        return forbidden(
            request,
            _(
                "Chỉ cán bộ một cửa, chuyên viên hoặc lãnh đạo của cơ quan xử lý mới "
                "thực hiện được."
            ),
        )
    return None


@officer_required
@require_POST
def answer(request, public_id):
    feedback = _get(request.user, public_id)
    refused = _refuse_unless_acting(request, feedback)
    if refused:
        return refused
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            pakn_services.answer_feedback(
                feedback,
                text=form.cleaned_data["answer"],
                by=request.user,
                publish=form.cleaned_data["publish"],
                uploads=form.cleaned_data["files"],
            )
        except FeedbackError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã gửi trả lời; người gửi được thông báo."))
            return redirect("backoffice:pakn", feedback.public_id)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("backoffice:pakn", feedback.public_id)


@officer_required
@require_POST
def publish(request, public_id):
    feedback = _get(request.user, public_id)
    refused = _refuse_unless_acting(request, feedback)
    if refused:
        return refused
    try:
        pakn_services.publish_feedback(feedback, by=request.user)
    except FeedbackError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã công khai trên Cổng dịch vụ công."))
    return redirect("backoffice:pakn", feedback.public_id)


@officer_required
@require_POST
def reassign(request, public_id):
    feedback = _get(request.user, public_id)
    refused = _refuse_unless_acting(request, feedback)
    if refused:
        return refused
    form = ReassignForm(request.POST, exclude_id=feedback.agency_id)
    if form.is_valid():
        try:
            pakn_services.reassign_feedback(
                feedback,
                agency=form.cleaned_data["agency"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except FeedbackError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Đã chuyển phản ánh đến %(agency)s.")
                % {"agency": form.cleaned_data["agency"].name},
            )
            if _get_or_none(request.user, feedback.public_id) is None:
                return redirect("backoffice:pakn_queue")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("backoffice:pakn", feedback.public_id)


def _get_or_none(user, public_id):
    return feedback_for(user).filter(public_id=public_id).first()


@officer_required
def attachment(request, public_id):
    item = (
        FeedbackAttachment.objects.select_related("feedback__agency")
        .filter(public_id=public_id)
        .first()
    )
    if item is None or _get_or_none(request.user, item.feedback.public_id) is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return file_response(handle, filename=item.original_name, content_type=item.content_type)


def _month_bounds(value: str) -> tuple[dt.date, dt.date]:
    try:
        start = dt.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        start = timezone.localdate().replace(day=1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}".replace(".", ",") + " %" if whole else "–"


@officer_required
def figures(request):
    """The PAKN figures of a month per agency in the officer's reach (a supervisor sees
    the agencies below them): received, answered on time, late, satisfaction."""
    start, end = _month_bounds(request.GET.get("thang", ""))
    reach = feedback_for(request.user).values_list("agency_id", flat=True).distinct()
    agencies = Agency.objects.filter(pk__in=set(reach)).order_by("name")
    rows = []
    for agency in agencies:
        facts = pakn_facts([agency.pk], start, end)
        rows.append(
            {
                "agency": agency,
                "facts": facts,
                "on_time": _percent(facts.handled_on_time, facts.handled),
                "satisfaction": _percent(facts.satisfied, facts.rated),
            }
        )
    return render(
        request,
        "backoffice/pakn_figures.html",
        {"rows": rows, "start": start, "end": end, "month": start.strftime("%Y-%m")},
    )
