"""Check that the audit trail has not been edited, recomputed, cut or reordered."""

from django.core.management.base import BaseCommand, CommandError

from motcua.audit.checkpoints import CheckpointError, read_checkpoints
from motcua.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Kiểm tra tính toàn vẹn của nhật ký kiểm tra (chuỗi mã băm, mã xác thực HMAC, "
        "điểm kiểm tra lưu ngoài cơ sở dữ liệu); lỗi thì thoát với mã 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--require-keyed",
            action="store_true",
            help="Báo lỗi cả khi còn bản ghi cũ chưa có mã xác thực (ghi trước khi có khoá).",
        )

    def handle(self, *args, **options):
        try:
            checkpoints = read_checkpoints()
        except CheckpointError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        result = verify_chain(checkpoints={c.record_id: c.hash for c in checkpoints})
        if not result.ok:
            raise CommandError(
                f"Phát hiện sai lệch tại bản ghi #{result.first_broken_id}: {result.reason}",
                returncode=1,
            )
        if result.legacy and options["require_keyed"]:
            raise CommandError(
                f"Còn {result.legacy} bản ghi cũ chưa có mã xác thực (ghi trước khi có khoá).",
                returncode=1,
            )
        self.stdout.write(f"Nhật ký toàn vẹn: {result.checked} bản ghi đã kiểm tra.")
        if result.legacy:
            self.stdout.write(
                f"Trong đó {result.legacy} bản ghi cũ chưa có mã xác thực (ghi trước khi có "
                "khoá), được bảo vệ bởi bản ghi có khoá đầu tiên sau chúng."
            )
        if options["verbosity"] >= 2:
            self.stdout.write(f"Điểm kiểm tra đã đối chiếu: {len(checkpoints)}.")
            self.stdout.write(f"Mã băm bản ghi cuối: {result.last_hash}")
