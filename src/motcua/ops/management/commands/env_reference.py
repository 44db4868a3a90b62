"""Write the environment reference (docs/ENVIRONMENT.md) from motcua.conf.env's registry."""

from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.conf.env import render_reference


class Command(BaseCommand):
    help = (
        "Xuất danh mục biến môi trường (mặc định ra màn hình), ví dụ docs/ENVIRONMENT.md: "
        "mọi biến mà các tệp cấu hình đọc, giá trị mặc định và mô tả."
    )
    # The reference describes the settings; it must be writable even when they fail a check.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Tệp cần ghi; bỏ trống để in ra.")

    def handle(self, *args, **options):
        text = render_reference() + "\n"
        if options["path"]:
            Path(options["path"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Đã ghi {options['path']}.")
        else:
            self.stdout.write(text, ending="")
