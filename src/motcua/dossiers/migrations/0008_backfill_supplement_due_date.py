"""Give every dossier already waiting for a supplement a due date for it.

Before 0006 a waiting dossier had no ``supplement_due_date``, and a version could keep
the dossier waiting without limit (``close_when_supplement_expires=False``, 30 days).
Without this the first ``check_deadlines`` after deploying would count the new limit from
the old ``paused_at`` and close those dossiers in bulk (refund and notice). Decree
118/2025/NĐ-CP gives the applicant the version's ``supplement_days`` working days (15 at
least here) from the request; for these old requests they are counted from the day this
migration runs, the first day the applicant can be told of the limit.
"""

import datetime as dt

from django.db import migrations

MIN_DAYS = 15


def backfill_supplement_due_dates(apps, schema_editor=None, today: dt.date | None = None) -> int:
    """Set ``supplement_due_date`` of waiting dossiers that have none (requests recorded
    as ``SupplementRequest`` always carry theirs); returns how many were given one."""
    from django.utils import timezone

    from motcua.workdays.calendar import add_working_days, clear_cache

    Dossier = apps.get_model("dossiers", "Dossier")
    clear_cache()
    today = today or timezone.localdate()
    waiting = Dossier.objects.filter(
        status="waiting_supplement", supplement_due_date=None
    ).select_related("procedure_version")
    count = 0
    for dossier in waiting.iterator():
        days = max(MIN_DAYS, dossier.procedure_version.supplement_days or 0)
        due = add_working_days(today, days)
        Dossier.objects.filter(pk=dossier.pk).update(supplement_due_date=due)
        count += 1
    return count


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0007_alter_apologyletter_options"),
        ("workdays", "0002_calendar_manage_permission"),
    ]

    operations = [
        migrations.RunPython(backfill_supplement_due_dates, migrations.RunPython.noop),
    ]
