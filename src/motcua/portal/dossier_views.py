"""Following one's dossiers: the list, the dossier page, supplement, withdraw, rating."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.accounts.models import mask_identifier
from motcua.datastore import selectors as datastore_selectors
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import max_upload_bytes
from motcua.dossiers.models import Rating, Status
from motcua.dossiers.workflow import OPEN_BEFORE_DECISION, RATEABLE
from motcua.lib.downloads import file_response

from . import selectors, services
from .access import citizen_view
from .forms import RatingForm, SupplementForm, WithdrawForm


@citizen_view
def my_dossiers(request, applicant):
    """ "Hồ sơ của tôi": every dossier of the applicant, newest first, paginated."""
    page = Paginator(selectors.my_dossiers(applicant), settings.MOTCUA_PORTAL_PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(request, "portal/my_dossiers.html", {"page": page, "applicant": applicant})


def _rating_of(dossier):
    try:
        return dossier.rating
    except Rating.DoesNotExist:
        return None


@citizen_view
def dossier_detail(request, applicant, public_id):
    """One dossier: where it is, the timeline of its statuses, its files, what one can do."""
    dossier = selectors.dossier_for(applicant, public_id)
    expected, estimated = selectors.expected_result_date(dossier)
    rating = _rating_of(dossier)
    return render(
        request,
        "portal/dossier.html",
        {
            "dossier": dossier,
            "masked_id": mask_identifier(dossier.applicant.identifier),
            "timeline": selectors.timeline(dossier),
            "attachments": dossier.attachments.select_related("component"),
            "expected": expected,
            "estimated": estimated,
            "supplement_request": selectors.supplement_request(dossier)
            if dossier.status == Status.WAITING_SUPPLEMENT
            else None,
            "can_withdraw": dossier.status in OPEN_BEFORE_DECISION,
            "can_rate": dossier.status in RATEABLE and rating is None,
            "rating": rating,
        },
    )


@citizen_view
def attachment_file(request, applicant, public_id, attachment_id):
    """A file of the citizen's own dossier (never served from a public media URL)."""
    dossier = selectors.dossier_for(applicant, public_id)
    attachment = dossier.attachments.filter(public_id=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return file_response(
        handle,
        inline=attachment.opens_inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@citizen_view
def supplement(request, applicant, public_id):
    """Answer the agency's supplement request online; the legal clock resumes."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status != Status.WAITING_SUPPLEMENT:
        messages.info(request, _("Hồ sơ này hiện không cần bổ sung."))
        return redirect("portal:dossier", dossier.public_id)
    documents = list(datastore_selectors.documents_of(request.user))
    form = SupplementForm(request.POST or None, request.FILES or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_supplement(
                dossier,
                uploads=form.cleaned_data["files"],
                documents=form.chosen_documents(),
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Đã gửi giấy tờ bổ sung. Cơ quan tiếp tục giải quyết hồ sơ; ngày hẹn trả "
                    "kết quả được lùi thêm đúng số ngày làm việc hồ sơ phải chờ bổ sung."
                ),
            )
            return redirect("portal:dossier", dossier.public_id)
    return render(
        request,
        "portal/supplement.html",
        {
            "dossier": dossier,
            "form": form,
            "request_change": selectors.supplement_request(dossier),
            "limit_mb": max_upload_bytes() // (1024 * 1024),
        },
        status=400 if form.errors else 200,
    )


@citizen_view
def withdraw(request, applicant, public_id):
    """Withdraw a dossier not yet decided, after a confirmation page."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status not in OPEN_BEFORE_DECISION:
        messages.error(
            request,
            _("Hồ sơ ở trạng thái “%(status)s” nên không rút được nữa.")
            % {"status": dossier.get_status_display()},
        )
        return redirect("portal:dossier", dossier.public_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_dossier(dossier, reason=form.cleaned_data["reason"], by=request.user)
        except DossierError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
        return redirect("portal:dossier", dossier.public_id)
    return render(request, "portal/withdraw.html", {"dossier": dossier, "form": form})


@citizen_view
def rate(request, applicant, public_id):
    """Rate the handling of a dossier (1–5 and a comment), once, after the result."""
    dossier = selectors.dossier_for(applicant, public_id)
    rating = _rating_of(dossier)
    if dossier.status not in RATEABLE or rating is not None:
        if rating is not None:
            messages.info(request, _("Hồ sơ này đã được đánh giá. Cảm ơn bạn!"))
        else:
            messages.info(request, _("Bạn có thể đánh giá sau khi hồ sơ đã có kết quả."))
        return redirect("portal:dossier", dossier.public_id)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_dossier(
                dossier,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except DossierError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá!"))
        return redirect("portal:dossier", dossier.public_id)
    return render(request, "portal/rate.html", {"dossier": dossier, "form": form})
