"""Write the subscribers declared in MOTCUA_EVENTS_SUBSCRIBERS to the database."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.events.services import sync_subscribers


class Command(BaseCommand):
    help = "Ghi các bên nhận sự kiện khai báo trong MOTCUA_EVENTS_SUBSCRIBERS vào cơ sở dữ liệu."

    def handle(self, *args, **options):
        try:
            changed, gone = sync_subscribers()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Đã cập nhật %(changed)d bên nhận, ngừng %(gone)d bên nhận không còn khai báo.")
            % {"changed": changed, "gone": gone}
        )
