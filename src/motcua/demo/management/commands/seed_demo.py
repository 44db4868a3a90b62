from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.import_file import ImportErrors
from motcua.demo.officers import DEMO_PASSWORD, format_accounts
from motcua.demo.province import demo_exists
from motcua.demo.seeding import seed_demo


def format_citizens(count: int = 5) -> str:
    """The first demo citizens' personal IDs (their sign-in names at the demo e-ID)."""
    from motcua.accounts.models import Applicant

    people = (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .order_by("pk")
        .values_list("personal_id", "name")[:count]
    )
    lines = [f"Công dân mẫu (đăng nhập định danh điện tử, mật khẩu {DEMO_PASSWORD}):"]
    lines += [f"  {personal_id}  {name}" for personal_id, name in people]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Seed the demo: agencies, the catalogue, the demo province (Bắc Ninh) with officers for "
        f"every role (password {DEMO_PASSWORD}), citizens, businesses and synthetic "
        "dossiers over the last 24 months."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Do nothing if the demo data already exists (used by `make run`).",
        )
        parser.add_argument(
            "--dossiers", type=int, default=2000, help="Synthetic dossiers to add (default 2000)."
        )
        parser.add_argument("--citizens", type=int, default=300)
        parser.add_argument("--businesses", type=int, default=60)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--batch-size", type=int, default=20_000, help="Dossiers per insert batch."
        )
        parser.add_argument(
            "--walkthrough",
            type=int,
            default=3,
            help="Online dossiers submitted now per showcase agency, to receive (default 3).",
        )
        parser.add_argument(
            "--signed-results",
            type=int,
            default=3,
            help="Dossiers walked to a paid, approved, signed and returned result (default 3).",
        )

    def handle(
        self,
        *args,
        once,
        dossiers,
        citizens,
        businesses,
        seed,
        batch_size,
        walkthrough,
        signed_results,
        **options,
    ):
        if once and demo_exists():
            self.stdout.write("Demo data already present; nothing to do (--once).")
            self.stdout.write(format_citizens())
            return
        if dossiers < 0 or citizens < 1 or businesses < 0 or batch_size < 1:
            raise CommandError("--dossiers, --businesses ≥ 0; --citizens, --batch-size ≥ 1.")
        try:
            result = seed_demo(
                dossiers=dossiers,
                citizens=citizens,
                businesses=businesses,
                seed=seed,
                batch_size=batch_size,
                walkthrough=walkthrough,
                signed_results=signed_results,
                log=self.stdout.write,
            )
        except ImportErrors as exc:
            raise CommandError(f"procedures.csv cannot be imported:\n{exc}") from exc
        self.stdout.write(self.style.SUCCESS(format_accounts(result.accounts)))
        self.stdout.write(self.style.SUCCESS(format_citizens()))
