from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarOverride


@receiver([post_save, post_delete], sender=CalendarOverride)
def clear_calendar_cache(**kwargs) -> None:
    # Now, so this transaction sees the change, and again after the commit, so that
    # nothing read in between survives. (Other processes: see calendar's docstring.)
    calendar.clear_cache()
    transaction.on_commit(calendar.clear_cache)
