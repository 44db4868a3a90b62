"""The data store listens to dossier events: a result issued, or a paper component
digitised at the desk, lands in the applicant's store."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event

from . import services

# The result may be attached when it is issued or, at the latest, when it is returned.
RESULT_EVENTS = frozenset({"issue_result", "return_result"})
# ``dossiers.digitisation``: components scanned and checked against the original.
DIGITISED_EVENT = "digitised"


@receiver(dossier_event, dispatch_uid="datastore.results")
def keep_results(sender, dossier, event, data=None, **kwargs) -> None:
    """Copy the dossier's result files, or its newly digitised components, into its
    applicant's store (same transaction)."""
    if event in RESULT_EVENTS:
        services.save_results_of(dossier)
    elif event == DIGITISED_EVENT:
        services.save_digitised_of(dossier, (data or {}).get("attachments"))
