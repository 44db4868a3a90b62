"""Use cases that change the working-day calendar: only calendar managers, always audited.

A ``CalendarOverride`` moves every deadline in the country, so changing one needs the
``workdays.manage_calendar`` permission held through the national calendar managers' group
(``calendar_manager_group``), or a superuser, and writes an audit record. The permission
given to a user directly, or through another group (an agency's administrators), does
not count: the group is the one place to review who may change the calendar, and each
entry into or exit from it is audited (``calendar.manager.add``/``.remove``, ``signals``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .models import CalendarOverride

CALENDAR_PERMISSION = "workdays.manage_calendar"
CALENDAR_MANAGER_GROUP = "Quản lý lịch làm việc"


def may_manage_calendar(user) -> bool:
    """Whether ``user`` may add, change or remove calendar overrides: an active superuser,
    or an active member of the calendar managers' group while the group holds the
    permission (see the module docstring)."""
    if user is None or not user.is_active or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    app_label, codename = CALENDAR_PERMISSION.split(".")
    return user.groups.filter(
        name=CALENDAR_MANAGER_GROUP,
        permissions__content_type__app_label=app_label,
        permissions__codename=codename,
    ).exists()


def check_may_manage(by) -> None:
    """Raises PermissionDenied unless ``by`` is the system (None) or a calendar manager."""
    if by is not None and not may_manage_calendar(by):
        raise PermissionDenied(
            _(
                "Chỉ cán bộ quản lý lịch làm việc cấp quốc gia mới được thay đổi ngày nghỉ, "
                "ngày làm bù (thay đổi áp dụng cho mọi thời hạn giải quyết)."
            )
        )


def _snapshot(override: CalendarOverride) -> dict[str, str]:
    return {"date": override.date.isoformat(), "kind": override.kind, "reason": override.reason}


@transaction.atomic
def save_override(override: CalendarOverride, *, by=None) -> CalendarOverride:
    """Create or change ``override`` and record it (``calendar.override.add``/``.change``).

    Raises PermissionDenied (``check_may_manage``).
    """
    check_may_manage(by)
    before = None
    if override.pk is not None:
        stored = CalendarOverride.objects.select_for_update().filter(pk=override.pk).first()
        before = _snapshot(stored) if stored else None
    override.save()
    data = {**_snapshot(override)}
    if before is not None:
        data["before"] = before
    record(
        "calendar.override.change" if before else "calendar.override.add",
        actor=by,
        obj=override,
        data=data,
    )
    return override


@transaction.atomic
def remove_override(override: CalendarOverride, *, by=None) -> None:
    """Delete ``override`` and record it (``calendar.override.remove``).

    Raises PermissionDenied (``check_may_manage``).
    """
    check_may_manage(by)
    data, pk = _snapshot(override), override.pk
    override.delete()
    record(
        "calendar.override.remove",
        actor=by,
        object_type="workdays.calendaroverride",
        object_id=pk,
        data=data,
    )


def calendar_manager_group():
    """The permission group of the national calendar managers (created or refreshed)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=CALENDAR_MANAGER_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="workdays"))
    return group
