"""The agency's side, for integrators: list and read dossiers, do workflow actions.

Officers have the back office's reach (``backoffice.scope``); systems signed in with
client credentials have their agencies' (``reach``). A dossier outside the reach is
a 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.decorators import decorate_view

from motcua.agencies.models import Agency
from motcua.agencies.selectors import active_agencies
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.workflow import (
    ASSIGNING,
    NOTE_REQUIRED,
    OFFICER_ACTIONS,
    TRANSITIONS,
    allowed_actions,
)
from motcua.results import services as results

from .. import presenters
from ..auth import AUTH
from ..errors import READ_ERRORS, WRITE_ERRORS, ApiError
from ..idempotency import idempotent
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from ..reach import Reach, officer_reach
from ..schemas import (
    ActionIn,
    DecisionIn,
    DossierList,
    OfficerDossier,
    OfficerFormOut,
    StatusCode,
)
from ..scopes import READ, WRITE
from ..throttles import CallerThrottle
from .common import KEY_OPTIONAL, binary, file_answer

router = Router(tags=["Nghiệp vụ của cơ quan"], auth=AUTH, throttle=[CallerThrottle()])


def detail(reach: Reach, dossier: Dossier) -> dict:
    possible = [a for a in OFFICER_ACTIONS if a in allowed_actions(dossier.status)]
    return presenters.officer_detail(dossier, reach.permitted(dossier, possible))


@router.get(
    "/officer/dossiers",
    response={200: DossierList, **READ_ERRORS},
    summary="Dossiers of the agencies in reach, newest first",
    url_name="officer_list_dossiers",
)
def list_dossiers(
    request,
    status: Annotated[StatusCode | None, Query(None)],
    received_from: Annotated[
        dt.date | None, Query(None, description="received on or after (local date)")
    ],
    received_to: Annotated[
        dt.date | None, Query(None, description="received on or before (local date)")
    ],
    procedure: Annotated[str | None, Query(None, max_length=40, description="procedure code")],
    limit: Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)],
    cursor: Annotated[
        str | None, Query(None, max_length=500, description="`next` of the previous page")
    ],
):
    reach = officer_reach(request, READ)
    qs = reach.dossiers().select_related("agency", "procedure_version__procedure")
    if status:
        qs = qs.filter(status=status)
    if received_from:
        qs = qs.filter(received_at__gte=_start_of(received_from))
    if received_to:
        qs = qs.filter(received_at__lt=_start_of(received_to + dt.timedelta(days=1)))
    if procedure:
        qs = qs.filter(procedure_version__procedure__code=procedure)
    page = keyset_page(qs, limit, cursor, "officer-dossiers")
    return {"items": [presenters.dossier_summary(d) for d in page.items], "next": page.next}


def _start_of(day: dt.date) -> dt.datetime:
    try:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    except (OverflowError, ValueError):
        raise ApiError(400, "bad_date", _("Ngày không hợp lệ.")) from None


@router.get(
    "/officer/dossiers/{public_id}",
    response={200: OfficerDossier, **READ_ERRORS},
    summary="One dossier with its history and the actions the caller may do",
    url_name="officer_get_dossier",
)
def get_dossier(request, public_id: uuid.UUID):
    reach = officer_reach(request, READ)
    return detail(reach, reach.get(public_id))


@router.get(
    "/officer/dossiers/{public_id}/attachments/{attachment_id}",
    response=READ_ERRORS,
    openapi_extra=binary("application/octet-stream", "the file"),
    summary="Download a file of a dossier",
    url_name="officer_download_attachment",
)
def download_attachment(request, public_id: uuid.UUID, attachment_id: uuid.UUID):
    reach = officer_reach(request, READ)
    dossier = reach.get(public_id)
    return file_answer(dossier.attachments.filter(public_id=attachment_id).first())


@router.get(
    "/officer/dossiers/{public_id}/form",
    response={200: OfficerFormOut, **READ_ERRORS},
    summary="The dossier's form: definition, data, its reading, revisions and assessment",
    url_name="officer_get_form",
)
def get_form(request, public_id: uuid.UUID):
    """`display` is what the back office shows: the sections with every value formatted
    for a reader and, in `source`, the national database that verified it. Each revision
    lists what it changed from the one before (a supplement that changed answers)."""
    reach = officer_reach(request, READ)
    return presenters.officer_form(reach.get(public_id))


@router.put(
    "/officer/dossiers/{public_id}/decision",
    response={200: OfficerFormOut, **WRITE_ERRORS},
    summary="Record the assessment (the procedure's decision data)",
    url_name="officer_record_decision",
)
@decorate_view(idempotent(required=False))
def record_decision(
    request,
    public_id: uuid.UUID,
    payload: DecisionIn,
    idempotency_key: str | None = KEY_OPTIONAL,
):
    """The specialist at the assessing step records the decision data defined by the
    procedure's e-form (`definition.decision`); it replaces the one recorded before.
    Refused with 403 `action_not_permitted` for another role or step, 409
    `illegal_transition` once the dossier is decided, 422 `invalid_decision` with the
    messages by data path in `details`."""
    reach = officer_reach(request, WRITE)
    dossier = reach.get(public_id)
    if not reach.can("record_decision", dossier):
        raise ApiError(
            403,
            "action_not_permitted",
            _(
                "Chỉ chuyên viên đang thẩm định hồ sơ này mới ghi được kết quả thẩm định "
                "(vai trò chuyên viên, ở bước thẩm định của quy trình)."
            ),
        )
    dossier = dossier_services.record_decision(dossier, by=reach.actor, data=payload.decision)
    return presenters.officer_form(dossier)


@router.post(
    "/officer/dossiers/{public_id}/actions",
    response={200: OfficerDossier, **WRITE_ERRORS},
    summary="Do a workflow action (receive, approve, return the result, …)",
    url_name="officer_act",
)
@decorate_view(idempotent(required=False))
def act(
    request, public_id: uuid.UUID, payload: ActionIn, idempotency_key: str | None = KEY_OPTIONAL
):
    """The same rules as the back office: the caller's role must allow the action (403
    `action_not_permitted`), the dossier's status must allow it (409
    `illegal_transition`). `issue_result` signs the result an officer previewed in the
    back office (when the dossier's data has not changed since), else makes it from the
    procedure's template, and attaches it, signed with the agency's certificate."""
    reach = officer_reach(request, WRITE)
    dossier = reach.get(public_id)
    action = payload.action
    if not reach.can(action, dossier):
        raise ApiError(
            403,
            "action_not_permitted",
            _("Vai trò của bạn không được phép thực hiện “%(action)s” với hồ sơ này.")
            % {"action": TRANSITIONS[action].label},
        )
    note = payload.note.strip()
    if action in NOTE_REQUIRED and not note:
        raise ApiError(
            422,
            "note_required",
            _("Vui lòng ghi rõ lý do (trường “note”); người nộp sẽ nhận được."),
        )
    changes = _changes(dossier, payload)
    if action == "issue_result":
        base_url = request.build_absolute_uri("/")
        if dossier.status == Status.APPROVED:
            # A connected system has no preview screen: the draft an officer previewed is
            # signed when still current, else the document is made now from the data.
            results.ensure_preview(dossier, by=reach.actor, base_url=base_url)
        dossier = results.issue_result(dossier, by=reach.actor, note=note, base_url=base_url)
    else:
        dossier = dossier_services.perform(dossier, action, by=reach.actor, note=note, **changes)
    # Answered even when the dossier just left the caller's reach (a transfer).
    return detail(reach, dossier)


def _changes(dossier: Dossier, payload: ActionIn) -> dict:
    """The ``transition`` keyword arguments the request carries, checked."""
    action, changes = payload.action, {}
    if payload.assignee is not None:
        if action not in ASSIGNING:
            raise _not_for(action, "assignee")
        user = get_user_model().objects.filter(username=payload.assignee, is_active=True).first()
        if user is None:
            raise ApiError(422, "unknown_assignee", _("Không có cán bộ với tên đăng nhập này."))
        changes["assignee"] = user
    elif action == "assign":
        raise ApiError(
            422, "assignee_required", _("Hãy chọn cán bộ được giao (trường “assignee”).")
        )
    if action == "transfer":
        target = (
            active_agencies(timezone.localdate())
            .exclude(kind=Agency.Kind.UNIT)
            .filter(code=payload.agency or "")
            .first()
        )
        if target is None:
            raise ApiError(
                422,
                "agency_required",
                _("Hãy chọn cơ quan phối hợp (mã cơ quan, trường “agency”)."),
            )
        changes["agency"] = target
        changes["part_days"] = payload.part_days
    else:
        for name in ("agency", "part_days"):
            if getattr(payload, name) is not None:
                raise _not_for(action, name)
    return changes


def _not_for(action: str, field: str) -> ApiError:
    return ApiError(
        422,
        "field_not_allowed",
        _("Trường “%(field)s” không dùng cho thao tác “%(action)s”.")
        % {"field": field, "action": TRANSITIONS[action].label},
    )
