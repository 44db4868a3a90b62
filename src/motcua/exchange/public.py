"""What other apps may read of the exchange (``exchange.public`` is its public face).

``remote_state(dossier)``: on the national portal, where a dossier settled by a province
is and whether the two sides are in sync — shown on the citizen's dossier page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, Status

from .models import Link, OutMessage, Peer


@dataclass(frozen=True)
class RemoteState:
    """A remotely settled dossier as the citizen sees it."""

    settled_by: str  # the peer's name (the province's system)
    state: str  # sending | handed_over | in_sync | failing
    label: str  # Vietnamese, for the citizen
    pending: int  # messages of this dossier not yet delivered
    last_synced_at: dt.datetime | None


def remote_state(dossier: Dossier) -> RemoteState | None:
    """None for a dossier settled on this instance (or a draft)."""
    home = dossier.agency.home_instance
    if not home or dossier.status == Status.DRAFT:
        return None
    peer = Peer.objects.filter(code=home).first()
    name = peer.name if peer else home
    link = Link.objects.filter(dossier=dossier, side=Link.Side.FRONT).first()
    if link is None:
        return RemoteState(name, "sending", _("Đang chuyển đến %(name)s") % {"name": name}, 1, None)
    waiting = OutMessage.objects.filter(link=link).exclude(state=OutMessage.State.DELIVERED)
    pending = waiting.count()
    last = link.last_synced_at or link.handed_over_at
    if waiting.filter(state=OutMessage.State.DEAD).exists():
        label = _(
            "Chưa chuyển được thông tin đến %(name)s; hệ thống đã báo quản trị viên xử lý."
        ) % {"name": name}
        return RemoteState(name, "failing", label, pending, last)
    # Handed over once the province acknowledged it or has written back.
    handed_over = (
        link.handed_over_at is not None
        or link.remote_id is not None
        or not waiting.filter(type="dossier.filed").exists()
    )
    if not handed_over:
        label = _("Đang chuyển đến %(name)s") % {"name": name}
        return RemoteState(name, "sending", label, pending, last)
    if dossier.status == Status.SUBMITTED:  # the province's desk has not received it
        label = _("Đã chuyển đến %(name)s, chờ tiếp nhận") % {"name": name}
        return RemoteState(name, "handed_over", label, pending, last)
    if dossier.finished_at is not None and not pending:
        label = _("Hồ sơ do %(name)s giải quyết; thông tin đã được đồng bộ.") % {"name": name}
    elif pending:
        label = _(
            "Đang được giải quyết tại %(name)s; thông tin bạn vừa gửi đang được chuyển đến."
        ) % {"name": name}
    else:
        label = _("Đang được giải quyết tại %(name)s") % {"name": name}
    return RemoteState(name, "in_sync", label, pending, last)
