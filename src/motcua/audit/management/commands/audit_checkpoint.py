"""Sign the head of the audit chain and append it to the checkpoint file (outside the database)."""

from django.core.management.base import BaseCommand, CommandError

from motcua.audit.checkpoints import CheckpointError, checkpoint_file, write_checkpoint


class Command(BaseCommand):
    help = (
        "Ký điểm kiểm tra của nhật ký (mã và mã băm bản ghi mới nhất) và ghi thêm vào tệp "
        "ngoài cơ sở dữ liệu (MOTCUA_AUDIT_CHECKPOINT_DIR); chuỗi sai lệch thì thoát với mã 1."
    )

    def handle(self, *args, **options):
        try:
            checkpoint, result = write_checkpoint()
        except CheckpointError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if checkpoint is None:
            self.stdout.write("Không có bản ghi mới từ điểm kiểm tra trước.")
            return
        self.stdout.write(
            f"Đã ghi điểm kiểm tra: bản ghi #{checkpoint.record_id} "
            f"({result.checked} bản ghi mới đã kiểm tra) vào {checkpoint_file()}."
        )
