"""Following one's dossiers: the list, the dossier page, supplement, withdraw, stop, rating."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.accounts.models import mask_identifier
from motcua.datastore import selectors as datastore_selectors
from motcua.dossiers import supplements
from motcua.dossiers.exceptions import DossierError, InvalidData
from motcua.dossiers.files import max_upload_bytes
from motcua.dossiers.models import Rating, Status
from motcua.dossiers.workflow import RATEABLE, may_stop, may_withdraw
from motcua.exchange import public as exchange_public
from motcua.lib.downloads import file_response
from motcua.postal import selectors as postal_selectors

from . import eform_pages, eforms, selectors, services
from .access import citizen_view
from .forms import RatingForm, StopForm, SupplementForm, WithdrawForm

# Before receipt the applicant withdraws (also while completing a supplement asked at
# intake); after it they ask to stop (Decree 118/2025 Art. 21): workflow.may_withdraw/may_stop.


@citizen_view
def my_dossiers(request, applicant):
    """ "Hồ sơ của tôi": every dossier of the applicant, newest first, paginated."""
    page = Paginator(selectors.my_dossiers(applicant), settings.MOTCUA_PORTAL_PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "portal/my_dossiers.html",
        {
            "page": page,
            "applicant": applicant,
            "awaiting": list(selectors.awaiting_confirmation(applicant)),
        },
    )


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
            "supplement_items": selectors.open_supplement_items(dossier),
            "can_withdraw": may_withdraw(dossier),
            "can_stop": may_stop(dossier),
            "can_rate": dossier.status in RATEABLE and rating is None,
            "rating": rating,
            "delivery_panel": postal_selectors.delivery_panel(dossier),
            # Settled by a province (the national portal's front door, issue #17).
            "remote": exchange_public.remote_state(dossier),
            "results": selectors.issued_results(dossier, request.user),
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


# A hidden input of the supplement page: the post carries the e-form's answers (a
# client that posts only files leaves them as they are).
FORM_SHOWN = "eform_shown"


def _has_fields(defn: dict) -> bool:
    return any(section.get("fields") for section in defn.get("sections") or [])


@citizen_view
def supplement(request, applicant, public_id):
    """Answer the agency's supplement request online: files, and the e-form's answers
    corrected where needed (values from a national database stay locked); the legal
    clock resumes. "Thêm …" / "Xóa" of a repeatable group show the page again."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status != Status.WAITING_SUPPLEMENT:
        messages.info(request, _("Hồ sơ này hiện không cần bổ sung."))
        return redirect("portal:dossier", dossier.public_id)
    documents = list(datastore_selectors.documents_of(request.user))
    components = supplements.requested_components(supplements.open_request(dossier))
    defn = eforms.definition(dossier.procedure_version.form_schema)
    with_form = _has_fields(defn)
    stored, sources = dossier.form_data or {}, dossier.prefill_sources or {}
    page = _SupplementPage(request, dossier, defn if with_form else None, stored, sources)
    if request.method != "POST":
        return page.render(
            SupplementForm(documents=documents, with_form=with_form, components=components)
        )
    answers, changed, eform_errors = None, False, {}
    if with_form and request.POST.get(FORM_SHOWN):
        parsed = eforms.parse_post(defn, request.POST, stored=stored, sources=sources)
        page.parsed = parsed
        if eforms.apply_group_action(defn, parsed, request.POST.get("action", "")) is not None:
            # A row added or removed: the page again, with what was typed; nothing sent.
            kept = SupplementForm(
                initial={
                    "note": request.POST.get("note", ""),
                    "documents": request.POST.getlist("documents"),
                },
                documents=documents,
                with_form=True,
                components=components,
            )
            return page.render(kept, errors=parsed.errors, files_dropped=bool(request.FILES))
        answers, strict_errors = eforms.check(defn, parsed.data, strict=True)
        changed = bool(services.supplement_changes(dossier, answers))
        # Answers left as they were are not checked again (a rule may have changed
        # since submission); a locked value sent changed is always refused.
        eform_errors = eforms.merge_errors(parsed.errors, strict_errors if changed else {})
    form = SupplementForm(
        request.POST,
        request.FILES,
        documents=documents,
        with_form=with_form,
        answers_changed=changed,
        components=components,
    )
    if form.is_valid() and not eform_errors:
        try:
            services.answer_supplement(
                dossier,
                uploads=form.cleaned_data["files"],
                documents=form.chosen_documents(),
                note=form.cleaned_data["note"],
                form_data=answers,
                component_uploads=form.component_files(),
                by=request.user,
            )
        except InvalidData as exc:
            eform_errors = eforms.merge_errors(exc.problems)
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Đã gửi bổ sung hồ sơ. Cơ quan tiếp tục giải quyết hồ sơ; ngày hẹn trả "
                    "kết quả được lùi thêm đúng số ngày làm việc hồ sơ phải chờ bổ sung."
                )
                if changed
                else _(
                    "Đã gửi giấy tờ bổ sung. Cơ quan tiếp tục giải quyết hồ sơ; ngày hẹn trả "
                    "kết quả được lùi thêm đúng số ngày làm việc hồ sơ phải chờ bổ sung."
                ),
            )
            return redirect("portal:dossier", dossier.public_id)
    return page.render(form, errors=eform_errors, files_dropped=bool(request.FILES), status=400)


class _SupplementPage:
    """The supplement page: the agency's request, the e-form, the files."""

    def __init__(self, request, dossier, defn, stored, sources):
        self.request, self.dossier, self.defn = request, dossier, defn
        self.stored, self.sources = stored, sources
        self.parsed = None

    def render(self, form, *, errors=None, files_dropped=False, status=200):
        context = None
        if self.defn is not None:
            parsed = self.parsed
            context = eform_pages.eform_context(
                self.defn,
                parsed.data if parsed is not None else self.stored,
                errors=errors,
                raw=parsed.raw if parsed is not None else None,
                sources=self.sources,
                stored=self.stored,
            )
        return render(
            self.request,
            "portal/supplement.html",
            {
                "dossier": self.dossier,
                "form": form,
                "eform": context,
                "form_shown_name": FORM_SHOWN,
                "files_dropped": files_dropped,
                "request_change": selectors.supplement_request(self.dossier),
                "supplement_items": selectors.open_supplement_items(self.dossier),
                "limit_mb": max_upload_bytes() // (1024 * 1024),
            },
            status=status,
        )


@citizen_view
def withdraw(request, applicant, public_id):
    """Withdraw a dossier not yet received, after a confirmation page."""
    dossier = selectors.dossier_for(applicant, public_id)
    if not may_withdraw(dossier):
        if may_stop(dossier):
            messages.info(
                request,
                _(
                    "Hồ sơ đã được tiếp nhận nên không rút được; bạn có thể đề nghị cơ quan "
                    "dừng giải quyết hồ sơ."
                ),
            )
            return redirect("portal:stop", dossier.public_id)
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
def stop(request, applicant, public_id):
    """Ask to stop the processing of a received dossier (Decree 118/2025/NĐ-CP Art. 21):
    the reason and a confirmation; the processing stops at once and the agency issues
    the notice (form 05)."""
    dossier = selectors.dossier_for(applicant, public_id)
    if not may_stop(dossier):
        messages.error(
            request,
            _("Hồ sơ ở trạng thái “%(status)s” nên không đề nghị dừng giải quyết được.")
            % {"status": dossier.get_status_display()},
        )
        return redirect("portal:dossier", dossier.public_id)
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stop_dossier(dossier, reason=form.cleaned_data["reason"], by=request.user)
        except DossierError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Hồ sơ %(code)s đã được dừng giải quyết.") % {"code": dossier.code}
            )
        return redirect("portal:dossier", dossier.public_id)
    return render(request, "portal/stop.html", {"dossier": dossier, "form": form})


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
