"""Recompute the monitoring figures from the dossiers (after a bulk load, or to repair)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.monitoring.periods import PeriodError, parse
from motcua.monitoring.rebuild import rebuild


class Command(BaseCommand):
    help = (
        "Tính lại số liệu tổng hợp của mô-đun giám sát từ các hồ sơ (toàn bộ, hoặc một kỳ "
        "với --period)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            help="Chỉ tính lại một kỳ: 2026-10, 2026-Q4, 2026 hoặc 2026-10-01..2026-10-15.",
        )

    def handle(self, *args, **options):
        period = None
        if options["period"]:
            try:
                period = parse(options["period"])
            except PeriodError as error:
                raise CommandError(str(error)) from None
        report = rebuild(period)
        scope = period.label if period else _("toàn bộ")
        self.stdout.write(
            _("Đã tính lại số liệu (%(scope)s): %(summary)s.")
            % {"scope": scope, "summary": report.summary()}
        )
