"""Demo PAKN (phản ánh, kiến nghị) at the showcase agencies: some waiting for an answer,
some answered and published on the portal, one rated — through the real services."""

from __future__ import annotations

from django.db import transaction

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency, Membership, Role
from motcua.agencies.selectors import descendant_ids
from motcua.demo.officers import SHOWCASE
from motcua.demo.province import Log
from motcua.dossiers.models import Dossier, Status
from motcua.feedback import services
from motcua.feedback.models import Feedback, Kind, Subject

ANSWERS = [
    (
        "Thời gian chờ tại bộ phận một cửa quá lâu",
        "Sáng thứ Hai tôi chờ hơn hai giờ mới đến lượt. Đề nghị bố trí thêm quầy. Liên hệ "
        "tôi qua số 0912 000 111.",
        "Cơ quan đã bố trí thêm một quầy tiếp nhận vào sáng thứ Hai và thứ Sáu, đồng thời "
        "khuyến khích nộp hồ sơ trực tuyến để giảm thời gian chờ.",
    ),
    (
        "Đề nghị niêm yết rõ mức phí chứng thực",
        "Bảng phí tại quầy bị che khuất, tôi không biết phải nộp bao nhiêu.",
        "Bảng niêm yết phí, lệ phí đã được chuyển ra vị trí dễ thấy; mức phí cũng được công "
        "khai trên trang thủ tục của Cổng dịch vụ công.",
    ),
]
OPEN = [
    ("Hồ sơ chưa được trả đúng hẹn", "Hồ sơ của tôi đã quá ngày hẹn nhưng chưa có kết quả."),
    ("Kiến nghị cho phép nhận kết quả qua bưu điện", "Tôi ở xa, đề nghị cho nhận qua bưu điện."),
]


def _answering_officer(agency: Agency):
    member = (
        Membership.objects.filter(
            agency_id__in=descendant_ids(agency),
            role__in=[Role.DESK_OFFICER, Role.LEADER, Role.SPECIALIST],
        )
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return member.user if member else None


def create_demo_pakn(log: Log) -> int:
    """A few PAKN per showcase agency; nothing when the demo already has some."""
    if Feedback.objects.exists():
        return 0
    citizens = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False).order_by("pk")[:4]
    )
    created = 0
    for slug in SHOWCASE:
        agency = Agency.objects.filter(code=f"BN.{slug.upper()}").first()
        officer = _answering_officer(agency) if agency else None
        if agency is None:
            continue
        with transaction.atomic():
            for n, (title, content, answer) in enumerate(ANSWERS):
                feedback = services.file_feedback(
                    kind=Kind.FEEDBACK if n == 0 else Kind.PETITION,
                    subject=Subject.AGENCY,
                    agency=agency,
                    title=title,
                    content=content,
                    contact_name="Nguyễn Thị Mai",
                    contact_phone="0912000111",
                )
                created += 1
                if officer is not None:
                    services.answer_feedback(feedback, text=answer, by=officer, publish=True)
                    if n == 0:
                        services.rate_feedback(feedback, satisfied=True)
            dossier = (
                Dossier.objects.filter(agency=agency, applicant__user__isnull=False)
                .exclude(status=Status.DRAFT)
                .select_related("applicant")
                .order_by("pk")
                .first()
            )
            for n, (title, content) in enumerate(OPEN):
                applicant = (
                    dossier.applicant if dossier and n == 0 else (citizens[n] if citizens else None)
                )
                services.file_feedback(
                    kind=Kind.FEEDBACK if n == 0 else Kind.PETITION,
                    subject=Subject.DOSSIER if dossier and n == 0 else Subject.AGENCY,
                    dossier=dossier if n == 0 else None,
                    agency=agency,
                    title=title,
                    content=content,
                    applicant=applicant,
                    contact_name="" if applicant else "Trần Văn Bình",
                    contact_phone="" if applicant else "0988000222",
                )
                created += 1
    log(f"{created} phản ánh, kiến nghị mẫu (một số đã trả lời và công khai).")
    return created
