"""Every indicator for every agency over a period, as JSON (for scripts) or a text table."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.monitoring.periods import PeriodError, parse
from motcua.monitoring.reports import kpi_report


class Command(BaseCommand):
    help = "In mọi chỉ số của mọi cơ quan trong một kỳ (--json cho máy đọc)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2026-10, 2026-Q4, 2026 hoặc 2026-10-01..2026-10-15.")
        parser.add_argument("--agency", help="Mã cơ quan: chỉ cơ quan này và các cơ quan cấp dưới.")
        parser.add_argument("--json", action="store_true", help="In JSON.")

    def handle(self, *args, **options):
        try:
            period = parse(options["period"])
        except PeriodError as error:
            raise CommandError(str(error)) from None
        root = None
        if options["agency"]:
            try:
                root = Agency.objects.get(code=options["agency"])
            except Agency.DoesNotExist:
                raise CommandError(
                    _("Không có cơ quan mã “%(code)s”. Xem mã cơ quan trong trang quản trị.")
                    % {"code": options["agency"]}
                ) from None
        report = kpi_report(period, root=root, now=timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("%(period)s – %(count)d cơ quan")
            % {"period": report["label"], "count": len(report["agencies"])}
        )
        for row in [report["total"], *report["agencies"]]:
            ind = row["indicators"]
            score = "–" if ind["score"] is None else f"{ind['score']:.1f} {ind['grade']}"
            self.stdout.write(
                f"{row['code'] or '*':<22} {row['name'][:40]:<40} "
                + _("tiếp nhận %(received)s, điểm %(score)s")
                % {"received": f"{row['counts']['received']:>8,}", "score": score}
            )
