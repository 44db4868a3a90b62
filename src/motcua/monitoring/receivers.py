"""Monitoring listens to dossier events and keeps its rollups up to date (same transaction)."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event

from .facts import refresh_dossier

# Moves that change nothing the figures read (the internal process, reminders), and the
# submission of an online dossier, which counts only once it is received. Anything they
# might carry along is picked up by the dossier's next event or by rebuild_rollups.
NO_FIGURES = frozenset(
    {
        "submit",
        "start_processing",
        "assign",
        "give_opinion",
        "forward",
        "apology_sent",
        "supplement_overdue",
        "decision_recorded",
    }
)


@receiver(dossier_event, dispatch_uid="monitoring.rollups")
def keep_rollups(sender, dossier, event, **kwargs) -> None:
    """Recompute the dossier's contribution; the rollups move by the difference."""
    if event not in NO_FIGURES:
        refresh_dossier(dossier.pk)
