"""The peers declared by the deployment (``MOTCUA_EXCHANGE_PEERS``), written to ``Peer``.

``code|kind|base_url|secret[|agency codes]`` items, comma-separated: a national instance
declares one peer per province (kind ``province``, with the agency codes it settles), a
province declares the national one (kind ``national``). ``sync_peers`` (the command, and
after every ``migrate`` through ``connect_signals``) makes the declared peers exist and
be active and deactivates a declared peer no longer listed; peers added in the admin
are not touched.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .models import Peer

logger = logging.getLogger(__name__)
MIN_SECRET = 16


def parse_declared(text: str) -> list[dict[str, str]]:
    """The declared peers as field dicts. Raises ValueError (in Vietnamese)."""
    kinds = {choice.value for choice in Peer.Kind}
    found = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        fields = [f.strip() for f in item.split("|")]
        if len(fields) == 4:
            fields.append("")
        if len(fields) != 5 or not all(fields[:4]):
            raise ValueError(
                _(
                    "Mục “%(item)s” của MOTCUA_EXCHANGE_PEERS phải có dạng "
                    "mã|loại|địa chỉ|khóa hoặc mã|loại|địa chỉ|khóa|mã các cơ quan."
                )
                % {"item": fields[0]}
            )
        code, kind, base_url, secret, agencies = fields
        if kind not in kinds:
            raise ValueError(
                _("Loại hệ thống “%(kind)s” của “%(code)s” phải là national hoặc province.")
                % {"kind": kind, "code": code}
            )
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                _("Địa chỉ của hệ thống “%(code)s” phải bắt đầu bằng http:// hoặc https://.")
                % {"code": code}
            )
        if len(secret) < MIN_SECRET:
            raise ValueError(
                _("Khóa ký của hệ thống “%(code)s” phải có ít nhất %(n)d ký tự.")
                % {"code": code, "n": MIN_SECRET}
            )
        found.append(
            {
                "code": code,
                "kind": kind,
                "base_url": base_url,
                "secret": secret,
                "agency_codes": " ".join(agencies.split()),
            }
        )
    return found


@transaction.atomic
def sync_peers(text: str | None = None) -> tuple[int, int]:
    """Write the declared peers; (created or updated, deactivated). Raises ValueError."""
    declared = parse_declared(settings.MOTCUA_EXCHANGE_PEERS if text is None else text)
    changed = 0
    for fields in declared:
        values = {**fields, "active": True, "managed": True}
        peer = Peer.objects.filter(code=fields["code"]).first()
        if peer is None:
            Peer.objects.create(name=fields["code"], **values)
            changed += 1
        elif any(getattr(peer, key) != value for key, value in values.items()):
            Peer.objects.filter(pk=peer.pk).update(**values)
            changed += 1
    gone = (
        Peer.objects.filter(managed=True, active=True)
        .exclude(code__in=[fields["code"] for fields in declared])
        .update(active=False)
    )
    if changed or gone:
        record(
            "exchange.peers_synced",
            object_type="exchange.peer",
            data={"codes": sorted(fields["code"] for fields in declared), "deactivated": gone},
        )
    return changed, gone


def _after_migrate(sender, using="default", **kwargs) -> None:
    """After ``migrate``: write the peers declared in MOTCUA_EXCHANGE_PEERS."""
    if not settings.MOTCUA_EXCHANGE_PEERS.strip() or using != "default":
        return
    try:
        sync_peers()
    except ValueError as error:
        logger.error("MOTCUA_EXCHANGE_PEERS not applied: %s", error)


def connect_signals(app_config) -> None:
    """Called by ``ExchangeConfig.ready``."""
    post_migrate.connect(_after_migrate, sender=app_config)
