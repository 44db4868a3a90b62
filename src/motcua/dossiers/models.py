"""The dossier (hồ sơ) that every part of the platform shares, and its history."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureComponent, ProcedureVersion, ProcessStep


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROCESS = "in_process", _("Đang xử lý")
    WAITING_SUPPLEMENT = "waiting_supplement", _("Chờ bổ sung hồ sơ")
    APPROVED = "approved", _("Đã phê duyệt")
    REFUSED = "refused", _("Từ chối")
    RESULT_ISSUED = "result_issued", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    TRANSFERRED = "transferred", _("Đã chuyển cơ quan khác")
    # Processing stopped at the applicant's request after receipt (Decree 118/2025
    # Art. 21; Circular 03/2025/TT-VPCP form 05), distinct from withdrawal before receipt.
    STOPPED = "stopped", _("Dừng giải quyết")


# Status value → its (lazy) label, for ``Dossier.get_status_display``.
_STATUS_LABELS = dict(Status.choices)


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính")


# Crockford's base 32: digits and capitals without I, L, O, U (no 1/I/L or 0/O mix-ups).
class ResultDelivery(models.TextChoices):
    """How the applicant chose, at filing, to receive the result."""

    DESK = "desk", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính")
    ELECTRONIC = "electronic", _("Chỉ nhận kết quả điện tử")


class IdentityAssurance(models.TextChoices):
    """How the applicant was identified when the dossier was filed (Decree 69/2024 Art. 9)."""

    EID_LEVEL2 = "eid_level2", _("Định danh điện tử mức 2")
    EID_LEVEL1 = "eid_level1", _("Định danh điện tử mức 1")
    COUNTER_ID_CARD = "counter_id_card", _("Đối chiếu thẻ căn cước tại quầy")
    AGENT_OTP = "agent_otp", _("Nộp hộ, xác nhận bằng mã OTP")


class OnBehalfConfirmation(models.TextChoices):
    OTP = "otp", _("Mã xác nhận gửi tới số điện thoại đã đăng ký")
    SIGN_IN = "sign_in", _("Công dân đăng nhập xác nhận")


LOOKUP_SECRET_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOOKUP_SECRET_LENGTH = 12


def new_lookup_secret() -> str:
    # Printed on the receipt; with the code it opens the public look-up. 12 characters
    # of base 32 are 60 random bits: guessing stays hopeless from any number of
    # addresses. Dossiers made before keep their 8 hexadecimal characters (a subset of
    # the same alphabet), which remain valid.
    return "".join(secrets.choice(LOOKUP_SECRET_ALPHABET) for _ in range(LOOKUP_SECRET_LENGTH))


class Dossier(models.Model):
    """One application by one applicant for one procedure version at one agency.

    ``status`` changes only through ``motcua.dossiers.services.transition``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True, null=True, blank=True)
    lookup_secret = models.CharField(
        _("mã tra cứu"), max_length=16, default=new_lookup_secret, editable=False
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("người nộp"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("thủ tục (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.CharField(_("kênh nộp"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    fee_vnd = models.PositiveIntegerField(_("phí, lệ phí phải nộp"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_date = models.DateField(_("ngày hẹn trả kết quả"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng tính thời gian từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Where the dossier is in the agency's internal process (quy trình nội bộ).
    current_step = models.ForeignKey(
        ProcessStep,
        verbose_name=_("bước đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_due_date = models.DateField(_("hạn của bước"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    # The new date promised to the citizen by an approved apology letter; ``due_date``
    # stays the legal one, so the dossier still counts as late.
    appointment_date = models.DateField(_("ngày hẹn mới"), null=True, blank=True)
    supplement_overdue_at = models.DateTimeField(_("quá hạn bổ sung từ"), null=True, blank=True)
    # Online submission: a client-chosen key, so a retried request never makes two dossiers.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # e-form field name -> where its value came from (a registry code, "datastore").
    prefill_sources = models.JSONField(_("nguồn dữ liệu đã dùng"), default=dict, blank=True)
    # The specialist's assessment, shaped by the version's e-form ``decision`` fields.
    # (The database default too: the demo's bulk loader writes rows without it.)
    decision_data = models.JSONField(
        _("kết quả thẩm định"), default=dict, db_default={}, blank=True
    )
    reused_data = models.BooleanField(_("có tái sử dụng dữ liệu"), default=False)
    fee_paid_at = models.DateTimeField(_("ngày nộp phí"), null=True, blank=True)
    fee_paid_online = models.BooleanField(_("nộp phí trực tuyến"), default=False)
    result_electronic = models.BooleanField(_("kết quả điện tử"), default=False)

    # --- One-stop rules of Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP ---
    # The legal deadline to the minute (``due_date`` is its date): procedures stated in
    # working hours end within a day; day and month limits end at the close of work.
    due_at = models.DateTimeField(_("thời điểm hết hạn giải quyết"), null=True, blank=True)
    # When the current processing period started: at receipt, and again from zero when
    # the complete dossier arrives after a supplement request.
    clock_started_at = models.DateTimeField(
        _("bắt đầu tính thời gian giải quyết"), null=True, blank=True
    )
    # An online dossier must be received, or answered with one request to complete it,
    # within 8 working hours of arriving.
    intake_due_at = models.DateTimeField(_("hạn tiếp nhận hồ sơ"), null=True, blank=True)
    intake_overdue_at = models.DateTimeField(_("quá hạn tiếp nhận từ"), null=True, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(
        _("số lần yêu cầu bổ sung"), default=0, db_default=0
    )
    # The last day the applicant may complete the dossier (15 working days by default).
    supplement_due_date = models.DateField(_("hạn bổ sung hồ sơ"), null=True, blank=True)
    # How the result reaches the applicant, chosen at filing.
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=12,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
        db_default=ResultDelivery.DESK,
    )
    # For a postal result: {"recipient", "phone", "street", "province", "commune"}
    # (province and commune codes from the current list).
    delivery_address = models.JSONField(
        _("địa chỉ nhận kết quả"), default=dict, db_default={}, blank=True
    )
    postage_vnd = models.PositiveIntegerField(_("cước bưu chính (đồng)"), null=True, blank=True)
    # Receipt regardless of administrative boundary (Decree 118/2025, Art. 14): the desk
    # that received the paper dossier when it is not the settling agency (``agency``),
    # and the desk where the result is returned (empty: the settling agency's own desk).
    intake_agency = models.ForeignKey(
        Agency,
        verbose_name=_("nơi tiếp nhận (phi địa giới)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_agency = models.ForeignKey(
        Agency,
        verbose_name=_("nơi trả kết quả"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Assisted filing: the agent who filed on the applicant's behalf, for which agency,
    # and how the applicant confirmed it.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp hộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filed_dossiers",
    )
    filed_for_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan ủy quyền nộp hộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_confirmed_at = models.DateTimeField(
        _("công dân xác nhận nộp hộ lúc"), null=True, blank=True
    )
    on_behalf_confirmation = models.CharField(
        _("cách công dân xác nhận"),
        max_length=8,
        choices=OnBehalfConfirmation.choices,
        blank=True,
        db_default="",
    )
    identity_assurance = models.CharField(
        _("mức xác thực người nộp"),
        max_length=16,
        choices=IdentityAssurance.choices,
        blank=True,
        db_default="",
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["agency", "status", "received_at"], name="dossier_agency_status"),
            models.Index(fields=["agency", "due_date"], name="dossier_agency_due"),
            models.Index(fields=["applicant", "created_at"], name="dossier_applicant"),
            models.Index(fields=["assignee", "status", "due_date"], name="dossier_assignee"),
            models.Index(
                fields=["agency", "status", "submitted_at"], name="dossier_agency_submitted"
            ),
            models.Index(fields=["agency", "status", "paused_at"], name="dossier_agency_paused"),
            models.Index(fields=["agency", "created_at"], name="dossier_agency_created"),
            models.Index(fields=["agency", "received_at"], name="dossier_agency_received"),
            models.Index(
                fields=["agency", "procedure_version", "created_at"],
                name="dossier_agency_procedure",
            ),
            # The deadline queues look at the few dossiers whose clock runs, among millions.
            models.Index(
                fields=["agency", "due_date"],
                name="dossier_running_due",
                condition=models.Q(status__in=["received", "in_process"]),
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(self.public_id)

    def get_status_display(self) -> str:
        """The status's label in the active language, as Django's generated method gives
        it, without making every label of the choices hashable first (which translates
        each one: the API answer and the notification ask for it on every filing)."""
        label = _STATUS_LABELS.get(self.status)
        return self.status if label is None else str(label)

    @property
    def procedure(self):
        return self.procedure_version.procedure

    @property
    def is_open(self) -> bool:
        return self.status not in {
            Status.RETURNED,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.TRANSFERRED,
            Status.STOPPED,
        }


class StatusChange(models.Model):
    """One transition of a dossier: who, when, from, to, why. Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("thao tác"), max_length=32)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["dossier", "at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="status_change_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.from_status or '∅'} → {self.to_status}"


class FormRevision(models.Model):
    """The dossier's form data as submitted, and again after each supplement (or
    counter entry) that changed the answers: what the officers compare. Append-only."""

    class Reason(models.TextChoices):
        SUBMITTED = "submitted", _("Nộp hồ sơ")
        SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
        COUNTER = "counter", _("Tiếp nhận tại quầy")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="form_revisions")
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    reason = models.CharField(_("lý do"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(_("thời điểm"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("phiên bản tờ khai")
        verbose_name_plural = _("các phiên bản tờ khai")
        ordering = ["dossier", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_reason_display()}"


class CodeCounter(models.Model):
    """The last sequence number used in dossier codes per agency and day."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="code_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.day}: {self.value}"


class Attachment(models.Model):
    """A file of a dossier: a component, a supplement, a counter scan or the result."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Thành phần hồ sơ")
        SUPPLEMENT = "supplement", _("Tài liệu bổ sung")
        COUNTER_SCAN = "counter_scan", _("Bản quét tại quầy")
        RESULT = "result", _("Kết quả giải quyết")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        DATASTORE = "datastore", _("Kho dữ liệu cá nhân")
        REGISTRY = "registry", _("Cơ sở dữ liệu quốc gia")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    component = models.ForeignKey(
        ProcedureComponent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    source = models.CharField(
        _("nguồn"), max_length=16, choices=Source.choices, default=Source.UPLOAD
    )
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"))
    # A paper component scanned at the desk and checked as a true copy (số hóa, Decree
    # 118/2025 Art. 17(1)(c), Circular 03/2025/TT-VPCP Art. 5): reusable later.
    digitised = models.BooleanField(_("đã số hóa"), default=False, db_default=False)
    digitised_at = models.DateTimeField(_("thời điểm số hóa"), null=True, blank=True)
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["dossier", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def opens_inline(self) -> bool:
        """A PDF result is made or signed by the platform (``results``), so the browser
        may show it; every other file is served as a download."""
        return self.kind == self.Kind.RESULT and self.content_type == "application/pdf"


class StepRecord(models.Model):
    """One pass of a dossier through one step of the internal process, with its timing."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=16)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    due_date = models.DateField(_("hạn"))
    finished_at = models.DateTimeField(_("hoàn thành"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý của hồ sơ")
        verbose_name_plural = _("các bước xử lý của hồ sơ")
        ordering = ["dossier", "started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.name}"

    @property
    def late(self) -> bool:
        end = self.finished_at or timezone.now()
        return timezone.localtime(end).date() > self.due_date


class AgencyPart(models.Model):
    """One agency's part of an inter-agency (liên thông) dossier, timed on its own."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="agency_parts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("số ngày làm việc được giao"))
    sent_at = models.DateTimeField(_("ngày chuyển đến"), null=True, blank=True)
    started_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_date = models.DateField(_("hạn của cơ quan"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày hoàn thành phần việc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phần việc liên thông")
        verbose_name_plural = _("phần việc liên thông")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.agency}"


class ApologyLetter(models.Model):
    """A letter of apology for a late dossier ("Văn bản xin lỗi và đề nghị gia hạn thời gian
    giải quyết", Circular 03/2025/TT-VPCP form 04)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo, chờ lãnh đạo duyệt")
        SENT = "sent", _("Đã duyệt và gửi công dân")
        CANCELLED = "cancelled", _("Đã hủy")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    reason = models.TextField(_("lý do chậm"))
    new_date = models.DateField(_("ngày hẹn trả mới"))
    drafted_at = models.DateTimeField(_("ngày dự thảo"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản xin lỗi và đề nghị gia hạn")
        verbose_name_plural = _("văn bản xin lỗi và đề nghị gia hạn")
        ordering = ["dossier", "drafted_at", "pk"]
        constraints = [
            # At most one letter waiting for approval per dossier.
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(status="draft"), name="one_draft_apology"
            ),
            # Rescheduling happens at most once per dossier (Decree 118/2025).
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(status="sent"), name="one_sent_apology"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_status_display()}"


class SupplementRequest(models.Model):
    """One request to complete a dossier (Circular 03/2025/TT-VPCP form 02), listing every
    missing or wrong item in one go. Closing the request restarts the processing time."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="supplement_request_set"
    )
    number = models.PositiveSmallIntegerField(_("lần yêu cầu"))
    # [{"component": <ProcedureComponent id or null>, "label": str, "reason": str}, ...]
    items = models.JSONField(_("các nội dung cần bổ sung, hoàn thiện"), default=list)
    note = models.TextField(_("hướng dẫn"), blank=True)
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # At receipt (before the clock starts) or during processing.
    at_intake = models.BooleanField(_("yêu cầu khi tiếp nhận"), default=False)
    due_date = models.DateField(_("hạn bổ sung"))
    completed_at = models.DateTimeField(_("thời điểm bổ sung đủ"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc do quá hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung hồ sơ")
        verbose_name_plural = _("yêu cầu bổ sung hồ sơ")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="supplement_request_number")
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.number}"


class Rating(models.Model):
    """The citizen's satisfaction with a dossier's handling (1–5), given after the result."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"))
    comment = models.TextField(_("góp ý"), blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"))

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.score}"
