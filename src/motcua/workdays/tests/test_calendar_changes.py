"""Who may change the nationwide calendar, and that every change is audited (hole 7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from motcua.agencies.models import Role
from motcua.agencies.services import agency_admin_group
from motcua.audit.models import AuditRecord
from motcua.workdays import calendar, services
from motcua.workdays.models import CalendarOverride
from tests.factories import AgencyFactory, UserFactory, officer_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2030, 3, 12)  # a Tuesday
FORM = {"date": "2030-03-12", "kind": "day_off", "reason": "Nghỉ đột xuất", "_save": "1"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agency_admin_cannot_add_a_nationwide_day_off():
    admin = officer_user(AgencyFactory(), Role.AGENCY_ADMIN, is_staff=True)
    admin.groups.add(agency_admin_group())
    response = _client(admin).post("/quan-tri/workdays/calendaroverride/add/", FORM)
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    assert calendar.is_working_day(DAY)


def test_a_calendar_manager_adds_a_day_off_and_it_is_audited():
    manager = UserFactory(username="lich.quocgia", is_staff=True)
    manager.groups.add(services.calendar_manager_group())
    response = _client(manager).post("/quan-tri/workdays/calendaroverride/add/", FORM)
    assert response.status_code == 302
    assert CalendarOverride.objects.get().date == DAY
    assert not calendar.is_working_day(DAY)
    record = AuditRecord.objects.get(action="calendar.override.add")
    assert record.actor == manager
    assert record.data == {"date": "2030-03-12", "kind": "day_off", "reason": "Nghỉ đột xuất"}


def test_changing_and_removing_an_override_are_audited():
    manager = UserFactory(is_superuser=True)
    override = services.save_override(
        CalendarOverride(date=DAY, kind="day_off", reason="QĐ 1"), by=manager
    )
    override.kind = CalendarOverride.Kind.WORKING_DAY
    services.save_override(override, by=manager)
    services.remove_override(override, by=manager)
    actions = list(
        AuditRecord.objects.filter(action__startswith="calendar.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "calendar.override.add",
        "calendar.override.change",
        "calendar.override.remove",
    ]


def test_the_service_refuses_an_officer_without_the_calendar_role():
    with pytest.raises(PermissionDenied):
        services.save_override(
            CalendarOverride(date=DAY, kind="day_off", reason="QĐ"), by=UserFactory()
        )


def _manager(username="lich.quocgia"):
    manager = UserFactory(username=username, is_staff=True)
    manager.groups.add(services.calendar_manager_group())
    return manager


def test_the_permission_given_directly_to_a_user_does_not_count():
    from django.contrib.auth.models import Permission

    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(*Permission.objects.filter(content_type__app_label="workdays"))
    assert not services.may_manage_calendar(officer)
    response = _client(officer).post("/quan-tri/workdays/calendaroverride/add/", FORM)
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
    with pytest.raises(PermissionDenied):
        services.save_override(CalendarOverride(date=DAY, kind="day_off", reason="QĐ"), by=officer)


def test_the_permission_through_another_group_does_not_count():
    from django.contrib.auth.models import Permission

    admin = officer_user(AgencyFactory(), Role.AGENCY_ADMIN, is_staff=True)
    group = agency_admin_group()
    group.permissions.add(*Permission.objects.filter(content_type__app_label="workdays"))
    admin.groups.add(group)
    assert not services.may_manage_calendar(admin)
    response = _client(admin).post("/quan-tri/workdays/calendaroverride/add/", FORM)
    assert response.status_code == 403


def test_an_agency_admin_may_look_at_the_calendar_but_not_change_or_delete_it():
    override = services.save_override(CalendarOverride(date=DAY, kind="day_off", reason="QĐ"))
    admin = officer_user(AgencyFactory(), Role.AGENCY_ADMIN, is_staff=True)
    admin.groups.add(agency_admin_group())
    client = _client(admin)
    assert client.get("/quan-tri/workdays/calendaroverride/").status_code == 200
    change = f"/quan-tri/workdays/calendaroverride/{override.pk}/change/"
    response = client.post(change, {**FORM, "kind": "working_day"})
    assert response.status_code == 403
    delete = f"/quan-tri/workdays/calendaroverride/{override.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    override.refresh_from_db()
    assert override.kind == "day_off"
    assert not calendar.is_working_day(DAY)


def test_a_calendar_manager_s_change_and_removal_in_the_admin_are_audited():
    manager = _manager()
    override = services.save_override(CalendarOverride(date=DAY, kind="day_off", reason="QĐ 1"))
    client = _client(manager)
    change = f"/quan-tri/workdays/calendaroverride/{override.pk}/change/"
    response = client.post(change, {**FORM, "kind": "working_day", "reason": "QĐ 2"})
    assert response.status_code == 302
    changed = AuditRecord.objects.get(action="calendar.override.change")
    assert changed.actor == manager
    assert changed.data["before"] == {"date": "2030-03-12", "kind": "day_off", "reason": "QĐ 1"}
    assert changed.data["kind"] == "working_day"
    delete = f"/quan-tri/workdays/calendaroverride/{override.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 302
    removed = AuditRecord.objects.get(action="calendar.override.remove")
    assert removed.actor == manager
    assert not CalendarOverride.objects.exists()
    assert calendar.is_working_day(DAY)


def test_entering_and_leaving_the_calendar_managers_group_is_audited():
    group = services.calendar_manager_group()
    user = UserFactory()
    user.groups.add(group)
    group.user_set.remove(user)
    user.groups.add(agency_admin_group())  # another group: not recorded
    records = AuditRecord.objects.filter(action__startswith="calendar.manager.")
    assert [(r.action, r.object_id) for r in records.order_by("pk")] == [
        ("calendar.manager.add", str(user.pk)),
        ("calendar.manager.remove", str(user.pk)),
    ]
