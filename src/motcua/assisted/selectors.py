"""What an assisted-filing agent sees: their agencies and the dossiers they filed."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from motcua.agencies.models import Agency, Membership, Role
from motcua.dossiers.models import Dossier

from .models import ConfirmationCode


def agent_agencies(user) -> list[Agency]:
    """The agencies that authorised ``user`` as an assisted-filing agent (by name)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.filter(user=user, role=Role.AGENT).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def is_agent(user) -> bool:
    """Whether ``user`` holds the agent's role in at least one agency."""
    return bool(getattr(user, "is_authenticated", False)) and (
        Membership.objects.filter(user=user, role=Role.AGENT).exists()
    )


def filed_by(agent) -> QuerySet[Dossier]:
    """The dossiers ``agent`` filed (or is filing), newest first."""
    return (
        Dossier.objects.filter(filed_by=agent)
        .select_related("applicant", "agency", "procedure_version__procedure", "filed_for_agency")
        .order_by("-created_at", "-pk")
    )


def dossier_of_agent(agent, public_id) -> Dossier:
    """The dossier ``public_id`` if ``agent`` filed it; Http404 otherwise (another agent's
    or a citizen's own dossier is invisible)."""
    dossier = filed_by(agent).filter(public_id=public_id).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    return dossier


def latest_code(dossier: Dossier) -> ConfirmationCode | None:
    """The last code sent for ``dossier`` (the only one that can confirm it), or None."""
    return ConfirmationCode.objects.filter(dossier=dossier).order_by("-created_at", "-pk").first()
