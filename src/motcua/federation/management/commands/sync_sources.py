"""Write the source instances declared in MOTCUA_FEDERATION_SOURCES to the database."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.federation.services import sync_sources


class Command(BaseCommand):
    help = "Ghi các hệ thống nguồn khai báo trong MOTCUA_FEDERATION_SOURCES vào cơ sở dữ liệu."

    def handle(self, *args, **options):
        try:
            changed, gone = sync_sources()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Đã cập nhật %(changed)d hệ thống nguồn, ngừng %(gone)d hệ thống không còn khai báo.")
            % {"changed": changed, "gone": gone}
        )
