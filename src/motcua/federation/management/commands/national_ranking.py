"""The national ranking of provinces and agencies over a month, as JSON or a text table."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.federation.selectors import national_report
from motcua.monitoring.public import PeriodError, parse


class Command(BaseCommand):
    help = "In xếp hạng toàn quốc (tỉnh, bộ, ngành và cơ quan) của một kỳ (--json cho máy đọc)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2026-10 (tháng), 2026-Q4 (quý) hoặc 2026 (năm).")
        parser.add_argument("--json", action="store_true", help="In JSON.")

    def handle(self, *args, **options):
        try:
            report = national_report(parse(options["period"]))
        except PeriodError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("%(period)s – %(count)d tỉnh, bộ, ngành")
            % {"period": report["label"], "count": len(report["provinces"])}
        )
        self._line(report["total"])
        for heading, rows in (
            (_("Tỉnh, thành phố, bộ, ngành:"), report["provinces"]),
            (_("Cơ quan:"), report["agencies"]),
        ):
            self.stdout.write(heading)
            for row in rows:
                self._line(row)

    def _line(self, row: dict) -> None:
        ind = row["indicators"]
        score = "–" if ind["score"] is None else f"{ind['score']:.1f} {ind['grade']}"
        rank = "" if row["rank"] is None else str(row["rank"])
        self.stdout.write(
            f"{rank:>4} {row['code'] or '*':<22} {row['name'][:40]:<40} "
            + _("tiếp nhận %(received)s, điểm %(score)s")
            % {"received": f"{row['counts']['received']:>8,}", "score": score}
        )
