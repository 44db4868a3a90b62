"""Benchmark: the memory of one process over thousands of officer actions.

    python bench/bench_memory.py [--actions 3000] [--window 300] [--top 12] [--quick]

1. Prepares a scratch database (PostgreSQL when DATABASE_URL points at an empty one,
   else a temporary SQLite file) with production settings (DEBUG off: with DEBUG on
   Django keeps every query in ``connection.queries``): migrate, the demo province
   (``seed_demo --dossiers 0``) and its citizens; the fee of a dossier is recorded as
   paid online, as the payment gateway's confirmation would.
2. In this one process, files dossiers online as demo citizens and walks each through
   the back office with the Django test client, middleware and views included, as the
   officers of Sở Tư pháp: receive → start_processing → give_opinion → approve →
   issue_result (generated from the template, signed with the agency's certificate,
   ``results.services.issue_result``) → return_result. Only these six POSTs count as
   officer actions; the citizen's filing is set-up.
3. Every ``--window`` actions: a full garbage collection, the resident memory (RSS,
   ``/proc/self/statm``) and the memory tracemalloc traces (Python allocations only).
   Prints them per 1000 actions, the growth per 1000 actions between the first window
   after warm-up and the last one, and the allocation sites that grew the most between
   those two snapshots (``tracemalloc`` grouped by line; ``--traceback`` groups by
   traceback instead).

The run fails (exit 1) when the memory grows more than ``--threshold`` MB per 1000
actions after warm-up: the RSS with ``--no-tracemalloc`` (the figure to quote: with
tracemalloc on, the RSS also holds tracemalloc's traces and snapshots), the traced
memory otherwise. ``--quick`` (``bench/run.py``) runs 600 actions, a sample every 100.
``--per-document-fonts`` restores the code before the fix (a WeasyPrint
``FontConfiguration`` per document) for the comparison.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402
from _results import emit  # noqa: E402

AGENCY = "BN.STP"
OFFICERS = {"desk": "motcua.stp", "specialist": "chuyenvien.stp", "leader": "lanhdao.stp"}
# (officer, action, extra POST data) of one dossier, after the citizen filed it.
WALK = [
    ("desk", "receive", {}),
    ("desk", "start_processing", {"assignee": "specialist"}),
    ("specialist", "give_opinion", {"note": "Hồ sơ đầy đủ, hợp lệ; đề nghị phê duyệt."}),
    ("leader", "approve", {}),
    ("desk", "issue_result", {"result_mode": "generated"}),
    ("desk", "return_result", {}),
]
PAGE = 4096


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=3000, help="officer actions in all")
    parser.add_argument("--window", type=int, default=300, help="actions between samples")
    parser.add_argument("--warmup", type=int, default=2, help="windows left out as warm-up")
    parser.add_argument("--top", type=int, default=12, help="growing allocation sites shown")
    parser.add_argument("--threshold", type=float, default=2.0, help="MB per 1000 actions")
    parser.add_argument("--traceback", action="store_true", help="group by traceback")
    parser.add_argument("--no-tracemalloc", action="store_true", help="RSS only (faster)")
    parser.add_argument(
        "--per-document-fonts",
        action="store_true",
        help="a new WeasyPrint FontConfiguration per document, as before the fix",
    )
    parser.add_argument("--quick", action="store_true", help="600 actions, windows of 100")
    args, _unknown = parser.parse_known_args()  # run.py may pass everyone's arguments
    if args.quick:
        args.actions, args.window = 600, 100
    return args


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 1024 / 1024


def main() -> int:
    args = parse_args()
    os.environ.setdefault("MOTCUA_DEBUG", "0")
    # Messages leave the process as in production (not kept in a list, not printed).
    outbox = tempfile.mkdtemp(prefix="motcua-bench-memory-sms-")
    os.environ.setdefault("MOTCUA_SMS_BACKEND", "motcua.notifications.sms.FileSmsBackend")
    os.environ.setdefault("MOTCUA_SMS_FILE_PATH", outbox)
    os.environ.setdefault("MOTCUA_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    scratch = setup_django("memory")
    try:
        return run(args)
    finally:
        shutil.rmtree(outbox, ignore_errors=True)
        if scratch:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(scratch, ignore_errors=True)


def prepare() -> dict:
    """Migrate and seed the demo province; returns the officers, versions and citizens."""
    from django.core.management import call_command

    from motcua.accounts.models import Applicant, User
    from motcua.agencies.models import Agency
    from motcua.catalog.models import ProcedureVersion

    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command(
            "seed_demo",
            *("--dossiers", "0", "--citizens", "40", "--businesses", "0"),
            *("--walkthrough", "0", "--signed-results", "0"),
            stdout=quiet,
        )
    agency = Agency.objects.get(code=AGENCY)
    versions = [
        v
        for v in ProcedureVersion.objects.filter(
            agencies=agency, status=ProcedureVersion.Status.PUBLISHED
        ).order_by("procedure__code")
        if v.is_fully_online
    ]
    citizens = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False).select_related(
            "user"
        )
    )
    officers = {role: User.objects.get(username=name) for role, name in OFFICERS.items()}
    return {"agency": agency, "versions": versions, "citizens": citizens, "officers": officers}


def file_dossier(plan: dict, n: int):
    """A dossier filed online by a demo citizen (set-up, not an officer action)."""
    from django.db import transaction

    from motcua.dossiers import services

    applicant = plan["citizens"][n % len(plan["citizens"])]
    with transaction.atomic():
        draft = services.create_draft(
            applicant=applicant,
            version=plan["versions"][n % len(plan["versions"])],
            agency=plan["agency"],
            form_data={
                "full_name": applicant.name,
                "personal_id": applicant.personal_id or "",
                "phone": "0912345678",
                "request_note": "Đề nghị cấp kết quả bản điện tử.",
            },
        )
        services.transition(draft, "submit", by=applicant.user)
        if draft.fee_vnd:  # as the payment gateway's confirmation would
            services.record_fee_payment(draft, online=True)
    return draft


class Sampler:
    """RSS and tracemalloc figures every window; keeps two snapshots (a snapshot holds
    every live allocation: keeping one per window would be a leak of its own)."""

    def __init__(self, trace: bool, group: str, baseline_at: int):
        self.trace, self.group, self.baseline_at = trace, group, baseline_at
        self.rows: list[tuple[int, float, float]] = []  # (actions, RSS MB, traced MB)
        self.baseline: tracemalloc.Snapshot | None = None
        self.latest: tracemalloc.Snapshot | None = None

    def sample(self, actions: int) -> None:
        self.latest = None  # measured without it: from the baseline on, one snapshot is held
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] / 1024 / 1024 if self.trace else 0.0
        self.rows.append((actions, rss_mb(), traced))
        if self.trace and actions >= self.baseline_at:
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            if self.baseline is None:
                self.baseline = snapshot
            else:
                self.latest = snapshot
        print(
            f"  {actions:>6} actions: RSS {self.rows[-1][1]:7.1f} MB"
            + (f", traced {traced:7.1f} MB" if self.trace else ""),
            flush=True,
        )


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from motcua.dossiers.models import Dossier, Status

    print(f"Database: {connection.vendor}; DEBUG={settings.DEBUG}", flush=True)
    plan = prepare()
    if not plan["versions"] or not plan["citizens"]:
        print("No fully online procedure at Sở Tư pháp, or no citizen.")
        return 2
    if args.per_document_fonts:
        from weasyprint.text.fonts import FontConfiguration

        from motcua.lib import pdf

        pdf.font_configuration = lambda folder: FontConfiguration()  # the code before the fix
        print("Fonts: a new FontConfiguration per document (the code before the fix)")
    # One session per officer; a fresh test client per request, since a client connects
    # a weak receiver to got_request_exception per request that lives as long as it does.
    sessions = {}
    for role, officer in plan["officers"].items():
        client = Client()
        client.force_login(officer)
        sessions[role] = client.cookies
    if not args.no_tracemalloc:
        tracemalloc.start(25 if args.traceback else 1)
    sampler = Sampler(
        not args.no_tracemalloc,
        "traceback" if args.traceback else "lineno",
        baseline_at=args.warmup * args.window,
    )
    print(
        f"{args.actions:,} officer actions ({len(WALK)} per dossier), a sample every "
        f"{args.window}:",
        flush=True,
    )
    actions, dossiers, failures, started = 0, 0, 0, time.monotonic()
    sampler.sample(0)
    while actions < args.actions:
        dossier = file_dossier(plan, dossiers)
        dossiers += 1
        for role, action, extra in WALK:
            data = {k: plan["officers"][v].pk if k == "assignee" else v for k, v in extra.items()}
            client = Client()
            client.cookies = sessions[role]
            response = client.post(f"/mot-cua/ho-so/{dossier.public_id}/thao-tac/{action}/", data)
            if response.status_code != 302:
                failures += 1
            actions += 1
            if actions % args.window == 0:
                sampler.sample(actions)
            if actions >= args.actions:
                break
        if Dossier.objects.get(pk=dossier.pk).status != Status.RETURNED and (
            actions % len(WALK) == 0
        ):
            failures += 1
    seconds = time.monotonic() - started
    return report(args, sampler, actions, dossiers, failures, seconds)


def report(args, sampler: Sampler, actions: int, dossiers: int, failures: int, seconds) -> int:
    rows = sampler.rows
    # The first sample after warm-up that already holds the baseline snapshot.
    first = rows[min(args.warmup + (1 if sampler.trace else 0), len(rows) - 1)]
    last = rows[-1]
    span = max(last[0] - first[0], 1) / 1000
    rss_growth = (last[1] - first[1]) / span
    traced_growth = (last[2] - first[2]) / span
    print(f"\n{actions:,} actions on {dossiers:,} dossiers in {seconds:.0f} s, {failures} failed")
    print("  RSS per 1000 actions:")
    for done, rss, traced in rows:
        if done % 1000 == 0 or (done, rss, traced) == last:
            line = f"    {done:>6}: {rss:7.1f} MB"
            print(line + (f" (traced {traced:6.1f} MB)" if sampler.trace else ""))
    print(
        f"  after warm-up ({first[0]} → {last[0]} actions): RSS {first[1]:.1f} → {last[1]:.1f} MB,"
        f" {rss_growth:+.2f} MB per 1000 actions"
        + (f"; traced {traced_growth:+.2f} MB per 1000 actions" if sampler.trace else "")
        + f" (threshold {args.threshold} MB)"
    )
    if sampler.baseline is not None and sampler.latest is not None:
        stats = sampler.latest.compare_to(sampler.baseline, sampler.group)
        print(f"  top growing allocation sites ({first[0]} → {last[0]} actions):")
        for stat in stats[: args.top]:
            where = stat.traceback.format()
            print(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {where[0]}")
            for frame in where[1:] if args.traceback else []:
                print(f"{'':34}{frame}")
    emit(
        memory_actions=actions,
        memory_rss_start_mb=first[1],
        memory_rss_end_mb=last[1],
        memory_rss_growth_mb_per_1000=rss_growth,
        memory_traced_growth_mb_per_1000=traced_growth,
        memory_seconds=seconds,
    )
    # With tracemalloc on, the RSS holds its traces and snapshots: judge the traced memory.
    growth = traced_growth if sampler.trace else rss_growth
    return 0 if growth <= args.threshold and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
