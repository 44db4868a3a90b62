from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import calendar
from .models import CalendarOverride


@receiver([post_save, post_delete], sender=CalendarOverride)
def clear_calendar_cache(**kwargs) -> None:
    calendar.clear_cache()
