"""Reading the personal data store. Every query is scoped to one owner."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet, Sum

from motcua.dossiers.models import Dossier

from .models import Document


def documents_of(user, kind: str | None = None) -> QuerySet[Document]:
    """The person's documents, newest first; only ``kind`` (upload/result) when given.

    An anonymous or missing user has none.
    """
    if user is None or not user.is_authenticated:
        return Document.objects.none()
    documents = Document.objects.filter(owner=user)
    if kind:
        documents = documents.filter(kind=kind)
    return documents.order_by("-created_at", "-pk")


def document_of(user, public_id: uuid.UUID | str) -> Document:
    """The person's document with ``public_id``.

    Raises Document.DoesNotExist when there is none or it belongs to someone else (so a
    guessed id tells nothing), and for an id that is not a UUID.
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Document.DoesNotExist from None
    return documents_of(user).get(public_id=public_id)


def used_bytes(user) -> int:
    """The total size of the person's own uploads (what the quota counts)."""
    total = documents_of(user, Document.Kind.UPLOAD).aggregate(total=Sum("size"))["total"]
    return total or 0


def owner_of(dossier: Dossier):
    """The account whose data store a dossier's documents belong to, or None.

    The applicant's own account; for a business without one, its legal
    representative's account.
    """
    applicant = dossier.applicant
    if applicant.user_id:
        return applicant.user
    representative = applicant.representative
    if representative is not None and representative.user_id:
        return representative.user
    return None
