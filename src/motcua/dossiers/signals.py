"""The one signal other apps listen to when a dossier changes.

``dossier_event`` is sent inside the transaction that made the change, so a
receiver's writes (a rollup, a notification in the outbox) commit or roll back
with it. Receivers must be quick and must not call back into the dossier services.

Arguments: ``dossier`` (after the change), ``event`` (a workflow action such as
"receive", or "counter_intake", "rated", "fee_paid", "apology_sent",
"supplement_overdue"), ``from_status``, ``to_status``, ``actor`` (a User or None),
``at`` (aware datetime), ``data`` (dict with event details).
"""

from django.dispatch import Signal

dossier_event = Signal()
