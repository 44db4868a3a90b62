"""Per peer: messages waiting, dead and delivered; then the sync table (766 indicator)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.exchange import inbox, metrics, outbox
from motcua.exchange.models import Peer


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        message = _("Ngày “%(value)s” không đúng dạng YYYY-MM-DD.") % {"value": value}
        raise CommandError(message) from None


class Command(BaseCommand):
    help = "In tình trạng trao đổi hồ sơ với từng hệ thống liên kết và tỷ lệ đồng bộ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", help="Từ ngày (YYYY-MM-DD), mặc định 30 ngày trước."
        )
        parser.add_argument("--to", dest="end", help="Đến ngày (YYYY-MM-DD), mặc định hôm nay.")
        parser.add_argument("--json", action="store_true", help="In dạng JSON.")

    def handle(self, *args, start, end, json: bool, **options):
        today = timezone.localdate()
        end = _day(end) if end else today
        start = _day(start) if start else end - dt.timedelta(days=30)
        counts, waiting = outbox.counts_by_peer(), inbox.waiting_by_peer()
        dead_in = inbox.dead_by_peer()
        peers = [
            {
                "code": peer.code,
                "kind": peer.kind,
                "active": peer.active,
                "pending": counts.get(peer.pk, {}).get("pending", 0),
                "dead": counts.get(peer.pk, {}).get("dead", 0),
                "delivered": counts.get(peer.pk, {}).get("delivered", 0),
                "waiting_in": waiting.get(peer.pk, 0),
                "dead_in": dead_in.get(peer.pk, 0),
            }
            for peer in Peer.objects.order_by("code")
        ]
        rows = metrics.sync_by_agency(start, end)
        table = [
            {
                "agency": row.agency.code if row.agency else "",
                "name": row.agency.name if row.agency else _("Tổng cộng"),
                "dossiers": row.dossiers,
                "synced": row.synced,
                "rate": row.rate,
                "delay_p50_s": row.delay_p50_s,
                "delay_max_s": row.delay_max_s,
            }
            for row in [*rows, metrics.total(rows)]
        ]
        if json:
            self.stdout.write(
                _dumps({"start": str(start), "end": str(end), "peers": peers, "sync": table})
            )
            return
        self.stdout.write(
            _("Hệ thống liên kết (chờ gửi / lỗi / đã gửi / nhận chờ áp dụng / nhận bị loại):")
        )
        for peer in peers:
            self.stdout.write(
                f"  {peer['code']:<12} {peer['kind']:<9} {peer['pending']:>6} {peer['dead']:>6} "
                f"{peer['delivered']:>8} {peer['waiting_in']:>6} {peer['dead_in']:>6}"
                + ("" if peer["active"] else f"  ({_('ngừng')})")
            )
        self.stdout.write(
            _(
                "Đồng bộ hồ sơ từ %(start)s đến %(end)s "
                "(số hồ sơ / đã đồng bộ / tỷ lệ / trễ trung vị / tối đa):"
            )
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        )
        for row in table:
            rate = "–" if row["rate"] is None else f"{row['rate'] * 100:.1f}%"
            self.stdout.write(
                f"  {row['agency'] or '*':<14} {row['dossiers']:>6} {row['synced']:>6} {rate:>7} "
                f"{metrics.duration_label(row['delay_p50_s']):>16} "
                f"{metrics.duration_label(row['delay_max_s']):>16}  {row['name']}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
