"""Daily deadline job: draft apology letters, flag or close overdue supplements."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.deadlines import check_deadlines


class Command(BaseCommand):
    help = (
        "Đánh dấu hồ sơ quá hạn tiếp nhận; lập dự thảo văn bản xin lỗi và đề nghị gia hạn "
        "cho hồ sơ sắp quá hạn; kết thúc hồ sơ quá hạn bổ sung."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày xét (YYYY-MM-DD); mặc định hôm nay.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ liệt kê những hồ sơ sẽ được xử lý, không ghi gì.",
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Ngày không hợp lệ, cần dạng YYYY-MM-DD.") from None
        report = check_deadlines(today, dry_run=options["dry_run"])
        if report.dry_run:
            self.stdout.write("Chạy thử (--dry-run): không ghi thay đổi nào.")
            for label, codes in (
                ("Sẽ đánh dấu quá hạn tiếp nhận", report.intake_overdue),
                ("Sẽ lập dự thảo văn bản xin lỗi và đề nghị gia hạn", report.apologies_drafted),
                ("Sẽ kết thúc do quá hạn bổ sung", report.supplements_closed),
            ):
                self.stdout.write(f"{label} ({len(codes)}): {', '.join(codes) or '—'}")
            return
        self.stdout.write(
            f"Hồ sơ quá hạn tiếp nhận được đánh dấu: {len(report.intake_overdue)}; "
            f"văn bản xin lỗi và đề nghị gia hạn đã dự thảo: {len(report.apologies_drafted)}; "
            f"đã kết thúc do quá hạn bổ sung: {len(report.supplements_closed)}."
        )
