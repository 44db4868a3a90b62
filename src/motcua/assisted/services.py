"""Assisted filing (nộp hộ): an agent files an online dossier for a citizen.

A post-office public-service agent or a member of a community digital team, authorised
by an agency (``Membership(role=Role.AGENT)``), looks the citizen up in the national
population database, fills the procedure's e-form and files with the portal's own
services (``portal.services``), then the citizen confirms: with a 6-digit code sent by
SMS to the phone registered in the population database (read out to the agent), or by
signing in to the portal. Only then is the dossier submitted, as an online dossier that
records who filed it for whom (REGULATIONS.md, "Other obligations": assisted filing;
docs/ASSISTED.md). Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts import ratelimit
from motcua.accounts.models import Applicant, mask_identifier, validate_personal_id
from motcua.accounts.services import get_or_create_person
from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import ProcedureVersion, Registry
from motcua.dossiers import services as dossier_services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Dossier, IdentityAssurance, OnBehalfConfirmation, Status
from motcua.notifications.services import send_text
from motcua.portal import services as portal_services
from motcua.portal.assurance import assurance_problem
from motcua.registries import services as registries

from . import selectors
from .models import ConfirmationCode

CODE_VALID = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
SEND_WINDOW = dt.timedelta(minutes=15)
MAX_SENDS_PER_WINDOW = 3
# Codes sent per hour to one phone number (whatever the dossier) and by one agent: an
# SMS costs money and a flood of codes is harassment (counted in the cache, as every
# request limit: accounts.ratelimit).
PHONE_RATE = "5/h"
AGENT_RATE = "20/h"
FROM_ASSISTED = "assisted"  # the audit record's source of an applicant an agent creates


class AssistedError(DossierError):
    """An assisted-filing step refused; ``message`` says why, in Vietnamese."""


@dataclass(frozen=True)
class Citizen:
    """The citizen as the national population database knows them."""

    personal_id: str
    full_name: str
    birth_date: str  # YYYY-MM-DD
    phone: str

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id(self) -> str:
        return mask_identifier(self.personal_id)


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``091****678``: enough for the citizen to recognise their number."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 6) + phone[-3:]


def find_citizen(personal_id: str, *, by) -> Citizen:
    """Look the citizen up in the national population database (logged as any lookup).

    Raises AssistedError when the number is malformed, nobody has it, the person is
    deceased, or the database does not answer (with its message).
    """
    personal_id = (personal_id or "").strip()
    try:
        validate_personal_id(personal_id)
    except ValidationError as error:
        raise AssistedError(error.messages[0], code="bad_personal_id") from None
    result = registries.lookup(
        Registry.POPULATION, personal_id, actor=by, purpose="assisted_filing"
    )
    if result.outcome == registries.Outcome.NOT_FOUND:
        raise AssistedError(
            _(
                "Không tìm thấy công dân có số định danh này trong Cơ sở dữ liệu quốc gia "
                "về dân cư. Hãy kiểm tra lại số trên thẻ căn cước."
            ),
            code="not_found",
        )
    if not result.found:
        raise AssistedError(
            result.message
            or _("Cơ sở dữ liệu quốc gia về dân cư đang không trả lời; vui lòng thử lại sau."),
            code="unavailable",
        )
    attributes = result.attributes
    if attributes.get("deceased"):
        raise AssistedError(
            _("Công dân có số định danh này đã được ghi nhận là đã mất; không thể nộp hộ."),
            code="deceased",
        )
    return Citizen(
        personal_id=personal_id,
        full_name=str(attributes.get("full_name") or ""),
        birth_date=str(attributes.get("birth_date") or ""),
        phone=str(attributes.get("phone") or ""),
    )


def _check_agency(agent, for_agency: Agency) -> None:
    if for_agency not in selectors.agent_agencies(agent):
        raise AssistedError(
            _("Bạn không được cơ quan này ủy quyền nộp hộ hồ sơ."), code="not_authorised"
        )


def start_filing(
    *,
    agent,
    for_agency: Agency,
    citizen: Citizen,
    version: ProcedureVersion,
    agency: Agency,
    key: str,
) -> tuple[Dossier, registries.Prefill | None]:
    """Start (idempotently, by the form's ``key``) the citizen's draft, filed by ``agent``.

    The citizen's Applicant is found or created from the population database's record;
    the draft is the portal's (``portal.services.start_application``: prefilled from the
    national databases), marked as filed by ``agent`` for ``for_agency``. Audited as
    ``assisted.started``. Raises AssistedError when ``agent`` is not authorised by
    ``for_agency`` or the key belongs to another agent's filing, DossierError as
    ``start_application`` does.
    """
    _check_agency(agent, for_agency)
    applicant, _created = get_or_create_person(
        citizen.personal_id,
        defaults={"name": citizen.full_name, "phone": citizen.phone},
        by=agent,
        source=FROM_ASSISTED,
    )
    dossier, prefill = portal_services.start_application(
        applicant=applicant, version=version, agency=agency, key=key, by=agent
    )
    if dossier.filed_by_id == agent.pk:
        return dossier, prefill
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        if locked.filed_by_id not in (None, agent.pk) or locked.status != Status.DRAFT:
            raise AssistedError(
                _("Phiên khai hồ sơ không hợp lệ. Vui lòng tải lại trang và thử lại."),
                code="bad_key",
            )
        locked.filed_by, locked.filed_for_agency = agent, for_agency
        locked.save(update_fields=["filed_by", "filed_for_agency", "updated_at"])
        record(
            "assisted.started",
            actor=agent,
            obj=locked,
            agency_id=for_agency.pk,
            data={
                "for": mask_identifier(citizen.personal_id),
                "procedure": version.procedure.code,
                "agency": agency.code,
                "filed_for_agency": for_agency.code,
            },
        )
    dossier.filed_by, dossier.filed_for_agency = agent, for_agency
    return dossier, prefill


def _hash(code_row_id, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{code_row_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _ready(dossier: Dossier, *, by) -> None:
    """Refuse unless the draft is complete (checked as on submission, registries too)."""
    if dossier.status != Status.DRAFT:
        raise AssistedError(_("Hồ sơ đã được nộp."), code="not_draft")
    problems = portal_services.submission_problems(dossier, by=by)
    if problems:
        raise portal_services.SubmissionRefused(problems)


def _otp_allowed(dossier: Dossier) -> None:
    """Refuse the agent's code path for a procedure that requires e-ID level 2.

    A code read out to the agent proves less than a level-2 e-ID sign-in (Decree
    69/2024/NĐ-CP Art. 9; ``ProcedureVersion.min_assurance``): the citizen must sign in
    at level 2 and confirm the dossier themselves (docs/ASSISTED.md).
    """
    if (dossier.procedure_version.min_assurance or 1) >= 2:
        raise AssistedError(
            _(
                "Thủ tục này yêu cầu định danh điện tử mức độ 2: công dân cần tự đăng nhập "
                "VNeID mức 2 để xác nhận hồ sơ"
            ),
            code="level2_required",
        )


def sends_left(dossier: Dossier, now: dt.datetime | None = None) -> tuple[int, dt.datetime | None]:
    """(codes that may still be sent now, when the next one may be sent if none)."""
    now = now or timezone.now()
    recent = list(
        ConfirmationCode.objects.filter(dossier=dossier, created_at__gt=now - SEND_WINDOW)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    left = MAX_SENDS_PER_WINDOW - len(recent)
    if left > 0:
        return left, None
    return 0, recent[-MAX_SENDS_PER_WINDOW] + SEND_WINDOW


def send_code(dossier: Dossier, *, by, now: dt.datetime | None = None) -> ConfirmationCode:
    """Send a new 6-digit code to the citizen's registered phone (it replaces any earlier
    code); valid ``CODE_VALID``, at most ``MAX_SENDS_PER_WINDOW`` per ``SEND_WINDOW``.

    The draft must be complete. The phone is read again from the population database.
    Audited as ``assisted.code_sent``. Raises SubmissionRefused (what to fix) and
    AssistedError (too many codes, no registered phone, database down).
    """
    _ready(dossier, by=by)
    _otp_allowed(dossier)
    now = now or timezone.now()
    left, next_at = sends_left(dossier, now)
    if not left:
        raise AssistedError(
            _(
                "Đã gửi %(n)d mã xác nhận trong %(m)d phút. Vui lòng đợi đến %(at)s rồi gửi "
                "lại, hoặc đề nghị công dân đăng nhập Cổng dịch vụ công để tự xác nhận."
            )
            % {
                "n": MAX_SENDS_PER_WINDOW,
                "m": int(SEND_WINDOW.total_seconds() // 60),
                "at": timezone.localtime(next_at).strftime("%H:%M"),
            },
            code="too_many_codes",
        )
    citizen = find_citizen(dossier.applicant.personal_id, by=by)
    if not citizen.phone:
        raise AssistedError(
            _(
                "Công dân chưa có số điện thoại đăng ký trong Cơ sở dữ liệu quốc gia về dân "
                "cư nên không gửi được mã. Đề nghị công dân đăng nhập Cổng dịch vụ công để "
                "tự xác nhận hồ sơ."
            ),
            code="no_phone",
        )
    _count_send(citizen.phone, by)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        row = ConfirmationCode(
            dossier=dossier,
            phone_masked=citizen.masked_phone,
            sent_by=by,
            created_at=now,
            expires_at=now + CODE_VALID,
        )
        row.code_hash = _hash(row.public_id, code)
        row.save()
        text = _(
            "Mã xác nhận nộp hộ hồ sơ %(procedure)s: %(code)s (hiệu lực 10 phút). Chỉ đọc "
            "mã cho nhân viên hỗ trợ nếu bạn đồng ý nộp hồ sơ này."
        )
        procedure = dossier.procedure_version.procedure.code
        # The outbox keeps the code only until the SMS is handed to the sender.
        send_text(
            citizen.phone,
            text % {"procedure": procedure, "code": code},
            event="assisted_code",
            dossier=dossier,
            text_after_send=text % {"procedure": procedure, "code": "******"},
        )
        record(
            "assisted.code_sent",
            actor=by,
            obj=dossier,
            agency_id=dossier.filed_for_agency_id,
            data={"phone": citizen.masked_phone, "code_id": str(row.public_id)},
        )
    return row


def _count_send(phone: str, by) -> None:
    """Count one code for ``by`` and for ``phone``; AssistedError when either is over."""
    wait = ratelimit.hit("assisted-code-agent", str(getattr(by, "pk", by)), AGENT_RATE)
    if wait:
        raise AssistedError(
            _(
                "Bạn đã gửi quá %(n)d mã xác nhận trong một giờ. Vui lòng thử lại sau "
                "%(minutes)d phút."
            )
            % {"n": ratelimit.parse_rate(AGENT_RATE)[0], "minutes": -(-wait // 60)},
            code="too_many_codes_agent",
        )
    wait = ratelimit.hit("assisted-code-phone", phone, PHONE_RATE)
    if wait:
        raise AssistedError(
            _(
                "Số điện thoại của công dân đã nhận %(n)d mã xác nhận trong một giờ. Vui lòng "
                "thử lại sau %(minutes)d phút, hoặc đề nghị công dân đăng nhập Cổng dịch vụ "
                "công để tự xác nhận."
            )
            % {"n": ratelimit.parse_rate(PHONE_RATE)[0], "minutes": -(-wait // 60)},
            code="too_many_codes_phone",
        )


def _verdict(row: ConfirmationCode | None, code: str, now: dt.datetime) -> str | None:
    """None when ``code`` is right; else the Vietnamese reason (attempts counted)."""
    if row is None:
        return _("Chưa gửi mã xác nhận cho hồ sơ này. Hãy bấm “Gửi mã xác nhận”.")
    if row.attempts >= MAX_ATTEMPTS:
        return _("Mã này đã bị nhập sai %(n)d lần nên không dùng được nữa. Hãy gửi mã mới.") % {
            "n": MAX_ATTEMPTS
        }
    if now >= row.expires_at:
        return _("Mã xác nhận đã hết hạn (hiệu lực 10 phút). Hãy gửi mã mới.")
    if hmac.compare_digest(row.code_hash, _hash(row.public_id, (code or "").strip())):
        return None
    row.attempts += 1
    row.save(update_fields=["attempts"])
    left = MAX_ATTEMPTS - row.attempts
    if not left:
        return _("Mã xác nhận không đúng. Đã nhập sai %(n)d lần; hãy gửi mã mới.") % {
            "n": MAX_ATTEMPTS
        }
    return _("Mã xác nhận không đúng. Còn %(left)d lần nhập.") % {"left": left}


def confirm_with_code(
    dossier: Dossier, code: str, *, by, now: dt.datetime | None = None
) -> Dossier:
    """The citizen read the code out to ``by`` (the agent): the dossier is submitted.

    Only the latest code counts; a wrong code counts an attempt (kept even though the
    confirmation fails). Submitted with ``on_behalf_confirmation="otp"`` and
    ``identity_assurance="agent_otp"``; audited as ``assisted.confirmed``. Idempotent
    for a dossier already submitted. Raises SubmissionRefused when the draft is not
    complete, AssistedError for a wrong, expired or exhausted code.
    """
    if dossier.status != Status.DRAFT and dossier.code:
        return dossier
    _ready(dossier, by=by)
    _otp_allowed(dossier)
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            ConfirmationCode.objects.select_for_update()
            .filter(dossier=dossier, confirmed_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        latest = selectors.latest_code(dossier)
        if row is not None and latest is not None and latest.pk != row.pk:
            row = None  # an older code than a confirmed one: nothing to confirm
        problem = _verdict(row, code, now)
        if problem is None:
            row.confirmed_at = now
            row.save(update_fields=["confirmed_at"])
            return _submit(dossier, OnBehalfConfirmation.OTP, by=by, now=now)
    raise AssistedError(problem, code="wrong_code")


def confirm_by_sign_in(
    dossier: Dossier, *, applicant: Applicant, by, eid_level: int | None = None
) -> Dossier:
    """The citizen, signed in to the portal, confirms the dossier an agent filed for
    them: it is submitted with ``on_behalf_confirmation="sign_in"`` (audited as
    ``assisted.confirmed``). Idempotent once submitted. Raises AssistedError unless it is
    ``applicant``'s draft filed by an agent, SubmissionRefused when it is incomplete.
    """
    if dossier.applicant_id != applicant.pk or dossier.filed_by_id is None:
        raise AssistedError(_("Không tìm thấy hồ sơ nộp hộ này."), code="not_yours")
    if dossier.status != Status.DRAFT and dossier.code:
        return dossier
    _ready(dossier, by=by)
    too_low = assurance_problem(dossier.procedure_version, eid_level)
    if too_low:
        # As the portal refuses a filing below the procedure's level (portal/assurance.py).
        raise AssistedError(too_low, code="assurance_too_low")
    with transaction.atomic():
        return _submit(
            dossier, OnBehalfConfirmation.SIGN_IN, by=by, now=timezone.now(), eid_level=eid_level
        )


def _submit(
    dossier: Dossier, how: str, *, by, now: dt.datetime, eid_level: int | None = None
) -> Dossier:
    """Inside a transaction: record the confirmation and submit (an online dossier)."""
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.status != Status.DRAFT:
        raise AssistedError(_("Hồ sơ đã được nộp."), code="not_draft")
    locked.on_behalf_confirmation = how
    locked.on_behalf_confirmed_at = now
    fields = ["on_behalf_confirmation", "on_behalf_confirmed_at", "updated_at"]
    if how == OnBehalfConfirmation.OTP:
        locked.identity_assurance = IdentityAssurance.AGENT_OTP
        fields.append("identity_assurance")
    elif eid_level in (1, 2):
        # The citizen confirmed by signing in: the level of that sign-in.
        locked.identity_assurance = (
            IdentityAssurance.EID_LEVEL2 if eid_level == 2 else IdentityAssurance.EID_LEVEL1
        )
        fields.append("identity_assurance")
    locked.save(update_fields=fields)
    submitted = dossier_services.transition(locked, "submit", by=by)
    record(
        "assisted.confirmed",
        actor=by,
        obj=submitted,
        agency_id=submitted.filed_for_agency_id,
        data={
            "code": submitted.code,
            "how": how,
            "filed_by": submitted.filed_by_id,
            "for": mask_identifier(submitted.applicant.identifier),
        },
    )
    for name in (*fields, "status", "code", "submitted_at"):
        if hasattr(submitted, name):
            setattr(dossier, name, getattr(submitted, name))
    return submitted
