from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.results.verify import verify_pdf


class Command(BaseCommand):
    help = (
        "Check that FILE is a signed result of this platform, unchanged since it was "
        "signed (exit 0), or say why not (non-zero)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        verdict = verify_pdf(data)
        if not verdict.valid:
            raise CommandError("Không hợp lệ: " + " ".join(verdict.reasons))
        document = verdict.document
        signed_at = timezone.localtime(verdict.signed_at) if verdict.signed_at else None
        self.stdout.write("Hợp lệ: kết quả do hệ thống cấp, nguyên vẹn kể từ khi ký số.")
        self.stdout.write(f"Số văn bản: {document.number}")
        self.stdout.write(f"Tên kết quả: {document.title}")
        self.stdout.write(f"Mã hồ sơ: {document.dossier.code}")
        self.stdout.write(f"Ký số bởi: {verdict.signer_name}")
        self.stdout.write(f"Thời điểm ký: {signed_at:%d/%m/%Y %H:%M:%S %z}" if signed_at else "")
        self.stdout.write(f"Chứng thư số: {document.certificate.serial}")
        self.stdout.write(f"SHA-256: {verdict.sha256}")
