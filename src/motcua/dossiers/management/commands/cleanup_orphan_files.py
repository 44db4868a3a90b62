"""Delete stored files that no row references (uploads whose transaction never committed)."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from motcua.dossiers.cleanup import cleanup_orphan_files, grace_seconds


class Command(BaseCommand):
    help = (
        "Xóa các tệp trong kho lưu trữ không còn bản ghi nào tham chiếu (tệp mồ côi) và cũ "
        "hơn thời gian chờ; báo cáo cả bản ghi bị mất tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê, không xóa tệp nào."
        )
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            help=f"Chỉ xóa tệp cũ hơn số giây này (mặc định {grace_seconds()}).",
        )

    def handle(self, *args, dry_run, grace, verbosity, **options):
        report = cleanup_orphan_files(dry_run=dry_run, grace=grace)
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        if verbosity >= 1:
            for name in report.orphans:
                self.stdout.write(f"{verb}: {name}")
            for name in report.missing:
                self.stdout.write(f"Thiếu tệp (có bản ghi, không có tệp): {name}")
            for name in report.temp_uploads:
                self.stdout.write(f"{verb} (tệp tạm của lượt tải lên bị gián đoạn): {name}")
            for problem in report.errors:
                self.stderr.write(f"Lỗi: {problem}")
        self.stdout.write(
            f"Thư mục: {', '.join(report.folders) or '—'}; tệp đã quét: {report.scanned}; "
            f"được tham chiếu: {report.referenced}; tệp mồ côi {verb.lower()}: "
            f"{len(report.orphans)} ({filesizeformat(report.orphan_bytes)}); "
            f"chưa đủ thời gian chờ: {len(report.too_young)}; "
            f"bản ghi thiếu tệp: {len(report.missing)}; tệp tạm tải lên cũ "
            f"{verb.lower()}: {len(report.temp_uploads)}; lỗi: {len(report.errors)}."
        )
