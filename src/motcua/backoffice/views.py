"""Thin views of the back office: scope and roles come from ``scope``, reads from ``selectors``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import mask_identifier
from motcua.dossiers import deadlines, services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Status
from motcua.dossiers.workflow import (
    NOTE_REQUIRED,
    OFFICER_ACTIONS,
    TRANSITIONS,
    allowed_actions,
)
from motcua.lib.downloads import file_response
from motcua.postal import selectors as postal_selectors
from motcua.results import services as result_services

from . import scope, selectors
from .decision_forms import DecisionForm
from .dossier_form import decision_open, form_panel
from .forms import DESTRUCTIVE, ActionForm, ApologyDraftForm, SearchForm
from .messages import done_message

# Actions the back office offers as buttons (the officers' rows of the workflow table;
# submit and withdraw belong to the citizen).
UI_ACTIONS = OFFICER_ACTIONS
# The one action the page offers as the next step, the first available in this order
# (receipt, the step's own move, the decision, the result); the others are folded away.
PRIMARY_ORDER = (
    "receive",
    "accept_transfer",
    "give_opinion",
    "approve",
    "issue_result",
    "return_result",
    "start_processing",
    "provide_supplement",
    "forward",
)
# The result document can be previewed from the assessment until it is issued.
PREVIEW_STATUSES = frozenset({Status.IN_PROCESS, Status.APPROVED})


def forbidden(request, message: str):
    return render(request, "backoffice/forbidden.html", {"message": message}, status=403)


def officer_required(view):
    """Signed-in officers only; anyone else signed in gets a 403 that says why."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope.is_officer(request.user):
            return forbidden(
                request,
                _(
                    "Tài khoản của bạn chưa được phân công vào cơ quan nào nên không thể "
                    "dùng Một cửa điện tử. Vui lòng liên hệ quản trị cơ quan."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapped


@officer_required
def queue(request):
    slug = request.GET.get("hang", selectors.DEFAULT_QUEUE)
    if slug not in selectors.QUEUE_SLUGS:
        slug = selectors.DEFAULT_QUEUE
    form = SearchForm(request.GET or None)
    search = selectors.Search(**form.cleaned_data) if form.is_valid() else selectors.Search()
    reverse = request.GET.get("dao") == "1"
    page = selectors.queue_page(
        request.user, slug, search, after=request.GET.get("sau", ""), reverse=reverse
    )
    next_url = None
    if page.next_cursor:
        params = {k: v for k, v in request.GET.items() if k != "sau" and v}
        params["hang"] = slug
        params["sau"] = page.next_cursor
        next_url = "?" + urlencode(params)
    search_params = urlencode(
        {k: v for k, v in request.GET.items() if k not in ("sau", "hang", "dao")}
    )
    counts = selectors.queue_counts(request.user)
    tabs = [(q.slug, q.label, counts.get(q.slug)) for q in selectors.QUEUES]
    return render(
        request,
        "backoffice/queue.html",
        {
            "tabs": tabs,
            "current": slug,
            "form": form,
            "rows": [_with_intake(d, selectors.deadline_state(d)) for d in page.dossiers],
            "next_url": next_url,
            "search_params": search_params,
            "reverse": reverse,
            "order_label": page.order_label,
            "nav": "search" if slug == "tat-ca" else "queues",
        },
    )


def _with_intake(dossier, deadline):
    """A queue row; an online dossier waiting for receipt carries its intake time."""
    dossier.intake_text, dossier.intake_state = selectors.intake_time(dossier)
    return dossier, deadline


def _actions_for(dossier, permitted, failed_form=None):
    """(action, label, note required, form) for every button the officer may press now."""
    return [
        (
            name,
            TRANSITIONS[name].label,
            name in NOTE_REQUIRED,
            failed_form
            if failed_form is not None and failed_form.action == name
            else ActionForm(action=name, dossier=dossier, auto_id=f"id_{name}_%s"),
        )
        for name in UI_ACTIONS
        if name in permitted and name in allowed_actions(dossier.status)
    ]


def group_actions(actions) -> dict:
    """The page's actions in three groups: the one primary action of the current step,
    the destructive ones (refuse, transfer, stop: styled and confirmed as such) and the
    rest, folded away under "Thao tác khác"."""
    by_name = {a[0]: a for a in actions}
    primary = next((by_name[n] for n in PRIMARY_ORDER if n in by_name), None)
    return {
        "primary_action": primary,
        "danger_actions": [a for a in actions if a[0] in DESTRUCTIVE],
        "other_actions": [a for a in actions if a is not primary and a[0] not in DESTRUCTIVE],
    }


@officer_required
def dossier_detail(request, public_id):
    return _render_detail(request, scope.get_dossier_for(request.user, public_id))


def _render_detail(
    request,
    dossier,
    form=None,
    failed_action="",
    apology_form=None,
    decision_form=None,
    status=None,
):
    user = request.user
    letters = selectors.apologies(dossier)
    # The officer's roles are looked up once for every button of the page.
    permitted = set(
        scope.permitted_actions(
            user,
            dossier,
            [
                *UI_ACTIONS,
                "draft_apology",
                "decide_apology",
                "collect_fee",
                "refund_at_desk",
                "record_decision",
                "digitise",
            ],
        )
    )
    panel = form_panel(dossier)
    can_record_decision = (
        "record_decision" in permitted and bool(panel.decision_fields) and decision_open(dossier)
    )
    if can_record_decision and decision_form is None:
        decision_form = DecisionForm(panel.decision_fields, stored=dossier.decision_data)
    actions = _actions_for(dossier, permitted, form)
    if status is None:
        failed = form is not None or apology_form is not None or decision_form_failed(decision_form)
        status = 400 if failed else 200
    return render(
        request,
        "backoffice/dossier.html",
        {
            "dossier": dossier,
            "masked_id": mask_identifier(dossier.applicant.personal_id),
            "deadline": selectors.deadline_state(dossier),
            "step_deadline": selectors.step_deadline_state(dossier),
            "history": selectors.history(dossier),
            "steps": selectors.step_records(dossier),
            "parts": selectors.agency_parts(dossier),
            "attachments": selectors.attachments(dossier),
            "letters": letters,
            "intake": selectors.intake_time(dossier),
            "supplement_requests": selectors.supplement_requests(dossier),
            "periods": selectors.processing_periods(dossier),
            "can_draft_apology": "draft_apology" in permitted
            and dossier.status in selectors.APOLOGY_STATUSES
            and not any(letter.status in ("draft", "sent") for letter in letters),
            "can_decide_apology": "decide_apology" in permitted,
            "apology_approval_late": deadlines.approval_is_late(dossier),
            "apology_form": apology_form or ApologyDraftForm(),
            "actions": actions,
            **group_actions(actions),
            "received_elsewhere": scope.returned_elsewhere(dossier),
            **selectors.fee_panel(dossier, permitted),
            **selectors.digitise_panel(dossier, permitted),
            "form": form,
            "failed_action": failed_action,
            "panel": panel,
            "can_record_decision": can_record_decision,
            "decision_form": decision_form if can_record_decision else None,
            # The leader (approving) and the desk (issuing) preview the result document.
            "can_preview_result": bool(permitted & {"approve", "refuse", "issue_result"})
            and dossier.status in PREVIEW_STATUSES,
            "delivery_panel": postal_selectors.delivery_panel(
                dossier, may_send="return_result" in permitted
            ),
        },
        status=status,
    )


def decision_form_failed(decision_form) -> bool:
    return decision_form is not None and decision_form.is_bound and bool(decision_form.errors)


@require_POST
@officer_required
def act(request, public_id, action):
    dossier = scope.get_dossier_for(request.user, public_id)
    if action not in UI_ACTIONS:
        return forbidden(request, _("Thao tác này không thực hiện được trên màn hình này."))
    if not scope.can(request.user, action, dossier):
        return forbidden(
            request,
            _("Vai trò của bạn không được phép thực hiện “%(action)s” với hồ sơ này.")
            % {"action": TRANSITIONS[action].label},
        )
    form = ActionForm(request.POST, request.FILES, action=action, dossier=dossier)
    if not form.is_valid():
        return _render_detail(request, dossier, form=form, failed_action=action)
    try:
        _perform(request, dossier, action, form)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        dossier.refresh_from_db()
        messages.success(request, done_message(dossier, action))
    return redirect("backoffice:dossier", public_id=dossier.public_id)


def _perform(request, dossier, action: str, form: ActionForm) -> None:
    """The action through its use case: the result is issued by ``results``, every other
    action (with the supplement received at the desk) by ``dossiers``."""
    data = form.cleaned_data
    if action == "issue_result":
        result_services.issue_result(
            dossier,
            by=request.user,
            mode=data["result_mode"],
            upload=data.get("result_file"),
            note=data["note"],
            base_url=request.build_absolute_uri("/"),
        )
        return
    services.perform(
        dossier,
        action,
        by=request.user,
        note=data["note"],
        supplement=data.get("supplement_file"),
        **form.changes(),
    )


@officer_required
def attachment(request, public_id):
    """Download a dossier's file, for officers who may see the dossier."""
    try:
        item = Attachment.objects.select_related("dossier").get(public_id=public_id)
    except Attachment.DoesNotExist:
        raise Http404 from None
    scope.get_dossier_for(request.user, item.dossier.public_id)  # 404 outside the scope
    return file_response(
        item.file.open("rb"),
        inline=item.opens_inline,
        filename=item.original_name,
        content_type=item.content_type,
    )
