"""The data store listens to dossier events: a result issued lands in the applicant's store."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event

from . import services

# The result may be attached when it is issued or, at the latest, when it is returned.
RESULT_EVENTS = frozenset({"issue_result", "return_result"})


@receiver(dossier_event, dispatch_uid="datastore.results")
def keep_results(sender, dossier, event, **kwargs) -> None:
    """Copy the dossier's result files into its applicant's store (same transaction)."""
    if event in RESULT_EVENTS:
        services.save_results_of(dossier)
