"""Reading the outbox and the addresses notifications go to."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import Applicant
from motcua.dossiers.models import Dossier

from .models import Notification


def contacts_of(applicant: Applicant) -> dict[str, str]:
    """The email address and phone number to notify for ``applicant`` ('' when none).

    The applicant's own contact details first; for a business without them, its
    legal representative's; then the signed-in account's.
    """
    people = [applicant]
    if applicant.representative_id:
        people.append(applicant.representative)
    accounts = [p.user for p in people if p.user_id]
    email = next((p.email for p in people + accounts if p.email), "")
    phone = next((p.phone for p in people + accounts if p.phone), "")
    return {Notification.Channel.EMAIL: email.strip(), Notification.Channel.SMS: phone.strip()}


def notifications_of(dossier: Dossier) -> QuerySet[Notification]:
    """The notifications about ``dossier``, newest first (for the dossier's pages)."""
    return Notification.objects.filter(dossier_public_id=dossier.public_id).order_by(
        "-created_at", "-pk"
    )


def pending_count() -> int:
    """How many notifications wait to be sent (for monitoring the worker)."""
    return Notification.objects.filter(status=Notification.Status.PENDING).count()
