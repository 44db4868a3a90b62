"""What a citizen does to their dossiers in the portal (writes).

Lifecycle moves (submit, supplement, withdraw) go through
``motcua.dossiers.services.transition``; the portal only edits what a draft holds
(the e-form values and their sources, the component files) and never a status.
Registry look-ups happen outside database transactions (they are network calls), with
one exception: the re-check of the prefilled values when the API submits a draft runs in
the call's transaction, holding that draft's own row only (the prefill's cached answer
serves it; on a miss the registry connector's timeout bounds the wait). One read of the
draft with its lock then serves the whole submission (issue #21).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant
from motcua.agencies import selectors as agency_selectors
from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog import eform
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import ProcedureComponent, ProcedureVersion
from motcua.datastore import services as datastore_services
from motcua.dossiers import services as dossier_services
from motcua.dossiers import supplements
from motcua.dossiers.exceptions import DossierError, IllegalTransition
from motcua.dossiers.files import add_attachment, discard_file
from motcua.dossiers.models import Attachment, Dossier, OnBehalfConfirmation, Rating, Status
from motcua.lib.compiled import CompiledQuery
from motcua.lib.db import atomic_refusable, lock_held
from motcua.registries import services as registries

from . import assurance, eform_pages, eforms, selectors


class SubmissionRefused(DossierError):
    """The draft cannot be submitted yet; ``problems`` says what to fix (Vietnamese)."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems), code="submission_refused")
        self.problems = problems


def _not_a_draft() -> DossierError:
    return DossierError(
        _("Hồ sơ đã được nộp nên không sửa được nữa. Hãy xem tình trạng hồ sơ."),
        code="not_draft",
    )


def _own_locked(related: str, locked: tuple[str, ...]):
    """The read of ``lock_own_dossier``, compiled once per connection (``lib.compiled``):
    ``public_id`` is unique, so no ORDER BY (``first()`` would add one on the primary
    key)."""
    return CompiledQuery(
        lambda applicant_id, public_id: (
            selectors.dossiers_of_id(applicant_id)
            .select_related(None)
            .select_related(related)
            .select_for_update(of=locked)
            .filter(public_id=public_id)[:1]
        ),
        0,
        uuid.UUID(int=0),
    )


_OWN_FOR_SUBMIT = _own_locked("applicant__user", ("self",))
_OWN_FOR_CHANGE = _own_locked("applicant", ("self", "applicant"))


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def lock_own_dossier(applicant: Applicant, public_id, *, for_submit: bool = False):
    """The dossier ``public_id`` of ``applicant`` (``selectors.dossiers_of``), its row
    locked until the caller's transaction ends (call inside one), or None. The row is
    read with its applicant's, both locked: an upload's quota check
    (``dossiers.files.check_quota``) then does not lock the applicant again, in the same
    order (the dossier, then its applicant); ``for_submit``: with what the submission
    uses (``submit_application``), the dossier's row alone locked: the applicant and its
    user (the notification) in the same statement, the procedure version with its
    procedure and the agency with the units above it (the fee schedule and the event's
    snapshot walk up that chain) from the per-process memo of reference data
    (``lib.refcache``): a published version never changes, and joining them made the
    statement cost more to plan than to run. The draft services below and
    ``dossiers.services.transition`` take it as it is, without reading and locking it
    again."""
    key = public_id if isinstance(public_id, uuid.UUID) else _uuid(public_id)
    if key is None:
        return None
    found = (_OWN_FOR_SUBMIT if for_submit else _OWN_FOR_CHANGE)(applicant.pk, key)
    if not found:
        return None
    dossier = found[0]
    dossier.row_locked = True
    dossier.applicant_row_locked = not for_submit
    if for_submit:
        version = catalog_selectors.version_with_procedure(dossier.procedure_version_id)
        agency = agency_selectors.with_parents(dossier.agency_id)
        if version is not None:
            dossier.procedure_version = version
        if agency is not None:
            dossier.agency = agency
    return dossier


def _locked_draft(dossier: Dossier) -> Dossier:
    """Lock the dossier row (call inside a transaction); DossierError unless a draft."""
    if lock_held(dossier):
        locked = dossier  # read with its lock in this transaction (``lock_own_dossier``)
    else:
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version")
            .get(pk=dossier.pk)
        )
    if locked.status != Status.DRAFT:
        raise _not_a_draft()
    return locked


def _valid_key(key: str) -> str:
    valid = _uuid(key)
    if valid is None:
        raise DossierError(
            _("Phiên khai hồ sơ không hợp lệ. Vui lòng tải lại trang và thử lại."),
            code="bad_key",
        )
    return str(valid)


def start_application(
    *,
    applicant: Applicant,
    version: ProcedureVersion,
    agency: Agency,
    key: str,
    by=None,
) -> tuple[Dossier, registries.Prefill | None]:
    """Create the draft for ``key`` and prefill it from the national databases.

    Idempotent: the same ``key`` (the token of one application form) always gives the
    same dossier, even when two requests race, so a double click or a re-posted form
    never makes two dossiers. Returns ``(dossier, prefill)``; ``prefill`` is None when
    the dossier already existed. Raises DossierError when the key is malformed or
    belongs to someone else, the agency does not take this procedure, or the version
    is not offered online.
    """
    key = _valid_key(key)
    existing = Dossier.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _own(existing, applicant), None
    if agency not in selectors.receiving_agencies(version):
        raise DossierError(
            _("Cơ quan đã chọn không tiếp nhận hồ sơ của thủ tục này. Vui lòng chọn lại."),
            code="wrong_agency",
        )
    try:
        with transaction.atomic():
            draft = dossier_services.create_draft(
                applicant=applicant, version=version, agency=agency, by=by
            )
            draft.idempotency_key = key
            draft.save(update_fields=["idempotency_key", "updated_at"])
    except IntegrityError:
        # Another request with the same key won the race: use its dossier.
        return _own(Dossier.objects.get(idempotency_key=key), applicant), None
    prefill = registries.prefill_form(
        version.form_schema,
        applicant,
        actor=by,
        dossier_ref=str(draft.public_id),
    )
    _store_prefill(draft, prefill)
    return draft, prefill


def start_application_with_form(
    *,
    applicant: Applicant,
    version: ProcedureVersion,
    agency: Agency,
    check: Callable[[dict, dict], dict],
    by=None,
) -> tuple[Dossier, registries.Prefill]:
    """Create a draft already filled: the registries' values and the caller's answers.

    For a caller that sends the whole form with the creation (the API): the national
    databases are asked first (network, with their lookup log), then
    ``check(prefilled_values, sources)`` returns the form data to store (the caller
    merges its answers and validates them; it raises to refuse), and the draft is
    written with its values, their sources and ``reused_data`` in one INSERT. The caller
    has chosen ``agency`` among ``selectors.receiving_agencies(version)``. Raises
    DossierError as ``dossier_services.create_draft`` does.
    """
    public_id = uuid.uuid4()
    prefill = registries.prefill_form(
        version.form_schema, applicant, actor=by, dossier_ref=str(public_id)
    )
    values = _merged({}, prefill.values)
    sources = dict(prefill.sources)
    data = check(values, sources)
    draft = dossier_services.create_draft(
        applicant=applicant,
        version=version,
        agency=agency,
        form_data=data,
        by=by,
        public_id=public_id,
        prefill_sources=sources,
        reused_data=bool(sources),
        idempotency_key=str(uuid.uuid4()),
    )
    return draft, prefill


def _own(dossier: Dossier, applicant: Applicant) -> Dossier:
    if dossier.applicant_id != applicant.pk:
        raise DossierError(
            _("Phiên khai hồ sơ không hợp lệ. Vui lòng tải lại trang và thử lại."),
            code="bad_key",
        )
    return dossier


def _merged(typed: dict, found: dict) -> dict:
    """The registries' values over what was typed, block by block: a part the registry
    does not know keeps what the citizen typed."""
    merged = dict(typed)
    for key, value in found.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


@transaction.atomic
def _store_prefill(dossier: Dossier, prefill: registries.Prefill) -> Dossier:
    locked = _locked_draft(dossier)
    locked.form_data = _merged(locked.form_data or {}, prefill.values)
    sources = dict(locked.prefill_sources)
    sources.update(prefill.sources)
    locked.prefill_sources = sources
    locked.reused_data = locked.reused_data or bool(sources)
    locked.save(update_fields=["form_data", "prefill_sources", "reused_data", "updated_at"])
    dossier.form_data, dossier.prefill_sources = locked.form_data, locked.prefill_sources
    dossier.reused_data = locked.reused_data
    return locked


def refresh_prefill(dossier: Dossier, *, by=None) -> registries.Prefill:
    """Ask the national databases again (e.g. one was down when the draft began).

    Values found replace what the citizen typed and become locked; fields of a
    database that still does not answer keep their values. Raises DossierError
    unless the dossier is a draft.
    """
    if dossier.status != Status.DRAFT:
        raise _not_a_draft()
    prefill = registries.prefill_form(
        dossier.procedure_version.form_schema,
        dossier.applicant,
        actor=by,
        dossier_ref=str(dossier.public_id),
    )
    with transaction.atomic():
        _store_prefill(dossier, prefill)
    return prefill


@transaction.atomic
def save_form(dossier: Dossier, *, form_data: dict[str, Any], by=None) -> Dossier:
    """Store the e-form values of a draft (the caller checked them with ``eforms``).

    Raises DossierError unless the dossier is a draft.
    """
    locked = _locked_draft(dossier)
    locked.form_data = form_data
    locked.save(update_fields=["form_data", "updated_at"])
    dossier.form_data = form_data
    return locked


def _component_of(dossier: Dossier, component_id) -> ProcedureComponent:
    try:
        pk = int(component_id)
    except (TypeError, ValueError):
        pk = None
    component = catalog_selectors.component(dossier.procedure_version_id, pk)
    if component is None:
        raise DossierError(_("Thành phần hồ sơ không hợp lệ."), code="component")
    return component


@atomic_refusable(DossierError)
def attach_upload(dossier: Dossier, upload, *, component_id, by=None) -> Attachment:
    """Attach an uploaded file to a component of a draft, checked by its content.

    Raises DossierError when the file is empty, too large or not PDF/JPG/PNG, the
    component is not one of the procedure's, or the dossier is no longer a draft —
    always before the row is written, so the block needs no savepoint of its own.
    """
    locked = _locked_draft(dossier)
    component = _component_of(locked, component_id)
    return add_attachment(
        locked, upload, kind=Attachment.Kind.COMPONENT, by=by, component=component
    )


@transaction.atomic
def attach_document(dossier: Dossier, document, *, component_id, by=None) -> Attachment:
    """Attach a copy of a document of the person's data store to a component of a draft.

    The caller passes a document of ``by``'s own store (the data store refuses others).
    Raises DossierError as ``attach_upload``.
    """
    locked = _locked_draft(dossier)
    component = _component_of(locked, component_id)
    attachment = datastore_services.copy_to_dossier(document, locked, component=component, by=by)
    if not locked.reused_data:
        Dossier.objects.filter(pk=locked.pk).update(reused_data=True)
        dossier.reused_data = True
    return attachment


@transaction.atomic
def remove_attachment(dossier: Dossier, attachment_id, *, by=None) -> None:
    """Remove a file from a draft (the file is deleted once the change is committed).

    Raises DossierError unless the dossier is a draft; Attachment.DoesNotExist when the
    file is not one of this dossier's component files.
    """
    locked = _locked_draft(dossier)
    attachment = locked.attachments.get(public_id=attachment_id, kind=Attachment.Kind.COMPONENT)
    storage, name = attachment.file.storage, attachment.file.name
    sha256 = attachment.sha256
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record("dossier.detach", actor=by, obj=locked, data={"sha256": sha256})


def submission_problems(
    dossier: Dossier, *, by=None, check_registries: bool = True, attachments=None
) -> list[str]:
    """What stops the draft from being submitted (Vietnamese), or [] when it is ready.

    Checks the e-form as on submission and the required components; then, with
    ``check_registries``, the values that came from national databases against those
    databases again (a changed value is tampering). ``attachments``: the dossier's
    files (``selectors.attachments_of``) when the caller has read them already.
    """
    version = dossier.procedure_version
    if version.status != ProcedureVersion.Status.PUBLISHED:
        return [
            _(
                "Thủ tục này vừa được cập nhật nên không nộp được hồ sơ theo mẫu cũ. "
                "Vui lòng tạo hồ sơ mới từ trang thủ tục."
            )
        ]
    defn = eforms.definition(version.form_schema)
    with eform.reads_once():  # the check and the form's walk share the code lists
        _cleaned, errors = eforms.check(defn, dossier.form_data or {}, strict=True)
        # The form is walked only to name the fields in error.
        problems = eform_pages.problems(defn, dossier.form_data or {}, errors) if errors else []
    for component in selectors.missing_components(dossier, attachments):
        problems.append(_("Chưa có tệp cho thành phần “%(name)s”.") % {"name": component.name})
    if problems or not check_registries:
        return problems
    tampered = registries.verify_prefilled(
        version.form_schema,
        dossier.applicant,
        dossier.form_data,
        dossier.prefill_sources,
        actor=by,
        dossier_ref=str(dossier.public_id),
    )
    return list(tampered.values())


def submit_application(
    dossier: Dossier, *, by=None, eid_level: int | None = None, attachments=None
) -> Dossier:
    """Submit a draft: it gets its code and its fee is frozen.

    ``eid_level`` is the e-ID level the applicant proved at sign-in (1, 2; None: not
    signed in through the identity provider): the dossier records it
    (``identity_assurance``), and a procedure that requires level 2 refuses a lower one.
    Idempotent: submitting a dossier that is already submitted returns it unchanged, so
    a double click or a re-posted form leads to the same receipt. Raises
    SubmissionRefused (with what to fix; code ``assurance_too_low`` for the level) when
    the draft is incomplete, a value from a national database was changed or the
    sign-in's level is too low, DossierError for other refusals. ``dossier`` may be
    read with its lock (``lock_own_dossier(for_submit=True)``): the submission then
    does not read it again; ``attachments`` as for ``submission_problems``.
    """
    if dossier.status != Status.DRAFT and dossier.code:
        return dossier
    too_low = assurance.assurance_problem(dossier.procedure_version, eid_level)
    if too_low:
        refused = SubmissionRefused([too_low])
        refused.code = "assurance_too_low"
        raise refused
    with registries.logs_held() as lookup_logs:
        problems = submission_problems(dossier, by=by, attachments=attachments)
        if problems:
            raise SubmissionRefused(problems)  # the lookups' logs are written alone
        fields = {"identity_assurance": assurance.assurance_for(eid_level)}
        if dossier.filed_by_id:
            # A draft an agent prepared, submitted by the applicant signed in: that is the
            # applicant's confirmation (assisted filing, docs/ASSISTED.md).
            fields |= {
                "on_behalf_confirmation": OnBehalfConfirmation.SIGN_IN,
                "on_behalf_confirmed_at": timezone.now(),
            }
        try:
            # The verification's lookup logs and the submission: one transaction (the
            # logs stay when the submission is refused). The sign-in's level is written
            # by the submit transition itself (one UPDATE).
            with atomic_refusable(IllegalTransition):
                lookup_logs.write()
                return dossier_services.transition(dossier, "submit", by=by, **fields)
        except IllegalTransition:
            dossier.refresh_from_db()
            if dossier.code:
                return dossier  # a concurrent request submitted it first
            raise


def supplement_changes(dossier: Dossier, form_data: dict | None) -> list[dict]:
    """What the answers ``form_data`` change in the dossier's e-form (``eform.diff``
    rows, hidden and unknown values left out on both sides); [] when None."""
    if form_data is None:
        return []
    defn = eforms.definition(dossier.procedure_version.form_schema)
    before = eform.clean_data(defn, dossier.form_data or {})
    after = eform.clean_data(defn, form_data if isinstance(form_data, dict) else {})
    return eform.diff(defn, before, after)


def _supplement_note(count: int, corrected: bool) -> str:
    if count and corrected:
        return _("Công dân bổ sung %(n)d tệp và sửa thông tin tờ khai trực tuyến.") % {"n": count}
    if corrected:
        return _("Công dân sửa thông tin tờ khai trực tuyến.")
    return _("Công dân bổ sung %(n)d tệp trực tuyến.") % {"n": count}


def answer_supplement(
    dossier: Dossier,
    *,
    uploads: list,
    documents: list = (),
    note: str = "",
    form_data: dict | None = None,
    component_uploads: dict | None = None,
    by=None,
) -> Dossier:
    """Send the documents the agency asked for and/or corrected answers; the legal
    clock resumes.

    ``component_uploads`` maps a requested component's id to its new files: every
    component the open request lists needs at least one (free-text items need none),
    else DossierError (``supplement_incomplete``) names the missing ones.

    ``uploads`` are new files, ``documents`` copies from the person's data store,
    ``form_data`` the e-form's answers as corrected by the applicant (every value, as
    on the form page; None: unchanged). Changed answers are checked as on submission
    (``dossiers.services.update_form_on_supplement``: values verified from a national
    database cannot change) and kept as a revision by the ``provide_supplement`` move.
    The files, the answers and the move back to processing are one transaction.
    Raises DossierError when neither a file nor a changed answer is given or a file
    is refused, InvalidData (messages by data path) when the answers are refused,
    IllegalTransition when the dossier is not waiting for a supplement.
    """
    component_uploads = {int(k): list(v) for k, v in (component_uploads or {}).items() if v}
    count = len(uploads) + len(documents) + sum(len(v) for v in component_uploads.values())
    if not count and form_data is None:
        raise _no_supplement(with_form=False)
    if dossier.status != Status.WAITING_SUPPLEMENT:
        raise DossierError(
            _("Hồ sơ không ở trạng thái chờ bổ sung. Vui lòng tải lại trang."),
            code="not_waiting",
        )
    stored = []
    try:
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure_version")
                .get(pk=dossier.pk)
            )
            if locked.status != Status.WAITING_SUPPLEMENT:
                raise IllegalTransition(_("Bổ sung hồ sơ"), locked.get_status_display())
            request = supplements.open_request(locked)
            supplements.check_components_provided(request, component_uploads)
            corrected = bool(supplement_changes(locked, form_data))
            if not count and not corrected:
                raise _no_supplement(with_form=True)
            if corrected:
                dossier_services.update_form_on_supplement(locked, by=by, data=form_data)
            for upload in uploads:
                stored.append(
                    add_attachment(locked, upload, kind=Attachment.Kind.SUPPLEMENT, by=by)
                )
            components = ProcedureComponent.objects.filter(
                version_id=locked.procedure_version_id, pk__in=component_uploads
            ).in_bulk()
            for pk, files in component_uploads.items():
                for upload in files:
                    stored.append(
                        add_attachment(
                            locked,
                            upload,
                            kind=Attachment.Kind.SUPPLEMENT,
                            by=by,
                            component=components.get(pk),
                        )
                    )
            for document in documents:
                stored.append(
                    datastore_services.copy_to_dossier(
                        document, locked, by=by, kind=Attachment.Kind.SUPPLEMENT
                    )
                )
            note = (note or "").strip()[:2000] or _supplement_note(count, corrected)
            # A request made at receipt goes back to the desk; otherwise processing restarts.
            action = supplements.completion_action(locked)
            return dossier_services.transition(dossier, action, by=by, note=note)
    except BaseException:
        # The rows were rolled back (a later file refused, disk full): so go their files.
        for attachment in stored:
            discard_file(attachment.file)
        raise


def _no_supplement(*, with_form: bool) -> DossierError:
    if with_form:
        message = _(
            "Vui lòng chọn ít nhất một tệp để bổ sung. Nếu chỉ cần sửa thông tin đã "
            "khai, hãy sửa trong phần “Thông tin tờ khai”."
        )
    else:
        message = _("Vui lòng chọn ít nhất một tệp để bổ sung.")
    return DossierError(message, code="no_file")


def withdraw_dossier(dossier: Dossier, *, reason: str = "", by=None) -> Dossier:
    """Withdraw a dossier not yet received (the applicant's right).

    Raises IllegalTransition once it has been received (then: ``stop_dossier``).
    """
    note = (reason or "").strip()[:2000] or _("Công dân rút hồ sơ trực tuyến.")
    return dossier_services.transition(dossier, "withdraw", by=by, note=note)


def stop_dossier(dossier: Dossier, *, reason: str, by=None) -> Dossier:
    """The applicant's request to stop a received dossier (Decree 118/2025/NĐ-CP Art. 21):
    the processing stops at once (the agency issues the notice, form 05).

    Raises DossierError without a reason, IllegalTransition when it is not received or
    already decided.
    """
    return dossier_services.stop(dossier, by=by, reason=reason)


def rate_dossier(dossier: Dossier, *, score: int, comment: str = "", by=None) -> Rating:
    """Record the applicant's satisfaction once; raises DossierError as ``rate`` does."""
    return dossier_services.rate(dossier, score=score, comment=comment, by=by)


def unavailable_messages(prefill: registries.Prefill | None) -> list[str]:
    """The Vietnamese messages of the databases that could not prefill the form."""
    # The registries' connector already words each message for the citizen.
    return list(prefill.unavailable.values()) if prefill else []
