"""Send the notifications waiting in the outbox (a worker: once, or in a loop with --watch)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.translation import gettext as _

from motcua.notifications.services import process_outbox


class Command(BaseCommand):
    help = "Gửi các thông báo (thư điện tử, SMS) đang chờ trong hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="Số thông báo tối đa mỗi lượt.")
        parser.add_argument("--watch", action="store_true", help="Chạy liên tục (tiến trình nền).")
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Số giây nghỉ giữa hai lượt khi không còn thông báo đến hạn (với --watch).",
        )

    def handle(self, *args, limit, watch, interval, **options):
        if not watch:
            sent = process_outbox(limit)
            self.stdout.write(_("Đã gửi %(count)d thông báo.") % {"count": sent})
            return
        # SIGTERM (systemd, docker stop) and Ctrl+C end the loop after the current batch.
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        self.stdout.write(_("Đang theo dõi hàng đợi thông báo; nhấn Ctrl+C để dừng."))
        while not stop.is_set():
            close_old_connections()
            sent = process_outbox(limit)
            if sent:
                self.stdout.write(_("Đã gửi %(count)d thông báo.") % {"count": sent})
            if sent < limit:
                stop.wait(interval)
        self.stdout.write(_("Đã dừng."))
