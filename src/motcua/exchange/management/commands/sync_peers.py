"""Write the peers declared in MOTCUA_EXCHANGE_PEERS to the database."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.exchange.sync import sync_peers


class Command(BaseCommand):
    help = "Ghi các hệ thống liên kết khai báo trong MOTCUA_EXCHANGE_PEERS vào cơ sở dữ liệu."

    def handle(self, *args, **options):
        try:
            changed, gone = sync_peers()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _(
                "Đã cập nhật %(changed)d hệ thống liên kết, "
                "ngừng %(gone)d hệ thống không còn khai báo."
            )
            % {"changed": changed, "gone": gone}
        )
