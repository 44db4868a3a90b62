"""Send the exchange messages waiting in the outbox; apply received ones still waiting."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.exchange import inbox, outbox
from motcua.exchange.models import Peer
from motcua.exchange.sync import sync_peers


class Command(BaseCommand):
    help = "Gửi các thông điệp trao đổi hồ sơ đang chờ tới các hệ thống liên kết."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Gửi mọi thông điệp đến hạn rồi dừng (mặc định)."
        )
        parser.add_argument("--peer", help="Chỉ gửi tới hệ thống có mã này.")
        parser.add_argument("--limit", type=int, default=None, help="Số lượt gửi tối đa.")

    def handle(self, *args, once, peer, limit, **options):
        try:
            sync_peers()
        except ValueError as error:
            raise CommandError(str(error)) from None
        target = None
        if peer:
            target = Peer.objects.filter(code=peer).first()
            if target is None:
                raise CommandError(_("Không có hệ thống liên kết mã “%(code)s”.") % {"code": peer})
        outcome = outbox.deliver(target, limit)
        applied = inbox.retry_waiting()
        self.stdout.write(
            _(
                "Đã gửi %(delivered)d, lỗi sẽ thử lại %(failed)d, dừng gửi %(dead)d; "
                "áp dụng thêm %(applied)d thông điệp đã nhận."
            )
            % {
                "delivered": outcome.delivered,
                "failed": outcome.failed,
                "dead": outcome.dead,
                "applied": applied,
            }
        )
