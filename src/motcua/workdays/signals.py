from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from motcua.audit.services import record

from . import calendar
from .models import CalendarOverride
from .services import CALENDAR_MANAGER_GROUP


@receiver([post_save, post_delete], sender=CalendarOverride)
def clear_calendar_cache(**kwargs) -> None:
    # Now, so this transaction sees the change, and again after the commit, so that
    # nothing read in between survives. (Other processes: see calendar's docstring.)
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)


def record_calendar_managers(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Audit each user who enters or leaves the calendar managers' group (connected to
    ``User.groups``' ``m2m_changed`` in ``apps.ready``), from either side of the relation."""
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    from django.contrib.auth.models import Group

    if reverse:  # group.user_set.add(user, …)
        user_ids = set(pk_set) if instance.name == CALENDAR_MANAGER_GROUP else set()
    else:  # user.groups.add(group, …): what the user admin does
        named = Group.objects.filter(pk__in=pk_set, name=CALENDAR_MANAGER_GROUP).exists()
        user_ids = {instance.pk} if named else set()
    verb = "add" if action == "post_add" else "remove"
    for user_id in sorted(user_ids):
        record(
            f"calendar.manager.{verb}",
            object_type=settings.AUTH_USER_MODEL.lower(),
            object_id=user_id,
            data={"group": CALENDAR_MANAGER_GROUP},
        )
