from django.core.management.base import BaseCommand

from motcua.paygate import services


class Command(BaseCommand):
    help = (
        "Payment-gateway simulator: send the queued IPNs (the 'late' scenario) and retry the "
        "ones the merchant did not confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--txn-ref", help="Only this merchant transaction reference.")

    def handle(self, *args, txn_ref=None, **options):
        tried = services.deliver_pending(txn_ref)
        for txn in tried:
            answer = txn.ipn_answers[-1] if txn.ipn_answers else {}
            self.stdout.write(
                f"{txn.txn_ref}: {txn.ipn_status} "
                f"({answer.get('body') or answer.get('error') or answer.get('http_status')})"
            )
        self.stdout.write(f"IPN sent: {len(tried)}")
