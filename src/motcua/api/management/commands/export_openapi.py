"""Write the API's OpenAPI document (as served at /api/openapi.json) to a file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.api.openapi import openapi_document


class Command(BaseCommand):
    help = "Xuất tài liệu OpenAPI của API (mặc định ra màn hình), ví dụ docs/openapi.json."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Tệp cần ghi; bỏ trống để in ra.")

    def handle(self, *args, **options):
        text = json.dumps(openapi_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if options["path"]:
            Path(options["path"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Đã ghi {options['path']}.")
        else:
            self.stdout.write(text, ending="")
