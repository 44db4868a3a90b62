"""The dossier as an event carries it: everything the national systems need, nothing personal.

The snapshot is the dossier's whole state after the change (not the change alone), so
a receiver that sees only the latest event of a dossier still knows everything, and an
older event arriving late can simply be ignored. docs/EVENTS.md documents each field.
No applicant data is included: no name, no identity number, no form content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.utils import translation

from motcua.agencies.models import Agency
from motcua.dossiers.models import AgencyPart, Dossier, Status, StatusChange

SNAPSHOT_VERSION = 1
# Kinds that head a province-level tree (the national ranking groups by them).
PROVINCE_KINDS = {Agency.Kind.PROVINCE, Agency.Kind.CITY}
_ANCESTORS = 4  # levels read in one query; deeper trees take another query per 4 levels


def _iso(moment: dt.datetime | dt.date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def agency_info(agency_id: int) -> dict[str, str]:
    """Code, name and kind of an agency and of the province (or ministry) it belongs to.

    The province is the nearest agency of kind province or city going up (itself
    included); a central agency has none, and its top agency (the ministry) stands in.
    """
    chain: list[tuple[str, str, str]] = []
    current: int | None = agency_id
    while current is not None and len(chain) < 64:
        fields = []
        prefix = ""
        for _level in range(_ANCESTORS):
            fields += [f"{prefix}code", f"{prefix}name", f"{prefix}kind"]
            prefix += "parent__"
        fields.append(f"{prefix}id")
        row = Agency.objects.filter(pk=current).values_list(*fields).first()
        if row is None:
            break
        for level in range(_ANCESTORS):
            code, name, kind = row[3 * level : 3 * level + 3]
            if code is None:
                break
            chain.append((code, name, kind))
        current = row[-1]
    if not chain:
        return {"code": "", "name": "", "kind": "", "province_code": "", "province_name": ""}
    province = next((a for a in chain if a[2] in PROVINCE_KINDS), chain[-1])
    code, name, kind = chain[0]
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "province_code": province[0],
        "province_name": province[1],
    }


def _agency_info_in_memory(agency: Agency) -> dict[str, str] | None:
    """:func:`agency_info` from ``agency`` and the parents loaded with it, or None when
    one of them was not loaded (then the query answers)."""
    chain: list[Agency] = []
    current: Agency | None = agency
    while current is not None and len(chain) < 64:
        chain.append(current)
        if current.parent_id is None:
            current = None
        elif Agency.parent.is_cached(current):
            current = current.parent
        else:
            return None
    province = next((a for a in chain if a.kind in PROVINCE_KINDS), chain[-1])
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "province_code": province.code,
        "province_name": province.name,
    }


def status_label(status: str) -> str:
    """The status as the citizen reads it (Vietnamese whatever language is active)."""
    with translation.override("vi"):
        return str(Status(status).label)


# Fields of the dossier row a snapshot reads (besides the joined ones below).
_OWN_FIELDS = (
    "code",
    "status",
    "channel",
    "agency_id",
    "submitted_at",
    "received_at",
    "clock_started_at",
    "due_date",
    "appointment_date",
    "paused_at",
    "finished_at",
    "returned_at",
    "reused_data",
    "fee_vnd",
    "fee_paid_at",
    "fee_paid_online",
    "result_electronic",
)


def _row_in_memory(dossier: Dossier) -> dict[str, Any]:
    """The snapshot's row built from the dossier just saved by its first submission.

    A draft being submitted has no agency part (a transfer comes later), no rating and
    was never closed during a supplement, so nothing but the row itself is needed; its
    procedure version is the one loaded with it (``services.transition`` joins it)."""
    version = dossier.procedure_version
    row = {name: getattr(dossier, name) for name in _OWN_FIELDS}
    row.update(
        {
            "procedure_version__number": version.number,
            "procedure_version__name": version.name,
            "procedure_version__processing_days": version.processing_days,
            "procedure_version__procedure__code": version.procedure.code,
            "part_agency": None,
            "part_started": None,
            "closed_during_supplement": False,
            "rating__score": None,
            "rating__rated_at": None,
        }
    )
    return row


def dossier_snapshot(
    dossier_id: int, *, dossier: Dossier | None = None, from_status: str = ""
) -> dict[str, Any]:
    """The dossier's state as the database holds it now (inside the change's transaction).

    When the change is a draft's submission and the saved row is given (``dossier``),
    the snapshot is built from it in memory: nothing it needs can differ from the row.
    """
    if dossier is not None and from_status == Status.DRAFT and dossier.pk == dossier_id:
        loaded = Dossier.agency.is_cached(dossier)
        agency = _agency_info_in_memory(dossier.agency) if loaded else None
        return _snapshot_of(_row_in_memory(dossier), agency=agency)
    first_part = AgencyPart.objects.filter(
        dossier=OuterRef("pk"), started_at__isnull=False
    ).order_by("pk")
    row = (
        Dossier.objects.filter(pk=dossier_id)
        .annotate(
            part_agency=Subquery(first_part.values("agency_id")[:1]),
            part_started=Subquery(first_part.values("started_at")[:1]),
            closed_during_supplement=Exists(
                StatusChange.objects.filter(
                    dossier=OuterRef("pk"),
                    from_status=Status.WAITING_SUPPLEMENT,
                    to_status=Status.REFUSED,
                )
            ),
        )
        .values(
            *_OWN_FIELDS,
            "procedure_version__number",
            "procedure_version__name",
            "procedure_version__processing_days",
            "procedure_version__procedure__code",
            "part_agency",
            "part_started",
            "closed_during_supplement",
            "rating__score",
            "rating__rated_at",
        )
        .get()
    )
    return _snapshot_of(row)


def _snapshot_of(row: dict[str, Any], agency: dict[str, str] | None = None) -> dict[str, Any]:
    agency = agency or agency_info(row["agency_id"])
    if row["part_started"] is not None:
        intake = (
            agency if row["part_agency"] == row["agency_id"] else agency_info(row["part_agency"])
        )
        intake_at = row["part_started"]
    else:
        intake, intake_at = agency, row["received_at"]
    rating = None
    if row["rating__rated_at"] is not None:
        rating = {"score": row["rating__score"], "rated_at": _iso(row["rating__rated_at"])}
    return {
        "snapshot_version": SNAPSHOT_VERSION,
        "code": row["code"],
        "procedure": {
            "code": row["procedure_version__procedure__code"],
            "name": row["procedure_version__name"],
            "version": row["procedure_version__number"],
            "legal_processing_days": row["procedure_version__processing_days"],
        },
        "agency": agency,
        "intake_agency": intake,
        "intake_agency_code": intake["code"],
        "decision_agency_code": agency["code"],
        "channel": row["channel"],
        "status": row["status"],
        "status_label": status_label(row["status"]),
        "submitted_at": _iso(row["submitted_at"]),
        "received_at": _iso(row["received_at"]),
        "intake_at": _iso(intake_at),
        "clock_started_at": _iso(row["clock_started_at"]),
        "due_date": _iso(row["due_date"]),
        "appointment_date": _iso(row["appointment_date"]),
        "paused_at": _iso(row["paused_at"]),
        "finished_at": _iso(row["finished_at"]),
        "returned_at": _iso(row["returned_at"]),
        "closed_during_supplement": bool(row["closed_during_supplement"]),
        "reused_data": bool(row["reused_data"]),
        "fee_vnd": row["fee_vnd"],
        "fee_paid_at": _iso(row["fee_paid_at"]),
        "fee_paid_online": bool(row["fee_paid_online"]),
        "result_electronic": bool(row["result_electronic"]),
        "rating": rating,
    }
