"""Send the dossier events waiting in the outbox to their subscribers (once, or as a worker)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.translation import gettext as _

from motcua.events.delivery import Outcome, deliver_batch, deliver_due
from motcua.events.services import sync_subscribers


class Command(BaseCommand):
    help = "Gửi các sự kiện hồ sơ đang chờ tới các hệ thống nhận (webhook)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--once", action="store_true", help="Gửi mọi sự kiện đến hạn rồi dừng (mặc định)."
        )
        mode.add_argument("--watch", action="store_true", help="Chạy liên tục (tiến trình nền).")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Số giây nghỉ giữa hai lượt khi không có gì đến hạn (với --watch).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=None, help="Số lượt gửi nhận về mỗi lần."
        )

    def _report(self, outcome: Outcome) -> None:
        self.stdout.write(
            _("Đã gửi %(delivered)d, lỗi sẽ thử lại %(failed)d, dừng gửi %(dead)d.")
            % {"delivered": outcome.delivered, "failed": outcome.failed, "dead": outcome.dead}
        )

    def handle(self, *args, once, watch, interval, batch_size, **options):
        try:
            sync_subscribers()
        except ValueError as error:
            raise CommandError(str(error)) from None
        batch_size = batch_size or settings.MOTCUA_EVENTS_BATCH_SIZE
        if not watch:
            self._report(deliver_due(batch_size))
            return
        interval = settings.MOTCUA_EVENTS_POLL_S if interval is None else interval
        # SIGTERM (systemd, docker stop) and Ctrl+C end the loop after the current batch.
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        self.stdout.write(_("Đang theo dõi hàng đợi sự kiện; nhấn Ctrl+C để dừng."))
        while not stop.is_set():
            close_old_connections()
            outcome = deliver_batch(batch_size)
            if outcome.attempted:
                self._report(outcome)
            if outcome.attempted + outcome.released < batch_size:
                stop.wait(interval)
        self.stdout.write(_("Đã dừng."))
