"""Email supervisors the monthly report (run early each month from cron or a scheduler)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.monitoring.periods import PeriodError, parse
from motcua.monitoring.reports import send_monthly_reports


class Command(BaseCommand):
    help = "Gửi báo cáo tháng (PDF) cho cán bộ giám sát; chạy lại không gửi trùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", help="Tháng báo cáo, ví dụ 2026-10 (mặc định: tháng trước)."
        )

    def handle(self, *args, **options):
        try:
            period = parse(options["period"]) if options["period"] else None
        except PeriodError as error:
            raise CommandError(str(error)) from None
        if period is not None and period.kind != "month":
            raise CommandError(_("Báo cáo định kỳ là báo cáo tháng: hãy nhập dạng 2026-10."))
        sent, skipped = send_monthly_reports(period)
        self.stdout.write(
            _("Đã gửi %(sent)d báo cáo; %(skipped)d cán bộ giám sát chưa có địa chỉ thư điện tử.")
            % {"sent": sent, "skipped": skipped}
        )
