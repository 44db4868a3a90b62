"""The small world the authorization matrix is played in, built with the real services.

Two provinces: P with its department X, Q with its department Y. Citizen A files a
dossier at X, citizen B one at Y; both go the whole way (submitted, an online payment
opened at the gateway simulator, received, examined, an apology letter drafted,
approved, paid at the desk, a signed result issued), so every page has an object to
show. A also keeps a draft at X (officers never see drafts). Each citizen has an upload
in the data store (and the result the agency sent there); each agency has a yearly plan.

A third pair of agencies is a parent and its child: ward W (in Q) and its police WP, a
separate agency placed under W. Their officers sit in units (one-stop desk,
leadership) as the demo's do; citizen A has a dossier at each, walked the same way.

``build()`` returns a ``World``; the principals' sessions and tokens are made by
``sign_in``. Nothing here asserts: the matrix does (``tests/authz/matrix.py``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from motcua.agencies.models import Agency, Membership, Role
from motcua.agencies.services import agency_admin_group
from motcua.api.services import create_api_client
from motcua.assisted import services as assisted
from motcua.audit.models import AuditRecord
from motcua.datastore import services as datastore
from motcua.datastore.models import Document
from motcua.dossiers import deadlines
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Attachment, Dossier
from motcua.feedback import services as pakn
from motcua.feedback.models import Feedback, Kind, Subject
from motcua.monitoring.models import AgencyPlan
from motcua.paygate import services as paygate
from motcua.payments import services as payments
from motcua.payments.models import Payment, Refund
from motcua.portal import services as portal
from motcua.results import services as results
from motcua.workdays.models import CalendarOverride
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    MembershipFactory,
    UserFactory,
    procedure_version,
)

# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ALL_SCOPES = "dossiers:read dossiers:write payments:write"
PROCEDURE = "AUTHZ.01"
PIDS = {"a": "001090007001", "b": "001090007002"}


def pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class Side:
    """What one citizen owns at one agency: a dossier and everything hanging from it."""

    dossier: Dossier
    attachment: Attachment | None = None  # a file the citizen uploaded with the dossier
    result_token: str = ""  # the signed result's QR token
    payment: Payment | None = None  # paid at the desk, with a receipt number
    refund: Refund | None = None  # a cash refund waiting at the desk
    txn: uuid.UUID | None = None  # the gateway simulator's transaction
    apology: int | None = None  # the apology letter's (sequential) pk
    document: Document | None = None  # the citizen's own upload in the data store
    plan: AgencyPlan | None = None  # the agency's plan for this year
    feedback: Feedback | None = None  # the citizen's PAKN about the dossier, with a file


@dataclass
class World:
    agencies: dict[str, Agency]
    users: dict[str, object]  # principal name → User (never "anonymous")
    sides: dict[str, Side]  # "a", "b", "a_draft"
    version: object
    system_token: str = ""
    audit_record_of: dict[int, int] = field(default_factory=dict)  # agency pk → a record
    desk_membership: dict[int, int] = field(default_factory=dict)  # agency pk → its pk
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # Holes 1 and 7: a procedure handled by one agency only, and a calendar override.
    procedure_of: dict[int, int] = field(default_factory=dict)  # agency pk → procedure pk
    version_of: dict[int, int] = field(default_factory=dict)  # agency pk → its version pk
    calendar_override: int = 0


def bearer_token(user=None, *, application=None) -> str:
    """A token of the bundled provider, as ``/idp/token/`` would have issued it."""
    raw = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user,
        application=application,
        token=raw,
        scope=ALL_SCOPES,
        expires=timezone.now() + dt.timedelta(hours=2),
    )
    return raw


def _agencies() -> dict[str, Agency]:
    p = AgencyFactory(code="AZP", name="Tỉnh Phú An", kind=Agency.Kind.PROVINCE)
    q = AgencyFactory(code="AZQ", name="Tỉnh Quảng Bình Yên", kind=Agency.Kind.PROVINCE)
    x = AgencyFactory(code="AZP.STP", name="Sở Tư pháp Phú An", kind="department", parent=p)
    y = AgencyFactory(code="AZQ.STP", name="Sở Tư pháp Bình Yên", kind="department", parent=q)
    return {"p": p, "q": q, "x": x, "y": y}


def _officer(username: str, agency: Agency, role: str, **extra):
    user = UserFactory(username=username, **extra)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


def _users(agencies) -> tuple[dict, dict]:
    """(principals, helpers): helpers only walk B's dossier through agency Y."""
    x, y = agencies["x"], agencies["y"]
    users = {}
    for side, name in (("a", "Nguyễn Văn An"), ("b", "Trần Thị Bình")):
        user = UserFactory(username=f"authz.citizen.{side}", full_name=name, personal_id=PIDS[side])
        ApplicantFactory(user=user, personal_id=PIDS[side], name=name)
        users[f"citizen_{side}"] = user
    users["desk_x"] = _officer("authz.desk.x", x, Role.DESK_OFFICER)
    users["specialist_x"] = _officer("authz.specialist.x", x, Role.SPECIALIST)
    users["leader_x"] = _officer("authz.leader.x", x, Role.LEADER)
    users["desk_y"] = _officer("authz.desk.y", y, Role.DESK_OFFICER)
    users["supervisor_p"] = _officer("authz.supervisor.p", agencies["p"], Role.SUPERVISOR)
    admin = _officer("authz.admin.x", x, Role.AGENCY_ADMIN, is_staff=True)
    admin.groups.add(agency_admin_group())
    users["agency_admin_x"] = admin
    users["superuser"] = UserFactory(username="authz.superuser", is_staff=True, is_superuser=True)
    users["agent_x"] = _officer("authz.agent.x", x, Role.AGENT, full_name="Phạm Văn Bưu")
    helpers = {
        "specialist_y": _officer("authz.specialist.y", y, Role.SPECIALIST),
        "leader_y": _officer("authz.leader.y", y, Role.LEADER),
    }
    return users, helpers


def _draft(citizen, version, agency) -> Dossier:
    applicant = citizen.applicants.get(kind="person")
    dossier, _prefill = portal.start_application(
        applicant=applicant, version=version, agency=agency, key=str(uuid.uuid4()), by=citizen
    )
    form = {
        "full_name": citizen.full_name,
        "personal_id": citizen.personal_id,
        "birth_date": "1990-05-17",
        "permanent_address": "Số 5 phố Hàng Bông",
        "phone": "0912345678",
    }
    portal.save_form(dossier, form_data=form, by=citizen)
    for component in version.components.all():
        portal.attach_upload(dossier, pdf(), component_id=component.pk, by=citizen)
    return dossier


def _assisted_draft(agent, citizen, version, agency) -> Side:
    """A complete draft ``agent`` prepared for ``citizen`` (waiting for confirmation)."""
    person = assisted.Citizen(
        personal_id=citizen.personal_id,
        full_name=citizen.full_name,
        birth_date="1990-05-17",
        phone="0912345678",
    )
    dossier, _prefill = assisted.start_filing(
        agent=agent,
        for_agency=agency,
        citizen=person,
        version=version,
        agency=agency,
        key=str(uuid.uuid4()),
    )
    form = {
        "full_name": citizen.full_name,
        "personal_id": citizen.personal_id,
        "birth_date": "1990-05-17",
        "permanent_address": "Số 5 phố Hàng Bông",
        "phone": "0912345678",
    }
    portal.save_form(dossier, form_data=form, by=agent)
    for component in version.components.all():
        portal.attach_upload(dossier, pdf(), component_id=component.pk, by=agent)
    return Side(dossier=dossier, attachment=dossier.attachments.first())


def _open_gateway_transaction(dossier: Dossier, citizen) -> uuid.UUID:
    """Start paying online and open the page at the simulator (never paid: the desk is)."""
    _payment, url = payments.start_online_payment(
        dossier, by=citizen, return_url="http://testserver/thanh-toan/ket-qua/", client_ip=""
    )
    return paygate.open_transaction(dict(parse_qsl(urlsplit(url).query))).public_id


def _walk(side_key: str, citizen, version, agency, desk, specialist, leader) -> Side:
    """File, pay at the gateway page, process, apologise, approve, pay, issue the result."""
    dossier = portal.submit_application(_draft(citizen, version, agency), by=citizen)
    txn = _open_gateway_transaction(dossier, citizen)
    dossier = dossiers.transition(dossier, "receive", by=desk)
    dossier = dossiers.transition(dossier, "start_processing", by=desk, assignee=specialist)
    dossier = dossiers.transition(dossier, "give_opinion", by=specialist, note="Đủ điều kiện.")
    letter = deadlines.draft_apology(
        dossier,
        reason="Chờ xác minh",
        new_date=timezone.localdate() + dt.timedelta(days=30),
        by=desk,
    )
    dossier = dossiers.transition(dossier, "approve", by=leader)
    payment = payments.record_counter_payment(dossier, by=desk)
    with transaction.atomic():
        document = results.issue_electronic_result(dossier, desk, base_url="http://testserver/")
        dossier = dossiers.transition(dossier, "issue_result", by=desk)
    refund = Refund.objects.create(
        payment=payment,
        amount_vnd=payment.amount_vnd,
        reason=Refund.Reason.DUPLICATE,
        at_counter=True,
        created_at=timezone.now(),
    )
    upload = datastore.save_upload(citizen, pdf(f"cccd-{side_key}.pdf"), name="Căn cước")
    plan = AgencyPlan.objects.create(
        agency=agency,
        year=timezone.localdate().year,
        document_number=f"01/KH-{agency.code}",
        issued_on=timezone.localdate(),
        filed_at=timezone.now(),
    )
    feedback = pakn.file_feedback(
        kind=Kind.FEEDBACK,
        subject=Subject.DOSSIER,
        title="Hồ sơ chậm",
        content="Đề nghị giải quyết.",
        dossier=dossier,
        applicant=dossier.applicant,
        user=citizen,
        uploads=[pdf(f"pakn-{side_key}.pdf")],
    )
    dossier.refresh_from_db()
    return Side(
        dossier=dossier,
        attachment=dossier.attachments.filter(kind=Attachment.Kind.COMPONENT).first(),
        result_token=document.token,
        payment=payment,
        refund=refund,
        txn=txn,
        apology=letter.pk,
        document=upload,
        plan=plan,
        feedback=feedback,
    )


def _ward_agencies(agencies: dict[str, Agency]) -> dict[str, Agency]:
    """Ward W (a commune of Q), its police WP under it, and each one's units."""
    w = AgencyFactory(code="AZQ.PW", name="Phường Bình Yên", kind="commune", parent=agencies["q"])
    wp = AgencyFactory(code="AZQ.CAPW", name="Công an phường Bình Yên", kind="department", parent=w)
    units = {"w": w, "wp": wp}
    for key, agency in (("w", w), ("wp", wp)):
        for suffix, name in (
            ("MC", "Bộ phận một cửa"),
            ("CM", "Phòng chuyên môn"),
            ("LD", "Lãnh đạo"),
        ):
            units[f"{key}.{suffix}"] = AgencyFactory(
                code=f"{agency.code}.{suffix}", name=name, kind=Agency.Kind.UNIT, parent=agency
            )
    return units


def _ward_users(units: dict[str, Agency]) -> tuple[dict, dict]:
    """(principals, helpers) of the ward and its police, each in a unit of their agency."""
    users = {
        "desk_w": _officer("authz.desk.w", units["w.MC"], Role.DESK_OFFICER),
        "leader_w": _officer("authz.leader.w", units["w.LD"], Role.LEADER),
        "desk_wp": _officer("authz.desk.wp", units["wp.MC"], Role.DESK_OFFICER),
    }
    helpers = {
        "specialist_w": _officer("authz.specialist.w", units["w.CM"], Role.SPECIALIST),
        "specialist_wp": _officer("authz.specialist.wp", units["wp.CM"], Role.SPECIALIST),
        "leader_wp": _officer("authz.leader.wp", units["wp.LD"], Role.LEADER),
    }
    return users, helpers


def build() -> World:
    agencies = _agencies()
    users, helpers = _users(agencies)
    ward_units = _ward_agencies(agencies)
    ward_users, ward_helpers = _ward_users(ward_units)
    version = procedure_version(PROCEDURE, processing_days=5, fee_vnd=20000)
    version.agencies.add(agencies["x"], agencies["y"])
    a = _walk(
        "a",
        users["citizen_a"],
        version,
        agencies["x"],
        users["desk_x"],
        users["specialist_x"],
        users["leader_x"],
    )
    b = _walk(
        "b",
        users["citizen_b"],
        version,
        agencies["y"],
        users["desk_y"],
        helpers["specialist_y"],
        helpers["leader_y"],
    )
    agencies.update(w=ward_units["w"], wp=ward_units["wp"])
    users.update(ward_users)
    version.agencies.add(agencies["w"], agencies["wp"])
    ward_sides = {
        key: _walk(
            key,
            users["citizen_a"],
            version,
            agencies[key],
            users[f"desk_{key}"],
            ward_helpers[f"specialist_{key}"],
            users["leader_w"] if key == "w" else ward_helpers["leader_wp"],
        )
        for key in ("w", "wp")
    }
    draft = _draft(users["citizen_a"], version, agencies["x"])
    a_draft = Side(
        dossier=draft,
        attachment=draft.attachments.first(),
        document=a.document,
        plan=a.plan,
    )
    assisted = _assisted_draft(users["agent_x"], users["citizen_a"], version, agencies["x"])
    world = World(
        agencies=agencies,
        users=users,
        sides={"a": a, "b": b, "a_draft": a_draft, "assisted": assisted, **ward_sides},
        version=version,
        audit_record_of={
            agency.pk: AuditRecord.objects.filter(agency_id=agency.pk).order_by("pk")[0].pk
            for agency in (agencies["x"], agencies["y"])
        },
        desk_membership={
            m.agency_id: m.pk for m in Membership.objects.filter(role=Role.DESK_OFFICER)
        },
    )
    _own_procedures(world)
    credentials = create_api_client(
        name="Hệ thống một cửa Phú An", agency_codes=["AZP.STP"], scopes=ALL_SCOPES.split()
    )
    world.system_token = bearer_token(application=credentials.client.application)
    sign_in(world)
    ward_system = create_api_client(
        name="Hệ thống một cửa Phường Bình Yên", agency_codes=["AZQ.PW"], scopes=ALL_SCOPES.split()
    )
    world.tokens["system_w"] = bearer_token(application=ward_system.client.application)
    return world


def sign_in(world: World) -> None:
    """A session cookie (``force_login``, as the portal tests do) and a bearer token each."""
    for name, user in world.users.items():
        client = Client()
        client.force_login(user)
        world.cookies[name] = {key: morsel.value for key, morsel in client.cookies.items()}
        world.tokens[name] = bearer_token(user)
    world.tokens["system_x"] = world.system_token


def _own_procedures(world: World) -> None:
    """Holes 1 and 7: a procedure only X handles and one only Y does (their agency
    administrators' to edit), and a day off in the national calendar far in the future."""
    for key in ("x", "y"):
        agency = world.agencies[key]
        version = procedure_version(f"AUTHZ.{key.upper()}", processing_days=10)
        version.agencies.add(agency)
        world.procedure_of[agency.pk] = version.procedure_id
        world.version_of[agency.pk] = version.pk
    world.calendar_override = CalendarOverride.objects.create(
        date=dt.date(2099, 12, 31), kind=CalendarOverride.Kind.DAY_OFF, reason="QĐ thử nghiệm"
    ).pk
