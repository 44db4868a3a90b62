"""PAKN use cases: file, answer (and publish), reassign, rate. One transaction each,
the audit record its last write.

Decree 20/2008/NĐ-CP (amended by Decree 92/2017/NĐ-CP): a PAKN is received and
answered by the agency responsible for what it is about (routing below), within a
time limit (``MOTCUA_PAKN_DAYS`` working days from receipt, ``workdays.calendar``);
the sender is told the result and the result may be published.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import Procedure
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import (
    check_upload,
    clean_name,
    discard_file,
    safe_content,
    sha256_of,
    store_file,
)
from motcua.dossiers.models import Dossier
from motcua.notifications.services import notify_contact
from motcua.workdays.calendar import add_working_days

from .exceptions import FeedbackError
from .masking import anonymise
from .models import Feedback, FeedbackAttachment, FeedbackCounter, Kind, Status, Subject

logger = logging.getLogger(__name__)

MAX_FILES = 5


def _anonymous_label() -> str:
    return _("Người gửi phản ánh (không đăng nhập)")


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def pakn_days() -> int:
    return max(1, int(getattr(settings, "MOTCUA_PAKN_DAYS", 10)))


def due_date_for(received_at: dt.datetime) -> dt.date:
    """The last day to answer: ``MOTCUA_PAKN_DAYS`` working days after the day of receipt
    (the day of receipt not counted, as for dossiers)."""
    return add_working_days(timezone.localdate(received_at), pakn_days())


def responsible_agency(
    subject: str,
    *,
    dossier: Dossier | None = None,
    procedure: Procedure | None = None,
    agency: Agency | None = None,
) -> Agency:
    """Where a PAKN goes: the dossier's agency; for a procedure, the chosen agency when
    it handles the procedure, else the only agency of this instance that does; else the
    chosen agency. Raises FeedbackError when it cannot be decided."""
    if subject == Subject.DOSSIER:
        if dossier is None:
            raise FeedbackError(_("Hãy nhập mã hồ sơ cần phản ánh."), "dossier_required")
        return dossier.agency.home_agency
    if subject == Subject.PROCEDURE:
        if procedure is not None:  # its current version as stored now
            procedure = Procedure.objects.select_related("current_version").get(pk=procedure.pk)
        if procedure is None or procedure.current_version_id is None:
            raise FeedbackError(_("Hãy chọn thủ tục cần phản ánh."), "procedure_required")
        handling = list(procedure.current_version.agencies.order_by("name"))
        if agency is not None and agency in handling:
            return agency
        if len(handling) == 1:
            return handling[0]
        if not handling:
            raise FeedbackError(
                _("Thủ tục này chưa có cơ quan thực hiện trên hệ thống; hãy chọn cơ quan."),
                "agency_required",
            )
        raise FeedbackError(
            _("Thủ tục này do nhiều cơ quan thực hiện; hãy chọn cơ quan bạn muốn phản ánh."),
            "agency_required",
        )
    if agency is None:
        raise FeedbackError(_("Hãy chọn cơ quan cần phản ánh."), "agency_required")
    return agency


def _next_code(day: dt.date) -> str:
    counter, _created = FeedbackCounter.objects.select_for_update().get_or_create(day=day)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"PAKN-{day:%y%m%d}-{counter.value:04d}"


def _store(feedback: Feedback, upload, part: str, stored: list) -> FeedbackAttachment:
    """Check ``upload`` with the one content check of uploads (``dossiers.files``) and
    keep it with ``feedback``. Raises FeedbackError with the check's message."""
    try:
        file_type = check_upload(upload)
        content = safe_content(upload)
    except DossierError as refused:
        raise FeedbackError(refused.message, refused.code) from None
    display = clean_name(getattr(upload, "name", "") or "", file_type.extension)
    attachment = FeedbackAttachment(
        feedback=feedback,
        part=part,
        original_name=display[:255],
        content_type=file_type.content_type,
        size=content.size,
        sha256=sha256_of(content),
        uploaded_at=timezone.now(),
    )
    try:
        store_file(
            attachment.file,
            f"pakn-{secrets.token_hex(6)}{file_type.extension}",
            content,
            display_name=display,
        )
    except DossierError as failed:
        raise FeedbackError(failed.message, failed.code) from None
    stored.append(attachment)
    attachment.save()
    return attachment


def _check_count(uploads) -> list:
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_FILES:
        raise FeedbackError(_("Chỉ gửi kèm tối đa %(n)d tệp.") % {"n": MAX_FILES}, "too_many_files")
    return uploads


def _with_files(work):
    """Run ``work(stored)`` in one transaction; if it fails, remove the files it stored."""
    stored: list[FeedbackAttachment] = []
    try:
        with transaction.atomic():
            return work(stored)
    except BaseException:
        for attachment in stored:
            discard_file(attachment.file)
        raise


def file_feedback(
    *,
    kind: str,
    subject: str,
    title: str,
    content: str,
    dossier: Dossier | None = None,
    procedure: Procedure | None = None,
    agency: Agency | None = None,
    applicant=None,
    user=None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    contact_address: str = "",
    uploads=(),
) -> Feedback:
    """Receive a PAKN: route it, give it a code, a look-up secret and its deadline.

    Signed in (``applicant``), the contact defaults to the applicant's own; anonymous,
    a name and a phone or an e-mail are required (Decree 20/2008/NĐ-CP art. 7). A
    dossier may be named only by its owner (``applicant``) or with its look-up secret
    checked by the caller. Raises FeedbackError.
    """
    if kind not in Kind.values or subject not in Subject.values:
        raise FeedbackError(_("Loại phản ánh không hợp lệ."), "invalid")
    if not (title or "").strip() or not (content or "").strip():
        raise FeedbackError(_("Hãy nhập tiêu đề và nội dung phản ánh."), "content_required")
    if applicant is not None:
        contact_name = contact_name or applicant.name
        contact_phone = contact_phone or applicant.phone or (getattr(user, "phone", "") or "")
        contact_email = contact_email or applicant.email or (getattr(user, "email", "") or "")
    if not (contact_name or "").strip():
        raise FeedbackError(_("Hãy nhập họ và tên người gửi."), "contact_required")
    if (
        applicant is None
        and not (contact_phone or "").strip()
        and not (contact_email or "").strip()
    ):
        raise FeedbackError(
            _("Hãy nhập số điện thoại hoặc thư điện tử để cơ quan trả lời bạn."),
            "contact_required",
        )
    uploads = _check_count(uploads)
    target = responsible_agency(subject, dossier=dossier, procedure=procedure, agency=agency)
    if subject == Subject.DOSSIER and procedure is None and dossier is not None:
        procedure = dossier.procedure_version.procedure

    def work(stored):
        now = timezone.now()
        feedback = Feedback.objects.create(
            code=_next_code(timezone.localdate(now)),
            kind=kind,
            subject=subject,
            dossier=dossier if subject == Subject.DOSSIER else None,
            procedure=procedure if subject in (Subject.DOSSIER, Subject.PROCEDURE) else None,
            agency=target,
            title=title.strip()[:200],
            content=content.strip(),
            applicant=applicant,
            contact_name=contact_name.strip()[:200],
            contact_phone=(contact_phone or "").strip()[:20],
            contact_email=(contact_email or "").strip()[:254],
            contact_address=(contact_address or "").strip()[:300],
            received_at=now,
            due_date=due_date_for(now),
        )
        for upload in uploads:
            _store(feedback, upload, FeedbackAttachment.Part.QUESTION, stored)
        record(
            "feedback.file",
            actor=user if _signed_in(user) else None,
            obj=feedback,
            data={
                "code": feedback.code,
                "kind": kind,
                "subject": subject,
                "dossier": dossier.code if dossier is not None and dossier.code else "",
                "files": len(uploads),
                "anonymous": applicant is None,
            },
            actor_label=None if _signed_in(user) else _anonymous_label(),
        )
        return feedback

    return _with_files(work)


def _lock(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().select_related("agency").get(pk=feedback.pk)


def published_texts(feedback: Feedback, answer: str) -> dict[str, str]:
    """The title, question and answer as they would be published (personal data masked)."""
    names = [feedback.contact_name]
    if feedback.applicant_id:
        names.append(feedback.applicant.name)
    addresses = [feedback.contact_address]
    return {
        "published_title": anonymise(feedback.title, names, addresses)[:200],
        "published_question": anonymise(feedback.content, names, addresses),
        "published_answer": anonymise(answer, names, addresses),
    }


def answer_feedback(
    feedback: Feedback, *, text: str, by, publish: bool = False, uploads=()
) -> Feedback:
    """Answer a PAKN (once), with files; ``publish`` puts it, anonymised, on the portal.
    The sender is notified (e-mail, SMS). Raises FeedbackError."""
    if not (text or "").strip():
        raise FeedbackError(_("Hãy nhập nội dung trả lời."), "answer_required")
    uploads = _check_count(uploads)

    def work(stored):
        locked = _lock(feedback)
        if locked.status == Status.ANSWERED:
            raise FeedbackError(_("Phản ánh này đã được trả lời."), "already_answered")
        now = timezone.now()
        locked.answer = text.strip()
        locked.answered_at = now
        locked.answered_by = by
        locked.status = Status.ANSWERED
        fields = ["answer", "answered_at", "answered_by", "status"]
        if publish:
            for name, value in published_texts(locked, locked.answer).items():
                setattr(locked, name, value)
            locked.published_at = now
            fields += ["published_title", "published_question", "published_answer", "published_at"]
        locked.save(update_fields=fields)
        for upload in uploads:
            _store(locked, upload, FeedbackAttachment.Part.ANSWER, stored)
        _notify_answer(locked)
        record(
            "feedback.answer",
            actor=by,
            obj=locked,
            data={
                "code": locked.code,
                "on_time": timezone.localdate(now) <= locked.due_date,
                "published": publish,
                "files": len(uploads),
            },
        )
        return locked

    return _with_files(work)


def publish_feedback(feedback: Feedback, *, by) -> Feedback:
    """Publish an answered PAKN that was not published when answered (anonymised)."""
    with transaction.atomic():
        locked = _lock(feedback)
        if locked.status != Status.ANSWERED:
            raise FeedbackError(_("Chỉ công khai phản ánh đã được trả lời."), "not_answered")
        if locked.published_at is not None:
            raise FeedbackError(_("Phản ánh này đã được công khai."), "already_published")
        for name, value in published_texts(locked, locked.answer).items():
            setattr(locked, name, value)
        locked.published_at = timezone.now()
        locked.save()
        record("feedback.publish", actor=by, obj=locked, data={"code": locked.code})
        return locked


def reassign_feedback(feedback: Feedback, *, agency: Agency, by, note: str) -> Feedback:
    """Send a PAKN to the agency that is responsible for it; the deadline stays (it runs
    from receipt). Raises FeedbackError when answered, or the agency is the same."""
    if not (note or "").strip():
        raise FeedbackError(_("Hãy ghi lý do chuyển."), "note_required")
    with transaction.atomic():
        locked = _lock(feedback)
        if locked.status == Status.ANSWERED:
            raise FeedbackError(_("Phản ánh đã được trả lời, không chuyển được."), "answered")
        if locked.agency_id == agency.pk:
            raise FeedbackError(_("Phản ánh đã ở cơ quan này."), "same_agency")
        previous = locked.agency
        locked.agency = agency
        locked.save(update_fields=["agency"])
        record(
            "feedback.reassign",
            actor=by,
            obj=locked,
            data={"code": locked.code, "from": previous.code, "to": agency.code, "note": note},
        )
        return locked


def rate_feedback(feedback: Feedback, *, satisfied: bool, by=None) -> Feedback:
    """The sender's satisfaction with the answer: once, after the answer."""
    with transaction.atomic():
        locked = _lock(feedback)
        if locked.status != Status.ANSWERED:
            raise FeedbackError(_("Bạn có thể đánh giá sau khi có trả lời."), "not_answered")
        if locked.satisfied is not None:
            raise FeedbackError(_("Bạn đã đánh giá trả lời này. Cảm ơn bạn!"), "already_rated")
        locked.satisfied = bool(satisfied)
        locked.rated_at = timezone.now()
        locked.save(update_fields=["satisfied", "rated_at"])
        record(
            "feedback.rate",
            actor=by if _signed_in(by) else None,
            obj=locked,
            data={"code": locked.code, "satisfied": locked.satisfied},
            actor_label=None if _signed_in(by) else _anonymous_label(),
        )
        return locked


def _notify_answer(feedback: Feedback) -> None:
    email, phone = feedback.contact_email, feedback.contact_phone
    if feedback.applicant_id:
        email = email or feedback.applicant.email
        phone = phone or feedback.applicant.phone
    values = {"code": feedback.code, "agency": feedback.agency.name}
    notify_contact(
        email=email,
        phone=phone,
        event="pakn_answered",
        subject=_("Phản ánh %(code)s đã được trả lời") % values,
        body=_(
            "Phản ánh, kiến nghị %(code)s của bạn đã được %(agency)s trả lời. Xem trả lời và "
            "đánh giá mức độ hài lòng tại trang Tra cứu phản ánh của Cổng dịch vụ công "
            "(cần mã phản ánh và mã tra cứu)."
        )
        % values,
        sms=_("Phản ánh %(code)s đã được trả lời. Xem và đánh giá tại Cổng dịch vụ công.") % values,
        reference=feedback.code,
    )
