"""Every indicator for every agency over a period, as JSON (for scripts) or a text table."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.monitoring.national import formulas
from motcua.monitoring.national.report import indicator_rows, rows_csv
from motcua.monitoring.periods import PeriodError, parse
from motcua.monitoring.reports import kpi_report
from motcua.monitoring.selectors import Context


class Command(BaseCommand):
    help = "In mọi chỉ số của mọi cơ quan trong một kỳ (--json cho máy đọc)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2026-10, 2026-Q4, 2026 hoặc 2026-10-01..2026-10-15.")
        parser.add_argument("--agency", help="Mã cơ quan: chỉ cơ quan này và các cơ quan cấp dưới.")
        parser.add_argument("--json", action="store_true", help="In JSON.")
        parser.add_argument(
            "--csv",
            action="store_true",
            help="In CSV: mỗi dòng một cơ quan × một chỉ số của Bộ chỉ số quốc gia.",
        )
        parser.add_argument(
            "--formula",
            default="",
            help="Phiên bản công thức (qd766-2022, dvcqg-2026); mặc định: bản hiện hành.",
        )

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
        try:
            formulas.get(options["formula"] or None, on=period.end)
        except formulas.UnknownFormula as error:
            raise CommandError(str(error)) from None
        if options["csv"]:
            node = Context().tree.chain(root.pk)[0] if root is not None else None
            rows = indicator_rows(period, node=node, formula=options["formula"])
            self.stdout.write(rows_csv(rows), ending="")
            return
        report = kpi_report(period, root=root, now=timezone.now(), formula=options["formula"])
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("%(period)s – %(count)d cơ quan – công thức %(formula)s")
            % {
                "period": report["label"],
                "count": len(report["agencies"]),
                "formula": report["formula_version"],
            }
        )
        for row in [report["total"], *report["agencies"]]:
            ind = row["indicators"]
            score = f"{ind['score']:.1f} {ind['grade']}" if row["graded"] else _("chưa đủ dữ liệu")
            self.stdout.write(
                f"{row['code'] or '*':<22} {row['name'][:40]:<40} "
                + _("tiếp nhận %(received)s, điểm %(score)s")
                % {"received": f"{row['counts']['received']:>8,}", "score": score}
            )
