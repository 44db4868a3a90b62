"""Reading the lookup log (for auditors and the dossier page)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import LookupLog
from .services import subject_hash


def lookups_of_subject(subject: str) -> QuerySet[LookupLog]:
    """Every lookup of the person or business with identity number ``subject``, newest first."""
    return LookupLog.objects.filter(subject_hash=subject_hash(subject))


def lookups_for_dossier(dossier_ref: str) -> QuerySet[LookupLog]:
    """Every lookup made for the dossier ``dossier_ref`` (its UUID or code), newest first."""
    return LookupLog.objects.filter(dossier_ref=str(dossier_ref))
