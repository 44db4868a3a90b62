"""The portal's PAKN pages (``/phan-anh-kien-nghi/``): the published list, filing (signed
in or not), "Phản ánh của tôi", one's own PAKN, the look-up by code and secret (where an
anonymous sender reads the answer and rates it). Thin: services do the work."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from motcua.accounts.citizen import citizen_required, current_applicant
from motcua.accounts.ratelimit import hit, rate_limited, too_many_requests
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.lib.downloads import file_response

from . import selectors, services
from .exceptions import FeedbackError
from .forms import FileFeedbackForm, LookupForm, RateForm
from .models import Feedback, Subject

SENT_KEY = "motcua_pakn_sent"


def _page_size() -> int:
    return int(getattr(settings, "MOTCUA_PAKN_PAGE_SIZE", 20))


def index(request):
    """The published PAKN and their answers (anonymised), searchable, paginated."""
    query = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.published(query), _page_size()).get_page(request.GET.get("trang"))
    return render(request, "feedback/index.html", {"page": page, "query": query})


def _initial(request, applicant) -> dict:
    initial = {}
    dossier_id = request.GET.get("ho_so", "")
    if applicant is not None and dossier_id:
        dossier = (
            Dossier.objects.filter(applicant=applicant, public_id=dossier_id).first()
            if _is_uuid(dossier_id)
            else None
        )
        if dossier is not None:
            initial.update(subject=Subject.DOSSIER, own_dossier=str(dossier.public_id))
    code = request.GET.get("thu_tuc", "")
    if code and Procedure.objects.filter(code=code).exists():
        initial.update(subject=Subject.PROCEDURE, procedure=code)
    return initial


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@never_cache
@rate_limited("pakn-file")
def file(request):
    """File a PAKN. Signed in, the citizen's dossiers are offered and their contact used;
    anonymous, a name and a phone or an e-mail are needed (Decree 20/2008/NĐ-CP art. 7)."""
    applicant = current_applicant(request) if request.user.is_authenticated else None
    form = FileFeedbackForm(
        request.POST or None,
        request.FILES or None,
        applicant=applicant,
        initial=_initial(request, applicant),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = services.file_feedback(
                kind=data["kind"],
                subject=data["subject"],
                title=data["title"],
                content=data["content"],
                dossier=data["dossier"],
                procedure=data["procedure_obj"],
                agency=data["agency_obj"],
                applicant=applicant,
                user=request.user,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                contact_address=data["contact_address"],
                uploads=data["files"],
            )
        except FeedbackError as refused:
            form.add_error(None, refused.message)
        else:
            request.session[SENT_KEY] = {"code": feedback.code, "secret": feedback.lookup_secret}
            return redirect("feedback:sent")
    return render(request, "feedback/file.html", {"form": form, "applicant": applicant})


@never_cache
def sent(request):
    """The code and look-up secret of the PAKN just filed (shown once, to this session)."""
    sent_ = request.session.get(SENT_KEY)
    if not sent_:
        return redirect("feedback:file")
    feedback = Feedback.objects.select_related("agency").filter(code=sent_["code"]).first()
    if feedback is None:
        raise Http404
    return render(request, "feedback/sent.html", {"feedback": feedback, "secret": sent_["secret"]})


@citizen_required
@never_cache
def mine(request):
    """ "Phản ánh của tôi": what the signed-in citizen filed, newest first."""
    applicant = current_applicant(request)
    items = selectors.feedback_of(applicant) if applicant is not None else Feedback.objects.none()
    page = Paginator(items, _page_size()).get_page(request.GET.get("trang"))
    return render(request, "feedback/mine.html", {"page": page})


def _own(request, public_id) -> Feedback:
    applicant = current_applicant(request)
    if applicant is None:
        raise Http404
    try:
        return selectors.own_feedback(applicant, public_id)
    except Feedback.DoesNotExist:
        raise Http404 from None


@citizen_required
@never_cache
def detail(request, public_id):
    """One of the citizen's own PAKN: what was sent, the answer, the rating."""
    feedback = _own(request, public_id)
    return render(
        request,
        "feedback/detail.html",
        {
            "feedback": feedback,
            "attachments": feedback.attachments.all(),
            "rate_form": RateForm()
            if feedback.is_answered and feedback.satisfied is None
            else None,
        },
    )


@citizen_required
@require_POST
def rate(request, public_id):
    """Satisfied or not with the answer, once."""
    feedback = _own(request, public_id)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate_feedback(
                feedback, satisfied=form.cleaned_data["satisfied"], by=request.user
            )
        except FeedbackError as refused:
            messages.info(request, refused.message)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá!"))
    else:
        messages.error(request, _("Hãy chọn Hài lòng hoặc Không hài lòng."))
    return redirect("feedback:detail", feedback.public_id)


@citizen_required
def attachment(request, public_id, attachment_id):
    """A file of the citizen's own PAKN or of its answer."""
    feedback = _own(request, public_id)
    item = feedback.attachments.filter(public_id=attachment_id).first()
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return file_response(handle, filename=item.original_name, content_type=item.content_type)


def _code_wait(code: str) -> int | None:
    rate_ = getattr(settings, "MOTCUA_LOOKUP_CODE_RATE", "")
    code = (code or "").strip().upper()
    return hit("pakn-lookup-code", code, rate_) if rate_ and code else None


@never_cache
@rate_limited("pakn-lookup")
def lookup(request):
    """The look-up by code and secret (both needed; a wrong one of either gives the same
    answer). The sender reads the answer here and rates it (``danh_gia``), once."""
    if request.method == "POST":
        wait = _code_wait(request.POST.get("code", ""))
        if wait is not None:
            return too_many_requests(request, wait)
    form = LookupForm(request.POST or None)
    feedback = None
    if request.method == "POST" and form.is_valid():
        feedback = selectors.find_for_lookup(form.cleaned_data["code"], form.cleaned_data["secret"])
        if feedback is None:
            form.add_error(
                None,
                _("Không tìm thấy phản ánh với mã phản ánh và mã tra cứu này. Hãy kiểm tra lại."),
            )
        elif "danh_gia" in request.POST:
            rate_form = RateForm(request.POST)
            if rate_form.is_valid():
                try:
                    feedback = services.rate_feedback(
                        feedback, satisfied=rate_form.cleaned_data["satisfied"], by=None
                    )
                except FeedbackError as refused:
                    messages.info(request, refused.message)
                else:
                    messages.success(request, _("Cảm ơn bạn đã đánh giá!"))
            else:
                messages.error(request, _("Hãy chọn Hài lòng hoặc Không hài lòng."))
    return render(
        request,
        "feedback/lookup.html",
        {
            "form": form,
            "feedback": feedback,
            "rate_form": RateForm()
            if feedback is not None and feedback.is_answered and feedback.satisfied is None
            else None,
        },
    )
