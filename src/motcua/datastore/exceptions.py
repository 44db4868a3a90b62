from motcua.dossiers.exceptions import DossierError


class DatastoreError(DossierError):
    """The data store refused the action; ``message`` is shown to the person (Vietnamese).

    A DossierError, so callers that already catch the upload check's errors catch these.
    """
