"""Delete the stored answers of idempotent calls whose time is over."""

from django.core.management.base import BaseCommand

from motcua.api.idempotency import prune


class Command(BaseCommand):
    help = "Xóa các khóa chống gửi lặp (Idempotency-Key) đã hết hạn."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã xóa {prune()} khóa hết hạn.")
