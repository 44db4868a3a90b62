"""Demo dossiers walked through the real workflow to a signed electronic result.

Each dossier is filed online by a demo citizen, its fee is paid through the payment
gateway simulator over real HTTP (the project is served on a loopback port for the
occasion, since ``seed_demo`` runs before the development server), then the demo
officers of Sở Tư pháp receive it, examine it, approve it, sign the result with the
agency's certificate and return it. The demo therefore always holds signed results
that the verification page and ``verify_result`` accept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from motcua.accounts.models import Applicant, User
from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier

Log = Callable[[str], None]


def demo_form_data(code: str, applicant: Applicant) -> dict | None:
    """``demo.form_data.sample_form_data`` for a stored applicant (seeded by its id)."""
    import random

    from motcua.demo.form_data import sample_form_data

    if applicant.kind != Applicant.Kind.PERSON or not applicant.birth_date:
        return None
    person = {
        "name": applicant.name,
        "personal_id": applicant.personal_id,
        "birth_date": applicant.birth_date,
        "address": applicant.address,
        "phone": applicant.phone,
        "email": applicant.email,
    }
    return sample_form_data(code, person, random.Random(applicant.pk))


AGENCY_CODE = "BN.STP"
OFFICERS = {"desk": "motcua.stp", "specialist": "chuyenvien.stp", "leader": "lanhdao.stp"}


def demo_decision_data(dossier: Dossier) -> dict | None:
    """``demo.form_data.sample_decision_data`` for the dossier's form data."""
    import random

    from motcua.demo.form_data import sample_decision_data

    code = dossier.procedure_version.procedure.code
    return sample_decision_data(code, dossier.form_data or {}, random.Random(dossier.pk))


def _versions(agency: Agency) -> list[ProcedureVersion]:
    """The agency's fully online procedures, those with a fee first."""
    versions = [
        v
        for v in ProcedureVersion.objects.filter(
            agencies=agency, status=ProcedureVersion.Status.PUBLISHED
        ).order_by("procedure__code")
        if v.is_fully_online
    ]
    return sorted(versions, key=lambda v: v.fee_vnd == 0)


def _form_data(applicant: Applicant, version: ProcedureVersion | None = None) -> dict:
    """A filled real tờ khai when the procedure has one (``demo.form_data``); otherwise the
    generic e-form's person fields (as the registries would prefill them) and a request."""
    if version is not None:
        data = demo_form_data(version.procedure.code, applicant)
        if data is not None:
            return data
    return {
        "full_name": applicant.name,
        "personal_id": applicant.personal_id or "",
        "phone": getattr(applicant.user, "phone", "") or "0912345678",
        "request_note": "Đề nghị cấp kết quả bản điện tử.",
    }


def walk_one(dossier: Dossier, officers: dict[str, User], base_url: str) -> Dossier:
    """Take a submitted dossier to its returned, signed result."""
    from motcua.demo.payment_walk import pay_through_simulator
    from motcua.results.services import issue_electronic_result

    if dossier.fee_vnd:
        pay_through_simulator(dossier, base_url)
    desk, specialist, leader = officers["desk"], officers["specialist"], officers["leader"]
    steps = [
        (desk, "receive", {}),
        (desk, "start_processing", {"assignee": specialist}),
        (specialist, "give_opinion", {"note": "Hồ sơ đầy đủ, hợp lệ; đề nghị phê duyệt."}),
        (leader, "approve", {}),
    ]
    for actor, action, fields in steps:
        note = fields.pop("note", "")
        if action == "give_opinion":  # the specialist's assessment, as the procedure defines it
            decision = demo_decision_data(dossier)
            if decision:
                dossier_services.record_decision(dossier, by=actor, data=decision)
        dossier_services.transition(dossier, action, by=actor, note=note, **fields)
    with transaction.atomic():
        # The QR code points at the portal's public address, not at the loopback server.
        issue_electronic_result(dossier, by=desk)
        dossier_services.transition(dossier, "issue_result", by=desk)
    dossier_services.transition(dossier, "return_result", by=desk)
    dossier.refresh_from_db()
    return dossier


def create_signed_results(count: int, log: Log) -> list[Dossier]:
    """``count`` dossiers filed, paid, approved, signed and returned; returns them."""
    if count <= 0:
        return []
    from motcua.demo.payment_walk import serve_in_background

    agency = Agency.objects.get(code=AGENCY_CODE)
    officers = {role: User.objects.get(username=name) for role, name in OFFICERS.items()}
    versions = _versions(agency)
    citizens = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("-pk")[:count]
    )
    if not versions or not citizens:
        log("Không có thủ tục toàn trình hoặc công dân mẫu: bỏ qua hồ sơ có kết quả ký số.")
        return []
    done = []
    with serve_in_background() as base_url:
        for n in range(count):
            applicant = citizens[n % len(citizens)]
            with transaction.atomic():
                draft = dossier_services.create_draft(
                    applicant=applicant,
                    version=versions[n % len(versions)],
                    agency=agency,
                    form_data=_form_data(applicant, versions[n % len(versions)]),
                )
                dossier_services.transition(draft, "submit", by=applicant.user)
            done.append(walk_one(draft, officers, base_url))
    paid = sum(1 for d in done if d.fee_paid_online)
    log(
        f"{len(done)} hồ sơ đã đi hết quy trình tại Sở Tư pháp: {paid} nộp phí qua cổng "
        f"thanh toán mô phỏng, kết quả ký số ({', '.join(d.code for d in done)})."
    )
    return done
