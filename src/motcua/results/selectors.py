"""Reads of the results app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from motcua.accounts.models import Applicant

from .models import ResultDocument


def mask_name(name: str) -> str:
    """A person's name for public pages: the family name, then initials ("Nguyễn T*** H***")."""
    words = name.split()
    if len(words) <= 1:
        return (words[0][0] + "***") if words else ""
    return " ".join([words[0], *(word[0] + "***" for word in words[1:])])


@dataclass(frozen=True)
class PublicDetails:
    """What anyone holding the QR code may see about a result: never the document."""

    code: str
    procedure_code: str
    procedure_name: str
    agency: str
    result_name: str
    number: str
    issued_at: datetime
    signer: str
    applicant: str
    status_label: str


def document_by_token(token: str) -> ResultDocument | None:
    return (
        ResultDocument.objects.select_related(
            "dossier__agency",
            "dossier__applicant",
            "dossier__procedure_version__procedure",
            "certificate",
            "attachment",
        )
        .filter(token=token)
        .first()
    )


def public_details(document: ResultDocument) -> PublicDetails:
    dossier = document.dossier
    applicant = dossier.applicant
    # A business's name is public (business registry); a person's is masked.
    shown = (
        applicant.name if applicant.kind == Applicant.Kind.BUSINESS else mask_name(applicant.name)
    )
    return PublicDetails(
        code=dossier.code or "",
        procedure_code=dossier.procedure_version.procedure.code,
        procedure_name=dossier.procedure_version.name,
        agency=dossier.agency.name,
        result_name=document.title,
        number=document.number,
        issued_at=document.signed_at,
        signer=document.certificate.agency.name,
        applicant=shown,
        status_label=dossier.get_status_display(),
    )


def latest_document(code: str | None = None) -> ResultDocument | None:
    """The most recent signed result, of the dossier ``code`` when given."""
    documents = ResultDocument.objects.select_related("dossier", "attachment")
    if code:
        documents = documents.filter(dossier__code=code)
    return documents.order_by("-signed_at", "-pk").first()
