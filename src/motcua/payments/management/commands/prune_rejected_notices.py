"""Delete the daily counts of rejected payment notices older than the keeping period."""

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.payments.services import prune_rejected_notices


class Command(BaseCommand):
    help = (
        "Xóa số liệu thống kê thông báo thanh toán bị từ chối (sai chữ ký) cũ hơn "
        "MOTCUA_PAYMENT_REJECTED_KEEP_DAYS ngày."
    )

    def handle(self, *args, **options):
        deleted = prune_rejected_notices()
        self.stdout.write(
            f"Đã xóa {deleted} dòng cũ hơn {settings.MOTCUA_PAYMENT_REJECTED_KEEP_DAYS} ngày."
        )
