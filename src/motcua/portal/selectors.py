"""Reads for the portal: the public catalogue, and the citizen's own dossiers."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.agencies.selectors import active_agencies
from motcua.catalog import eform
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import Procedure, ProcedureComponent, ProcedureVersion
from motcua.catalog.models import Sector as Sector
from motcua.datastore.models import Document
from motcua.dossiers import supplements
from motcua.dossiers.models import LOOKUP_SECRET_LENGTH, Attachment, Dossier, Status, StatusChange
from motcua.dossiers.services import compute_due_date
from motcua.dossiers.workflow import TRANSITIONS
from motcua.lib import refcache
from motcua.lib.compiled import CompiledQuery
from motcua.search.folding import fold

# The e-form and its locked (prefilled) fields are public: the API files through them.
from . import eform_pages, eforms, lookup_cache  # noqa: F401 (the e-form's pages, for assisted filing)
from .eforms import definition, locked_fields  # noqa: F401


def public_versions(
    *, name: str = "", sector_id: int | None = None, agency_id: int | None = None
) -> QuerySet[ProcedureVersion]:
    """Current published versions, optionally filtered by a name fragment, a sector and
    an agency that receives them."""
    qs = (
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED, procedure__current_version__isnull=False
        )
        .select_related("procedure", "sector")
        .order_by("sector__name", "name")
    )
    if name:
        qs = qs.filter(name__icontains=name.strip())
    if sector_id:
        qs = qs.filter(sector_id=sector_id)
    if agency_id:
        qs = qs.filter(agencies__id=agency_id).distinct()
    return qs


def browsable_agencies() -> QuerySet:
    """Agencies that receive at least one published procedure, for the catalogue filter."""
    from motcua.agencies.models import Agency

    return (
        Agency.objects.filter(
            procedures__status=ProcedureVersion.Status.PUBLISHED,
            procedures__procedure__current_version__isnull=False,
        )
        .distinct()
        .order_by("name")
    )


def procedure_page(code: str) -> ProcedureVersion | None:
    """The current version of the procedure ``code`` with its components and steps."""
    procedure = (
        Procedure.objects.filter(code=code, current_version__isnull=False)
        .select_related("current_version__sector")
        .first()
    )
    return procedure.current_version if procedure else None


# --- The citizen's dossiers ------------------------------------------------------


def receiving_agencies(version: ProcedureVersion, *, on: dt.date | None = None) -> list[Agency]:
    """The agencies that take online dossiers of ``version`` today, by name.

    These are the version's implementing agencies (``ProcedureVersion.agencies``) that
    still exist; for a commune-level procedure there is one per commune (or its
    police), and the citizen picks the one where they live.
    """
    return [_agency(row, parent) for _code, row, parent in _receiving_rows(version, on)]


def receiving_agency(
    version: ProcedureVersion, code: str, *, on: dt.date | None = None
) -> Agency | None:
    """The agency coded ``code`` if it is one of :func:`receiving_agencies` (else None),
    without building the others (a commune-level procedure has one per commune)."""
    for agency_code, row, parent in _receiving_rows(version, on):
        if agency_code == code:
            return _agency(row, parent)
    return None


def receiving_codes(version: ProcedureVersion, *, on: dt.date | None = None) -> list[str]:
    """The codes of :func:`receiving_agencies`, in the same order."""
    return [code for code, _row, _parent in _receiving_rows(version, on)]


def _receiving_rows(version: ProcedureVersion, on: dt.date | None) -> tuple:
    day = on or timezone.localdate()
    return refcache.memoised(
        ("portal.receiving_agencies", version.pk, day),
        lambda: tuple(
            (a.code, refcache.row_of(a), refcache.row_of(a.parent) if a.parent_id else None)
            for a in active_agencies(day)
            .filter(procedures=version)
            .select_related("parent")
            .order_by("name", "code")
        ),
    )


def _agency(row: tuple, parent_row: tuple | None) -> Agency:
    """A fresh instance (a caller may change it) with its parent."""
    agency = refcache.instance(Agency, row)
    if parent_row is not None:
        agency.parent = refcache.instance(Agency, parent_row)
    return agency


def _place_name(agency: Agency) -> str:
    """The commune an agency serves, folded: itself, or the commune its police sits in."""
    place = agency
    if agency.kind != Agency.Kind.COMMUNE and agency.parent is not None:
        if agency.parent.kind == Agency.Kind.COMMUNE:
            place = agency.parent
    name = fold(place.name)
    return name[5:] if name.startswith("ubnd ") else name


def own_commune_first(agencies: list[Agency], address: str) -> tuple[list[Agency], Agency | None]:
    """``agencies`` with those of the citizen's own commune first, and the one to
    preselect (None when the address names none of them, or several equally).

    The address is the one on the citizen's profile (filled from the population
    registry at sign-in when it answers); a commune is "theirs" when its name (without
    "UBND") appears in it, diacritics and case aside.
    """
    # Each part of the address on its own ("…, Phường Kinh Bắc, tỉnh Bắc Ninh"): folding
    # drops the commas, and "Phường Kinh, Bắc Ninh" must not read as "Phường Kinh Bắc".
    parts = [fold(part) for part in re.split(r"[,;\n]", address or "")]
    parts = [part for part in parts if part]
    if not parts or len(agencies) < 2:
        return list(agencies), (agencies[0] if len(agencies) == 1 else None)

    def names_place(agency: Agency) -> bool:
        name = _place_name(agency)
        pattern = rf"(^|\W){re.escape(name)}(\W|$)"
        return bool(name) and any(re.search(pattern, part) for part in parts)

    own = [a for a in agencies if names_place(a)]
    others = [a for a in agencies if a not in own]
    return own + others, (own[0] if len(own) == 1 else None)


def dossiers_of(applicant: Applicant) -> QuerySet[Dossier]:
    """Every dossier the citizen acting as ``applicant`` may see and act on.

    The one scope of the citizen pages: a person sees their own dossiers; while they
    act for a business they represent, ``applicant`` is that business and they see
    its dossiers (never another applicant's, whatever the URL).
    """
    return dossiers_of_id(applicant.pk).select_related(
        "procedure_version__procedure", "agency", "applicant"
    )


def dossiers_of_id(applicant_id: int) -> QuerySet[Dossier]:
    """``dossiers_of`` by the applicant's id, without the related rows."""
    return Dossier.objects.filter(applicant_id=applicant_id)


def dossier_for(applicant: Applicant, public_id) -> Dossier:
    """The dossier ``public_id`` within ``dossiers_of(applicant)``; Http404 otherwise."""
    return get_object_or_404(dossiers_of(applicant), public_id=public_id)


def drafts_for(applicant: Applicant, version: ProcedureVersion) -> list[Dossier]:
    """The applicant's drafts for the procedure of ``version`` (to resume), newest first."""
    return list(
        dossiers_of(applicant)
        .filter(status=Status.DRAFT, procedure_version__procedure=version.procedure)
        .order_by("-created_at")
    )


def awaiting_confirmation(applicant: Applicant) -> QuerySet[Dossier]:
    """Drafts an assisted-filing agent prepared for ``applicant`` that wait for the
    citizen's confirmation ("Hồ sơ nộp hộ chờ bạn xác nhận"; docs/ASSISTED.md)."""
    return (
        dossiers_of(applicant)
        .filter(status=Status.DRAFT, filed_by__isnull=False)
        .select_related("filed_by", "filed_for_agency")
        .order_by("-created_at", "-pk")
    )


def my_dossiers(applicant: Applicant) -> QuerySet[Dossier]:
    """The "Hồ sơ của tôi" list: newest first."""
    return dossiers_of(applicant).order_by("-created_at", "-pk")


def replaced_components(version: ProcedureVersion) -> set[str]:
    """Names of the components the version's e-form replaces (no scan is asked for)."""
    return set(eform.replaced_components(definition(version.form_schema)))


def attachments_of(dossier: Dossier) -> list[Attachment]:
    """Every file of the dossier, in upload order (one read, for a caller that both
    checks the component files and answers the whole list)."""
    found = _ATTACHMENTS(dossier.pk)
    for attachment in found:
        attachment.dossier = dossier
    return found


# ``attachments_of``'s read, compiled once per connection (``lib.compiled``).
_ATTACHMENTS = CompiledQuery(
    lambda dossier_id: Attachment.objects.filter(dossier_id=dossier_id).order_by(
        "uploaded_at", "pk"
    ),
    0,
)


def components_with_files(
    dossier: Dossier, attachments: list[Attachment] | None = None
) -> list[tuple[ProcedureComponent, list[Attachment]]]:
    """The version's components, each with the files attached to it (in upload order).

    A component the e-form replaces is marked ``replaced`` (no scan is asked for).
    ``attachments``: ``attachments_of(dossier)`` when the caller has read them already.
    """
    if attachments is None:
        attachments = attachments_of(dossier)
    attachments = [a for a in attachments if a.kind == Attachment.Kind.COMPONENT]
    replaced = replaced_components(dossier.procedure_version)
    result = []
    for component in catalog_selectors.components_of(dossier.procedure_version):
        component.replaced = component.name in replaced
        result.append((component, [a for a in attachments if a.component_id == component.pk]))
    return result


def needs_uploads(dossier: Dossier, components=None) -> bool:
    """Whether the files step has anything to offer: a component the citizen may attach
    (one neither replaced by the e-form nor supplied by a national database), or a file
    already attached. Without one, the form leads straight to the review.
    ``components``: ``components_with_files(dossier)`` when the caller has it already."""
    if components is None:
        components = components_with_files(dossier)
    return any(
        files or not (component.replaced or component.registry) for component, files in components
    )


def missing_components(
    dossier: Dossier, attachments: list[Attachment] | None = None
) -> list[ProcedureComponent]:
    """Required components with no file, except those a national database supplies and
    those the e-form replaces (``attachments`` as for ``components_with_files``)."""
    return [
        component
        for component, files in components_with_files(dossier, attachments)
        if component.required and not component.registry and not component.replaced and not files
    ]


@dataclass(frozen=True)
class IssuedResult:
    """One result file of a dossier as the "Kết quả" panel shows it."""

    attachment: Attachment
    number: str
    title: str
    signed_at: dt.datetime | None
    verify_token: str
    in_data_store: bool


RESULT_STATUSES = frozenset({Status.RESULT_ISSUED, Status.RETURNED})


def issued_results(dossier: Dossier, user) -> list[IssuedResult]:
    """The result files of ``dossier`` once it is issued (newest first): what to download,
    how to verify (the signed result's token) and whether the citizen's data store
    holds a copy (issuing an electronic result saves one there, ``motcua.datastore``)."""
    if dossier.status not in RESULT_STATUSES:
        return []
    files = list(
        dossier.attachments.filter(kind=Attachment.Kind.RESULT)
        .select_related("result_document")
        .order_by("-uploaded_at", "-pk")
    )
    stored = set(
        Document.objects.filter(owner=user, source_attachment__in=files).values_list(
            "source_attachment_id", flat=True
        )
    )
    found = []
    for attachment in files:
        signed = getattr(attachment, "result_document", None)
        found.append(
            IssuedResult(
                attachment=attachment,
                number=signed.number if signed else "",
                title=signed.title if signed else attachment.original_name,
                signed_at=signed.signed_at if signed else None,
                verify_token=signed.token if signed else "",
                in_data_store=attachment.pk in stored,
            )
        )
    return found


@dataclass(frozen=True)
class TimelineEntry:
    status_label: str
    action_label: str
    at: dt.datetime
    note: str


# Notes the citizen is meant to read (a refusal's reason, what to supplement); the
# notes of internal steps (a specialist's opinion) stay in the back office.
CITIZEN_NOTES = frozenset(
    {
        "submit",
        "request_supplement",
        "provide_supplement",
        "refuse_intake",
        "refuse",
        "withdraw",
        "stop",
        "expire_supplement",
    }
)


def timeline(dossier: Dossier, *, with_notes: bool = True) -> list[TimelineEntry]:
    """Every status the dossier went through, oldest first, with its date.

    Internal hand-overs that keep the status (assignment, opinions) are left out.
    ``with_notes=False`` (the public look-up) drops the notes.
    """
    statuses = dict(Status.choices)
    entries = []
    for change in dossier.history.order_by("at", "pk"):
        if change.from_status == change.to_status:
            continue
        rule = TRANSITIONS.get(change.action)
        note = change.note if with_notes and change.action in CITIZEN_NOTES else ""
        entries.append(
            TimelineEntry(
                status_label=str(statuses.get(change.to_status, change.to_status)),
                action_label=str(rule.label) if rule else change.action,
                at=change.at,
                note=note,
            )
        )
    return entries


def supplement_request(dossier: Dossier) -> StatusChange | None:
    """The latest supplement request (what the agency asked for), if any."""
    return dossier.history.filter(action="request_supplement").order_by("-at", "-pk").first()


def open_supplement_items(dossier: Dossier) -> dict | None:
    """What the agency asked for in the request the dossier waits on (form 02): its items,
    note and deadline; None when it is not waiting."""
    if dossier.status != Status.WAITING_SUPPLEMENT:
        return None
    request = supplements.open_request(dossier)
    if request is None:
        return None
    return {
        "items": request.items,
        "note": request.note,
        "due_date": request.due_date,
        "at_intake": request.at_intake,
    }


def expected_result_date(dossier: Dossier) -> tuple[dt.date | None, bool]:
    """The date to show as the expected result date, and whether it is an estimate.

    Once the agency has received the dossier it is the legal ``due_date``; before, it
    is estimated as if the dossier were received on the day it was submitted (the
    legal time counts from the day of receipt).
    """
    if dossier.due_date:
        return dossier.due_date, False
    if dossier.status == Status.SUBMITTED:
        start = dossier.submitted_at or timezone.now()
        return compute_due_date(dossier.procedure_version, start, dossier.agency), True
    return None, False


# The public look-up's answer, cached per dossier code (the portal page and the API).
lookup_answer = lookup_cache.find_answer
normalize_lookup_secret = lookup_cache.normalize_lookup_secret


def find_for_lookup(code: str, secret: str) -> Dossier | None:
    """The submitted dossier with ``code`` whose look-up secret is ``secret``, or None.

    Both must match; the caller cannot tell a wrong code from a wrong secret, and
    the secret is compared in constant time. The secret is read as people type it:
    any case, spaces and dashes ignored, O read as 0 and I or L as 1 (letters the
    secrets never contain).
    """
    code, secret = (code or "").strip(), normalize_lookup_secret(secret)
    dossier = (
        # Exact matches use the unique index; codes are printed in capitals.
        Dossier.objects.filter(code__in={code, code.upper()})
        .exclude(status=Status.DRAFT)
        .select_related("procedure_version__procedure", "agency", "applicant")
        .first()
        if code
        else None
    )
    expected = dossier.lookup_secret if dossier is not None else "-" * LOOKUP_SECRET_LENGTH
    matches = secrets.compare_digest(expected.encode(), secret.encode())
    return dossier if dossier is not None and secret and matches else None
