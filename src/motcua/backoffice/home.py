"""Where every officer lands (/mot-cua/): "Việc của tôi", the work waiting for their
roles (the desk: new dossiers to receive, deadlines, results to issue and return; the
specialist: the steps given to them; the leader: dossiers to approve or sign; a
supervisor: the figures of what they oversee), and the desk's "Hồ sơ tiếp nhận hộ"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Membership, Role
from motcua.dossiers.models import Dossier, Status
from motcua.workdays.calendar import add_working_days

from . import scope, selectors
from .views import officer_required, queue

ROWS = 10
RELATED = selectors.PAGE_RELATED
ACTING = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)
    count: int = 0
    more_url: str = ""
    empty: str = ""


def _roles(user) -> set[str]:
    roles = set(
        Membership.objects.filter(user=user)
        .exclude(role__in=scope.NOT_OFFICER_ROLES)
        .values_list("role", flat=True)
    )
    if user.is_superuser and not roles:
        roles = set(ACTING)
    return roles


def _section(key, title, qs: QuerySet[Dossier], order, more="", empty="") -> Section:
    rows = list(qs.select_related(*RELATED).order_by(*order)[:ROWS])
    count = len(rows) if len(rows) < ROWS else qs.values("pk")[: selectors.COUNT_CAP + 1].count()
    for dossier in rows:
        dossier.intake_text, dossier.intake_state = selectors.intake_time(dossier)
    return Section(
        key,
        title,
        [(d, selectors.deadline_state(d)) for d in rows],
        count,
        more,
        empty or _("Không có hồ sơ nào."),
    )


def _queue_url(slug: str) -> str:
    return f"{reverse('backoffice:queue')}?hang={slug}"


def _step_for(user, role: str) -> Q:
    return Q(status=Status.IN_PROCESS, current_step__role=role) & (
        Q(assignee_id=user.pk) | Q(assignee__isnull=True)
    )


def sections_for(user, roles: set[str], today=None) -> list[Section]:
    """The sections of "Việc của tôi" for ``roles``, most urgent work first."""
    today = today or timezone.localdate()
    mine = scope.dossiers_for(user)
    sections: list[Section] = []
    if Role.DESK_OFFICER in roles:
        sections.append(
            _section(
                "receive",
                _("Hồ sơ mới chờ tiếp nhận"),
                mine.filter(status__in=(Status.SUBMITTED, Status.TRANSFERRED)),
                ("submitted_at", "pk"),
                _queue_url("moi"),
                _("Không có hồ sơ nào chờ tiếp nhận."),
            )
        )
        soon = add_working_days(today, 1)
        sections.append(
            _section(
                "due",
                _("Sắp đến hạn và quá hạn"),
                mine.filter(status__in=selectors.RUNNING_CLOCK, due_date__lte=soon),
                ("due_date", "pk"),
                _queue_url("sap-den-han"),
                _("Không có hồ sơ nào sắp đến hạn."),
            )
        )
        # The settling desk issues every result, and returns those not returned at
        # another desk (received regardless of administrative boundary).
        returnable = Q(status=Status.APPROVED) | Q(status=Status.RESULT_ISSUED) & (
            Q(return_agency__isnull=True) | Q(return_agency_id=F("agency_id"))
        )
        at_my_desk = scope.received_for_others(user).filter(status=Status.RESULT_ISSUED)
        agencies = scope.officer_agencies(user)
        if agencies is not None:
            at_my_desk = at_my_desk.filter(return_agency_id__in=agencies)
        sections.append(
            _section(
                "result",
                _("Kết quả chờ ban hành, trả cho người nộp"),
                mine.filter(returnable) | at_my_desk,
                ("due_date", "pk"),
                _queue_url("tat-ca") + "&status=result_issued",
                _("Không có kết quả nào chờ trả."),
            )
        )
    if Role.SPECIALIST in roles:
        sections.append(
            _section(
                "assess",
                _("Bước thẩm định được giao cho tôi"),
                mine.filter(_step_for(user, Role.SPECIALIST)),
                ("step_due_date", "due_date", "pk"),
                _queue_url("viec-cua-toi"),
                _("Chưa có hồ sơ nào được giao cho bạn."),
            )
        )
    if Role.LEADER in roles:
        sections.append(
            _section(
                "approve",
                _("Hồ sơ chờ phê duyệt, ký"),
                mine.filter(_step_for(user, Role.LEADER)),
                ("step_due_date", "due_date", "pk"),
                _queue_url("viec-cua-toi"),
                _("Không có hồ sơ nào chờ phê duyệt."),
            )
        )
        sections.append(
            _section(
                "apology",
                _("Văn bản xin lỗi, gia hạn chờ duyệt"),
                mine.filter(selectors._queue_filter("xin-loi", user, today)),
                ("due_date", "pk"),
                _queue_url("xin-loi"),
                _("Không có văn bản nào chờ duyệt."),
            )
        )
    return sections


def dashboard_for(user) -> list[tuple[str, str, int]]:
    """A supervisor's figures: (label, queue url, count) of the queues they oversee."""
    counts = selectors.queue_counts(user)
    return [
        (q.label, _queue_url(q.slug), counts[q.slug])
        for q in selectors.QUEUES
        if q.slug in counts and q.slug != "viec-cua-toi"
    ]


@officer_required
def landing(request):
    """/mot-cua/: "Việc của tôi" for the officer's roles; with a queue or a search in
    the address, that queue (``views.queue``)."""
    if request.GET:
        return queue(request)
    roles = _roles(request.user)
    acting = roles & set(ACTING)
    return render(
        request,
        "backoffice/my_work.html",
        {
            "nav": "home",
            "sections": sections_for(request.user, acting),
            "dashboard": dashboard_for(request.user) if not acting else [],
            "is_desk": Role.DESK_OFFICER in roles,
        },
    )


@officer_required
def received_for_others(request):
    """ "Hồ sơ tiếp nhận hộ": the dossiers the officer's desks received for another
    agency, with their status; read-only but for returning the result at this desk."""
    qs = scope.received_for_others(request.user).select_related(
        *RELATED, "intake_agency", "return_agency"
    )
    status = request.GET.get("trang-thai", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("-received_at", "-pk")[: selectors.PAGE_SIZE * 4])
    return render(
        request,
        "backoffice/received_for_others.html",
        {
            "nav": "others",
            "rows": [(d, selectors.deadline_state(d)) for d in rows],
            "status": status,
            "statuses": [c for c in Status.choices if c[0] != Status.DRAFT],
        },
    )
