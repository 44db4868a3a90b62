"""Send every dossier's current state as a dossier.snapshot event (resynchronisation)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers.models import Dossier
from motcua.events.services import publish_snapshots


class Command(BaseCommand):
    help = (
        "Ghi sự kiện “ảnh chụp hồ sơ” cho mọi hồ sơ (hoặc hồ sơ của một cơ quan) để hệ thống "
        "nhận đồng bộ lại toàn bộ trạng thái."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", help="Mã cơ quan: chỉ hồ sơ của cơ quan này.")

    def handle(self, *args, agency=None, **options):
        dossiers = Dossier.objects.all()
        if agency:
            if not Agency.objects.filter(code=agency).exists():
                raise CommandError(
                    _("Không có cơ quan mã “%(code)s”. Xem mã cơ quan trong trang quản trị.")
                    % {"code": agency}
                )
            dossiers = dossiers.filter(agency__code=agency)
        count = publish_snapshots(dossiers)
        self.stdout.write(
            _("Đã ghi %(count)d sự kiện ảnh chụp hồ sơ; chạy deliver_events để gửi.")
            % {"count": count}
        )
