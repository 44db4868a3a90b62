"""Receiving an instance's events: verify, store once, apply the newest snapshot."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from prometheus_client import Counter

from motcua.audit.services import record

from .facts import SnapshotError, fact_columns, fact_from_snapshot, move, stored_fact
from .models import FederatedAgency, InboundEvent, NationalFact, SourceInstance

APPLIED, STALE, DUPLICATE = "applied", "stale", "duplicate"
CODE_LENGTH = 40  # FederatedAgency.code, NationalRollup.agency_code

logger = logging.getLogger(__name__)
REFUSED_EVENTS = Counter(
    "motcua_federation_events_refused_total",
    "Events refused by the national receiver, by source instance and reason.",
    ["source", "reason"],
)


def national_mode() -> bool:
    return settings.MOTCUA_FEDERATION_MODE == "national"


class Rejected(Exception):
    """The request is refused; ``status`` is the HTTP status, ``code`` a stable reason."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def verify_signature(
    secret: str, timestamp: str, body: bytes, header: str, *, now: float | None = None
) -> None:
    """Check ``X-MotCua-Signature`` and the timestamp window, as docs/EVENTS.md tells any
    receiver to. ``header`` may hold several ``v1=<hex>`` values (comma-separated, during a
    change of secret). Raises Rejected (401) when either check fails."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        raise Rejected(401, "timestamp", _("Thiếu hoặc sai tiêu đề X-MotCua-Timestamp.")) from None
    now = time.time() if now is None else now
    if abs(now - moment) > settings.MOTCUA_FEDERATION_WINDOW_S:
        raise Rejected(
            401,
            "timestamp",
            _("Thời điểm ký lệch quá %(seconds)d giây so với máy chủ nhận.")
            % {"seconds": settings.MOTCUA_FEDERATION_WINDOW_S},
        )
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    offered = [
        part.strip()[3:] for part in (header or "").split(",") if part.strip().startswith("v1=")
    ]
    if not any(hmac.compare_digest(expected, value) for value in offered):
        raise Rejected(401, "signature", _("Chữ ký X-MotCua-Signature không đúng."))


@dataclass(frozen=True)
class Envelope:
    event_id: uuid.UUID
    type: str
    sequence: int
    occurred_at: dt.datetime
    dossier: dict
    raw: dict


def read_envelope(data, *, instance: str, event_id: str) -> Envelope:
    """Check the event's form against its headers. Raises Rejected (400)."""

    def bad(what: str) -> Rejected:
        return Rejected(400, "payload", _("Sự kiện không hợp lệ: %(what)s.") % {"what": what})

    if not isinstance(data, dict):
        raise bad("JSON object")
    try:
        parsed_id = uuid.UUID(str(data.get("id")))
        same = parsed_id == uuid.UUID(str(event_id).strip())
    except ValueError:
        raise bad("id") from None
    if not same:
        raise bad("id ≠ X-MotCua-Event-Id")
    if data.get("instance") != instance:
        raise bad("instance ≠ X-MotCua-Instance")
    sequence = data.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise bad("sequence")
    dossier = data.get("dossier")
    if not isinstance(dossier, dict) or not isinstance(dossier.get("code"), str):
        raise bad("dossier.code")
    if not dossier["code"] or len(dossier["code"]) > 64:
        raise bad("dossier.code")
    try:
        occurred_at = dt.datetime.fromisoformat(str(data.get("occurred_at")))
    except ValueError:
        raise bad("occurred_at") from None
    if timezone.is_naive(occurred_at):
        raise bad("occurred_at")
    return Envelope(parsed_id, str(data.get("type", ""))[:40], sequence, occurred_at, dossier, data)


def agencies_outside(source: SourceInstance, dossier: dict) -> list[str]:
    """The agency codes of ``dossier`` (a snapshot) that ``source`` may not report for.

    An agency described with its province (``agency``, ``intake_agency``) is covered when
    its code or its province's code is one of ``source.reported_codes``; a bare code
    (``intake_agency_code``, ``decision_agency_code``) must be described or listed itself,
    since an unknown code would be counted as a province of its own.
    """
    allowed = source.reported_codes
    described: list[tuple[str, str]] = []  # (code, province code); one code may be twice
    for key in ("agency", "intake_agency"):
        info = dossier.get(key)
        if isinstance(info, dict) and info.get("code"):
            described.append((str(info["code"]), str(info.get("province_code") or info["code"])))
    named = {
        str(dossier[key])
        for key in ("intake_agency_code", "decision_agency_code")
        if dossier.get(key)
    }
    outside = {
        code
        for code, province in described
        if len(code) > CODE_LENGTH or (code not in allowed and province not in allowed)
    }
    outside |= {code for code in named - {c for c, _p in described} if code not in allowed}
    return sorted(outside)


def check_reach(source: SourceInstance, dossier: dict) -> None:
    """Refuse an event about an agency the source is not bound to (``agency_codes``).

    Raises Rejected (403, ``agency``)."""
    outside = agencies_outside(source, dossier)
    if outside:
        logger.warning(
            "event from %s refused: agencies %s outside its codes %s",
            source.code,
            ",".join(code[:CODE_LENGTH] for code in outside),
            ",".join(sorted(source.reported_codes)),
        )
        raise Rejected(
            403,
            "agency",
            _(
                "Hệ thống “%(source)s” không được gửi số liệu của cơ quan %(codes)s: chỉ "
                "của %(allowed)s. Kiểm tra mã cơ quan trong sự kiện, hoặc nhờ quản trị hệ "
                "thống toàn quốc khai báo thêm mã."
            )
            % {
                "source": source.code,
                "codes": ", ".join(code[:CODE_LENGTH] for code in outside),
                "allowed": ", ".join(sorted(source.reported_codes)),
            },
        )


def _remember_agencies(source: SourceInstance, dossier: dict) -> None:
    seen = set()
    for key in ("agency", "intake_agency"):
        info = dossier.get(key)
        if not isinstance(info, dict) or not info.get("code") or info["code"] in seen:
            continue
        seen.add(info["code"])
        FederatedAgency.objects.update_or_create(
            source=source,
            code=str(info["code"])[:40],
            defaults={
                "name": str(info.get("name") or info["code"])[:255],
                "kind": str(info.get("kind") or "")[:12],
                "province_code": str(info.get("province_code") or info["code"])[:40],
                "province_name": str(info.get("province_name") or info.get("name") or "")[:255],
            },
        )


@transaction.atomic
def receive(source: SourceInstance, envelope: Envelope) -> str:
    """Store the event once and apply its snapshot unless a newer one was applied.

    Returns DUPLICATE (the event id was seen: nothing changes), STALE (stored, but the
    dossier already has a snapshot with a higher sequence) or APPLIED. Raises Rejected
    (403) when the snapshot names an agency the source may not report for, (400) when
    it cannot be read.
    """
    check_reach(source, envelope.dossier)
    try:
        new = fact_from_snapshot(envelope.dossier)
    except SnapshotError as error:
        raise Rejected(
            400, "snapshot", _("Ảnh chụp hồ sơ không hợp lệ: %(error)s.") % {"error": error}
        ) from None
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                event_id=envelope.event_id,
                source=source,
                type=envelope.type,
                sequence=envelope.sequence,
                dossier_code=envelope.dossier["code"],
                occurred_at=envelope.occurred_at,
                payload=envelope.raw,
            )
    except IntegrityError:
        return DUPLICATE
    code = envelope.dossier["code"]
    current = (
        NationalFact.objects.select_for_update().filter(source=source, dossier_code=code).first()
    )
    if current is not None and current.sequence >= envelope.sequence:
        InboundEvent.objects.filter(pk=event.pk).update(applied=False)
        return STALE
    move(source, stored_fact(current), new)
    columns = {
        **fact_columns(new),
        "sequence": envelope.sequence,
        "status": str(envelope.dossier.get("status", ""))[:20],
    }
    if current is None:
        try:
            with transaction.atomic():
                NationalFact.objects.create(source=source, dossier_code=code, **columns)
        except IntegrityError:
            # Another event of this new dossier was applied meanwhile: undo everything
            # (the exception leaves the transaction); the sender retries later.
            raise Rejected(
                409, "concurrent", _("Hồ sơ đang được cập nhật; vui lòng gửi lại sau.")
            ) from None
    else:
        NationalFact.objects.filter(pk=current.pk).update(**columns, updated_at=timezone.now())
    _remember_agencies(source, envelope.dossier)
    SourceInstance.objects.filter(pk=source.pk).update(last_event_at=timezone.now())
    return APPLIED


# --- Sources declared in settings ---------------------------------------------------------


def parse_declared(text: str) -> list[tuple[str, str, str, str]]:
    """Read ``code|name|secret[|agency codes]`` items separated by commas (the agency
    codes separated by spaces). Raises ValueError."""
    result = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        fields = [f.strip() for f in item.split("|")]
        if len(fields) == 3:
            fields.append("")
        if len(fields) != 4 or not all(fields[:3]):
            raise ValueError(
                _(
                    "Mục “%(item)s” của MOTCUA_FEDERATION_SOURCES phải có dạng "
                    "mã|tên|khóa hoặc mã|tên|khóa|mã các cơ quan được báo cáo."
                )
                % {"item": fields[0]}
            )
        result.append((fields[0], fields[1], fields[2], " ".join(fields[3].split())))
    return result


@transaction.atomic
def sync_sources(text: str | None = None) -> tuple[int, int]:
    """Make the declared sources exist and be active; deactivate declared ones no longer
    listed. Returns (created or updated, deactivated). Raises ValueError."""
    declared = parse_declared(settings.MOTCUA_FEDERATION_SOURCES if text is None else text)
    changed = 0
    for code, name, secret, agency_codes in declared:
        values = {
            "name": name,
            "secret": secret,
            "agency_codes": agency_codes,
            "active": True,
            "managed": True,
        }
        source, created = SourceInstance.objects.get_or_create(code=code, defaults=values)
        if created or any(getattr(source, k) != v for k, v in values.items()):
            SourceInstance.objects.filter(pk=source.pk).update(**values)
            changed += 1
    gone = (
        SourceInstance.objects.filter(managed=True, active=True)
        .exclude(code__in=[item[0] for item in declared])
        .update(active=False)
    )
    if changed or gone:
        record(
            "federation.sources_synced",
            object_type="federation.sourceinstance",
            data={"codes": sorted(item[0] for item in declared), "deactivated": gone},
        )
    return changed, gone
