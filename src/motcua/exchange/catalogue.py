"""The province's catalogue, replicated on the national portal (issue #17).

In national mode the citizen portal lists every province's published procedures: the
national instance pulls each province's catalogue (``pull_catalogue``; the transport's
``fetch_catalogue`` GETs ``/lien-thong/danh-muc/``, signed) and upserts it here.

* ``export_catalogue()`` (province): its agencies (code, electronic identifier —
  Decision 20/2020/QĐ-TTg —, name, kind, parent), the current published version of
  each procedure with its e-form, components, internal steps and dated fee schedule,
  and the CA certificates its results are signed under (so the portal can verify them).
* ``import_catalogue(peer, data)`` (national): agencies upserted with
  ``home_instance = peer.code`` (an agency of this instance or of another peer is never
  taken over); a procedure the portal does not publish yet gets the province's version
  as a published copy; a newer version of a copy replaces it (the old one superseded);
  a procedure the portal already publishes from elsewhere simply gains the province's
  agencies. Fee rules of the peer's agencies are replaced. The CAs become trusted.

A replicated version is a copy: it changes only by pulling again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import (
    VERSION_FIELDS as CATALOG_VERSION_FIELDS,
)
from motcua.catalog.models import (
    FeeRule,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from motcua.catalog.selectors import published_procedures
from motcua.lib import refcache
from motcua.results.remote import authority_pems, trust_authorities

from .models import Peer

FORMAT = "motcua-catalogue/1"
# A version's content as the catalogue carries it: the catalogue's own fields, and the
# number of supplement requests allowed (kept on the version, not in ProcedureData).
VERSION_FIELDS = CATALOG_VERSION_FIELDS


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _own_agencies():
    return Agency.objects.filter(home_instance="").select_related("parent")


def export_catalogue() -> dict[str, Any]:
    """This instance's agencies and published procedures, as the portal imports them."""
    from django.conf import settings

    own = list(_own_agencies().order_by("code"))
    own_ids = {a.pk for a in own}
    procedures = []
    fee_rules = Prefetch("fee_rules", queryset=FeeRule.objects.select_related("agency"))
    for procedure in published_procedures().prefetch_related(
        "current_version__components",
        "current_version__steps",
        "current_version__agencies",
        fee_rules,
    ):
        version = procedure.current_version
        fees = procedure.fee_rules.all()
        procedures.append(
            {
                "code": procedure.code,
                "version": {
                    "number": version.number,
                    "sector": version.sector.name,
                    "published_at": _iso(version.published_at),
                    **{name: getattr(version, name) for name in VERSION_FIELDS},
                },
                "agencies": sorted(a.code for a in version.agencies.all() if a.pk in own_ids),
                "components": [
                    {
                        "position": c.position,
                        "name": c.name,
                        "required": c.required,
                        "registry": c.registry,
                    }
                    for c in version.components.all()
                ],
                "steps": [
                    {
                        "position": s.position,
                        "name": s.name,
                        "role": s.role,
                        "unit_name": s.unit_name,
                        "days": str(s.days),
                    }
                    for s in version.steps.all()
                ],
                "fees": [
                    {
                        "agency": rule.agency.code if rule.agency_id else None,
                        "fee_vnd": rule.fee_vnd,
                        "online_policy": rule.online_policy,
                        "online_value": rule.online_value,
                        "valid_from": _iso(rule.valid_from),
                        "valid_until": _iso(rule.valid_until),
                        "legal_basis": rule.legal_basis,
                    }
                    for rule in fees
                    if rule.agency_id is None or rule.agency_id in own_ids
                ],
            }
        )
    return {
        "format": FORMAT,
        "instance": getattr(settings, "MOTCUA_INSTANCE_CODE", ""),
        "exported_at": timezone.now().isoformat(),
        "agencies": [
            {
                "code": a.code,
                "identifier": a.identifier or "",
                "name": a.name,
                "kind": a.kind,
                "parent": a.parent.code if a.parent_id else None,
                "valid_from": _iso(a.valid_from),
                "valid_until": _iso(a.valid_until),
            }
            for a in own
        ],
        "procedures": procedures,
        "certificate_authorities": authority_pems(),
    }


@dataclass
class ImportReport:
    agencies_created: int = 0
    agencies_updated: int = 0
    agencies_skipped: list[str] = field(default_factory=list)
    versions_created: int = 0
    procedures_linked: int = 0
    fee_rules: int = 0
    authorities_added: int = 0


def _upsert_agencies(peer: Peer, rows: list[dict], report: ImportReport) -> dict[str, Agency]:
    mine: dict[str, Agency] = {}
    for row in rows:
        agency = Agency.objects.filter(code=row["code"]).first()
        if agency is not None and agency.home_instance != peer.code:
            report.agencies_skipped.append(row["code"])  # this instance's or another peer's
            continue
        identifier = row.get("identifier") or None
        if (
            identifier
            and Agency.objects.filter(identifier=identifier).exclude(code=row["code"]).exists()
        ):
            identifier = None  # held by another agency here: keep the code, report nothing
        values = {
            "name": row["name"][:255],
            "kind": row["kind"],
            "identifier": identifier,
            "home_instance": peer.code,
            "valid_from": parse_date(row["valid_from"]) if row.get("valid_from") else None,
            "valid_until": parse_date(row["valid_until"]) if row.get("valid_until") else None,
        }
        if agency is None:
            agency = Agency.objects.create(code=row["code"], **values)
            report.agencies_created += 1
        else:
            for name, value in values.items():
                setattr(agency, name, value)
            agency.save()
            report.agencies_updated += 1
        mine[agency.code] = agency
    for row in rows:  # parents once every agency exists
        agency = mine.get(row["code"])
        if agency is None:
            continue
        parent = Agency.objects.filter(code=row["parent"]).first() if row.get("parent") else None
        if agency.parent_id != (parent.pk if parent else None):
            agency.parent = parent
            agency.save(update_fields=["parent"])
    return mine


def _copy_of_peer(version: ProcedureVersion, peer: Peer) -> bool:
    """Whether ``version`` is a copy pulled from ``peer`` (all its agencies are the peer's)."""
    homes = set(version.agencies.values_list("home_instance", flat=True))
    return homes == {peer.code}


def _new_version(procedure: Procedure, data: dict) -> ProcedureVersion:
    values = {name: data[name] for name in VERSION_FIELDS if name in data}
    sector, _ = Sector.objects.get_or_create(name=data["sector"][:255])
    published = parse_datetime(data["published_at"]) if data.get("published_at") else None
    number = int(data["number"])
    if procedure.versions.filter(number=number).exists():
        number = (procedure.versions.order_by("-number").values_list("number", flat=True)[0]) + 1
    return ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        status=ProcedureVersion.Status.PUBLISHED,
        sector=sector,
        published_at=published or timezone.now(),
        **values,
    )


def _upsert_procedure(peer: Peer, row: dict, mine: dict[str, Agency], report: ImportReport):
    procedure, _ = Procedure.objects.get_or_create(code=row["code"])
    agencies = [mine[code] for code in row.get("agencies", []) if code in mine]
    current = procedure.current_version
    data = row["version"]
    newer = current is not None and int(data["number"]) > current.number
    if current is None or (newer and _copy_of_peer(current, peer)):
        version = _new_version(procedure, data)
        ProcedureComponent.objects.bulk_create(
            ProcedureComponent(version=version, **c) for c in row.get("components", [])
        )
        refcache.bump()  # bulk_create sends no post_save
        ProcessStep.objects.bulk_create(
            ProcessStep(
                version=version,
                position=s["position"],
                name=s["name"],
                role=s["role"],
                unit_name=s.get("unit_name", ""),
                days=Decimal(str(s["days"])),
            )
            for s in row.get("steps", [])
        )
        if current is not None:
            ProcedureVersion.objects.filter(pk=current.pk).update(
                status=ProcedureVersion.Status.SUPERSEDED
            )
            refcache.bump()  # .update() sends no post_save
            version.agencies.add(*current.agencies.exclude(home_instance=peer.code))
        procedure.current_version = version
        procedure.save(update_fields=["current_version"])
        report.versions_created += 1
        current = version
    else:
        report.procedures_linked += 1
    current.agencies.add(*agencies)
    # The peer's fee schedule for its agencies (a rule for "every agency" of the province
    # becomes one rule per agency of the province serving the procedure).
    FeeRule.objects.filter(procedure=procedure, agency__home_instance=peer.code).delete()
    for fee in row.get("fees", []):
        targets = [mine[fee["agency"]]] if fee.get("agency") in mine else []
        if fee.get("agency") is None:
            targets = agencies
        for agency in targets:
            FeeRule.objects.create(
                procedure=procedure,
                agency=agency,
                fee_vnd=fee["fee_vnd"],
                online_policy=fee["online_policy"],
                online_value=fee["online_value"],
                valid_from=parse_date(fee["valid_from"]) or dt.date.today(),
                valid_until=parse_date(fee["valid_until"]) if fee.get("valid_until") else None,
                legal_basis=(fee.get("legal_basis") or "")[:255],
            )
            report.fee_rules += 1


@transaction.atomic
def import_catalogue(peer: Peer, data: dict[str, Any]) -> ImportReport:
    """Upsert ``peer``'s catalogue (``export_catalogue``'s output). Raises ValueError for
    another format."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} catalogue")
    report = ImportReport()
    mine = _upsert_agencies(peer, data.get("agencies", []), report)
    for row in data.get("procedures", []):
        _upsert_procedure(peer, row, mine, report)
    report.authorities_added = trust_authorities(
        data.get("certificate_authorities", []), peer_code=peer.code
    )
    record(
        "exchange.catalogue_pulled",
        obj=peer,
        data={
            "peer": peer.code,
            "agencies": len(mine),
            "procedures": len(data.get("procedures", [])),
            "versions_created": report.versions_created,
            "skipped": report.agencies_skipped[:20],
        },
    )
    return report


def fetch_catalogue(peer: Peer) -> dict[str, Any]:
    """``peer``'s catalogue through its transport (signed GET /lien-thong/danh-muc/)."""
    from .transport import get_transport  # the transport layer (docs/EXCHANGE.md)

    return get_transport(peer).fetch_catalogue(peer)


def pull_catalogue(peer: Peer) -> ImportReport:
    """Fetch ``peer``'s catalogue and import it."""
    return import_catalogue(peer, fetch_catalogue(peer))
