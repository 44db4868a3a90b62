from django.core.management.base import BaseCommand

from motcua.payments import services


class Command(BaseCommand):
    help = (
        "Ask the payment gateway about online payments still pending (apply the paid, close "
        "the failed, expire the unknown past their expiry) and retry pending refunds."
    )

    def handle(self, *args, **options):
        report = services.reconcile()
        self.stdout.write(
            f"Payments checked: {report.checked}; applied: {report.applied}; "
            f"failed: {report.failed}; expired: {report.expired}; "
            f"still pending: {report.still_pending}; gateway unreachable: {report.unreachable}"
        )
        self.stdout.write(
            f"Refunds done: {report.refunds_done}; still pending: {report.refunds_pending}; "
            f"failed: {report.refunds_failed}"
        )
