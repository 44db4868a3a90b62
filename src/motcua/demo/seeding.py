"""Demo data: the demo province, its officers, citizens, businesses and synthetic dossiers.

Everything is deterministic for a given ``seed`` and moment – the 24 months
end now – except ``public_id`` and ``lookup_secret``, which are random like the
model defaults so that a second run can never collide.

This module runs the whole: the province and its agencies are built in
``province``, the officers in ``officers``, the citizens and businesses in
``people``, and the synthetic dossiers in ``dossier_generation``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion
from motcua.demo.officers import (
    DEMO_PASSWORD,
    SHOWCASE,
    SUPERUSER_USERNAME,
    SUPERVISOR_USERNAME,
    Account,
    create_officers,
    format_accounts,
)
from motcua.demo.people import People, create_applicants
from motcua.demo.province import (
    AUTHORITY_ALIASES,
    COMMUNES,
    DEPARTMENTS,
    PREFIX,
    PROVINCE_CODE,
    Log,
    build_demo_agencies,
    current_versions,
    demo_communes,
    demo_exists,
    demo_province,
    link_procedure_agencies,
    load_reference_data,
    resolve_agency,
)

if TYPE_CHECKING:
    from motcua.demo.dossier_timeline import SeedStats

# What the tests and the benchmarks read here, though defined in the modules above.
__all__ = [
    "AUTHORITY_ALIASES",
    "COMMUNES",
    "DEMO_PASSWORD",
    "DEPARTMENTS",
    "PREFIX",
    "PROVINCE_CODE",
    "SUPERUSER_USERNAME",
    "SUPERVISOR_USERNAME",
    "SeedResult",
    "create_walkthrough_dossiers",
    "current_versions",
    "demo_exists",
    "demo_province",
    "format_accounts",
    "resolve_agency",
    "seed_demo",
]


# --- Everything ----------------------------------------------------------------------


@dataclass
class SeedResult:
    accounts: list[Account]
    setup_seconds: float  # reference data, demo province, officers, applicants
    stats: SeedStats | None  # the dossiers (None when none were asked for)


def seed_demo(
    *,
    dossiers: int,
    citizens: int,
    businesses: int,
    seed: int,
    log: Log,
    batch_size: int = 20_000,
    walkthrough: int = 0,
    signed_results: int = 0,
) -> SeedResult:
    """Load reference data, build the demo province and its people, then the dossiers."""
    started = time.monotonic()
    load_reference_data(log)
    people = People(seed)
    with transaction.atomic():
        province = demo_province()
        receiving = build_demo_agencies(province)
        link_procedure_agencies(province, demo_communes(province))
        from motcua.demo.province import add_demo_cross_boundary

        add_demo_cross_boundary(province)
        from motcua.demo.fee_rules import add_demo_fee_rules

        add_demo_fee_rules(province)
        accounts = create_officers(receiving, province, people)
        create_applicants(citizens, businesses, people, log)
        # Demo citizens sign in at the bundled identity provider with the demo password.
        from motcua.idp.services import give_citizens_password

        give_citizens_password(DEMO_PASSWORD)
    log(
        f"Tỉnh mẫu {province.name}: {len(receiving)} cơ quan tiếp nhận hồ sơ, "
        f"{len(accounts)} tài khoản cán bộ."
    )
    result = SeedResult(accounts, time.monotonic() - started, None)
    if dossiers:
        log(f"Tạo {dossiers:,} hồ sơ mẫu (24 tháng gần nhất, seed {seed})…")
        from motcua.demo.dossier_generation import seed_dossiers

        result.stats = seed_dossiers(dossiers, seed=seed, log=log, batch_size=batch_size)
        log(_stats_summary(result.stats))
        # The bulk loader sends no dossier events: build the monitoring figures at once.
        from motcua.monitoring.rebuild import rebuild

        log(f"Số liệu giám sát: {rebuild().summary()}.")
    if walkthrough:
        create_walkthrough_dossiers(walkthrough, log)
        from motcua.dossiers.deadlines import check_deadlines

        report = check_deadlines()
        log(
            f"Hạn xử lý: {len(report.apologies_drafted)} văn bản xin lỗi và đề nghị gia hạn "
            "dự thảo chờ lãnh đạo "
            f"duyệt, {len(report.supplements_closed)} hồ sơ kết thúc do quá hạn bổ sung."
        )
    if signed_results:
        from motcua.demo.signed_results import create_signed_results

        create_signed_results(signed_results, log)
    from motcua.demo.pakn import create_demo_pakn

    create_demo_pakn(log)
    return result


def create_walkthrough_dossiers(per_agency: int, log: Log) -> int:
    """Online dossiers submitted just now at the showcase agencies (Sở Tư pháp, the demo
    commune), through the real services, so a desk officer has something to receive."""
    from motcua.demo.signed_results import demo_form_data
    from motcua.dossiers import services as dossier_services

    created = 0
    citizens = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")[: per_agency * len(SHOWCASE)]
    )
    for index, slug in enumerate(SHOWCASE):
        agency = Agency.objects.get(code=f"BN.{slug.upper()}")
        versions = [
            v
            for v in ProcedureVersion.objects.filter(
                agencies=agency, status=ProcedureVersion.Status.PUBLISHED
            ).order_by("procedure__code")
            if v.is_offered_online
        ]
        for n in range(per_agency if versions else 0):
            applicant = citizens[(index * per_agency + n) % len(citizens)]
            version = versions[n % len(versions)]
            with transaction.atomic():
                draft = dossier_services.create_draft(
                    applicant=applicant,
                    version=version,
                    agency=agency,
                    form_data=demo_form_data(version.procedure.code, applicant),
                )
                dossier_services.transition(draft, "submit", by=applicant.user)
            created += 1
    log(f"{created} hồ sơ trực tuyến vừa nộp, chờ tiếp nhận tại {', '.join(SHOWCASE)}.")
    return created


def _stats_summary(stats: SeedStats) -> str:
    def shares(counter: Counter) -> str:
        total = sum(counter.values()) or 1
        return ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in counter.most_common())

    return (
        f"Xong: {stats.dossiers:,} hồ sơ, {stats.history:,} dòng lịch sử trong "
        f"{stats.seconds:.1f}s ({stats.rate:,.0f} hồ sơ/s).\n"
        f"  Kênh nộp: {shares(stats.channels)}\n"
        f"  Trạng thái: {shares(stats.statuses)}\n"
        f"  Đúng hạn: {shares(stats.timeliness)}"
    )
