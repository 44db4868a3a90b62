"""Pull the provinces' catalogues onto the national portal (docs/DEPLOY_FEDERATION.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.exchange import catalogue
from motcua.exchange.models import Peer


class Command(BaseCommand):
    help = (
        "Tải danh mục cơ quan, thủ tục hành chính và chứng thư CA của các hệ thống tỉnh "
        "về cổng quốc gia (chạy định kỳ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--peer", help="Mã hệ thống tỉnh (mặc định: mọi tỉnh đang hoạt động).")

    def handle(self, *args, peer=None, **options):
        peers = Peer.objects.filter(kind=Peer.Kind.PROVINCE, active=True)
        if peer:
            peers = peers.filter(code=peer)
            if not peers.exists():
                raise CommandError(_("Không có hệ thống tỉnh “%(code)s”.") % {"code": peer})
        failed = 0
        for item in peers:
            try:
                report = catalogue.pull_catalogue(item)
            except Exception as error:  # noqa: BLE001 - one province down does not stop the rest
                failed += 1
                self.stderr.write(
                    _("%(code)s: không tải được danh mục (%(error)s)")
                    % {"code": item.code, "error": error}
                )
                continue
            self.stdout.write(
                _(
                    "%(code)s: %(agencies)d cơ quan mới, %(updated)d cập nhật, %(versions)d "
                    "phiên bản thủ tục mới, %(linked)d thủ tục bổ sung cơ quan, %(fees)d mức phí, "
                    "%(cas)d CA mới tin cậy."
                )
                % {
                    "code": item.code,
                    "agencies": report.agencies_created,
                    "updated": report.agencies_updated,
                    "versions": report.versions_created,
                    "linked": report.procedures_linked,
                    "fees": report.fee_rules,
                    "cas": report.authorities_added,
                }
            )
            if report.agencies_skipped:
                self.stderr.write(
                    _("%(code)s: bỏ qua cơ quan đã thuộc hệ thống khác: %(codes)s")
                    % {"code": item.code, "codes": ", ".join(report.agencies_skipped)}
                )
        if failed:
            raise CommandError(_("%(count)d hệ thống tỉnh chưa tải được.") % {"count": failed})
