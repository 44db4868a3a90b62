"""Register a system allowed to call the API; prints its client id and secret once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from motcua.api.scopes import SCOPES
from motcua.api.services import create_api_client


class Command(BaseCommand):
    help = (
        "Tạo hệ thống kết nối API (OAuth2 client credentials) giới hạn theo cơ quan và phạm "
        "vi quyền; in client id và client secret (chỉ hiện một lần)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Tên hệ thống, ví dụ “Cổng DVC quốc gia”.")
        parser.add_argument(
            "--agency",
            nargs="+",
            required=True,
            metavar="CODE",
            help="Mã các cơ quan hệ thống được phép xử lý hồ sơ (kể cả đơn vị trực thuộc).",
        )
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=["dossiers:read"],
            choices=SCOPES,
            help="Phạm vi quyền (mặc định dossiers:read).",
        )

    def handle(self, *args, **options):
        try:
            credentials = create_api_client(
                name=options["name"], agency_codes=options["agency"], scopes=options["scopes"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        client = credentials.client
        self.stdout.write(f"client_id={credentials.client_id}")
        self.stdout.write(f"client_secret={credentials.client_secret}")
        self.stdout.write(
            f"# {client.name}: {', '.join(a.code for a in client.agencies.all())}; "
            f"{' '.join(client.scope_list)}. Lưu client_secret ngay: hệ thống chỉ giữ bản băm."
        )
