"""The official forms of Circular 03/2025/TT-VPCP, Appendix I, built from a dossier.

Mẫu số 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả; 02 Phiếu yêu cầu bổ sung, hoàn thiện
hồ sơ; 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ; 04 Văn bản xin lỗi và đề nghị gia hạn
thời gian giải quyết; 05 Thông báo dừng giải quyết hồ sơ; 06 Phiếu kiểm soát quá trình
giải quyết hồ sơ (``control.py``). Form 07, the Sổ theo dõi hồ sơ, is the register of
many dossiers (``register.py``). Each form says when it applies to a dossier; a form
that does not apply is never printed empty (docs/FORMS.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import eform
from motcua.dossiers.models import (
    ApologyLetter,
    Attachment,
    Channel,
    Dossier,
    ResultDelivery,
    Status,
)
from motcua.lib.formatting import format_vnd

from . import common, control

TEMPLATES = "backoffice/paperwork/"


class NotApplicable(Exception):
    """The form does not apply to the dossier in its present state."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PaperForm:
    number: str
    title: Promise
    slug: str  # file names and screenshots: form-01-tiep-nhan
    template: str
    applies: Callable[[Dossier], bool]
    not_applicable: Promise
    build: Callable[[Dossier], dict]

    def filename(self, dossier: Dossier) -> str:
        return f"mau-{self.number}-{self.slug}-{dossier.code or dossier.public_id}.pdf"


# --- 01: receipt and appointment -------------------------------------------------------


def components_received(dossier: Dossier) -> list[dict]:
    """The components handed in, each with its form and how many: the paper components the
    desk ticked at the counter, or the files uploaded online (a component the e-form
    replaces is the online declaration; one a national database supplies is read there)."""
    version = dossier.procedure_version
    if dossier.channel != Channel.ONLINE:
        names = dossier.form_data.get("components_received", [])
        scans = dossier.attachments.filter(kind=Attachment.Kind.COUNTER_SCAN).count()
        rows = [{"name": n, "form": _("Bản giấy"), "count": 1} for n in names]
        if scans:
            rows.append(
                {"name": _("Bản quét hồ sơ giấy"), "form": _("Bản điện tử"), "count": scans}
            )
        return rows
    files: dict[int, int] = {}
    for attachment in dossier.attachments.filter(kind=Attachment.Kind.COMPONENT):
        files[attachment.component_id] = files.get(attachment.component_id, 0) + 1
    replaced = set(eform.replaced_components(eform.upgrade(version.form_schema or [])))
    rows = []
    for component in version.components.all():
        if files.get(component.pk):
            rows.append(
                {"name": component.name, "form": _("Bản điện tử"), "count": files[component.pk]}
            )
        elif component.name in replaced and dossier.form_data:
            rows.append({"name": component.name, "form": _("Tờ khai điện tử"), "count": 1})
        elif component.registry:
            rows.append(
                {
                    "name": component.name,
                    "form": _("Khai thác từ %(source)s")
                    % {"source": component.get_registry_display()},
                    "count": None,
                }
            )
    return rows


def delivery_text(dossier: Dossier) -> str:
    if not dossier.result_delivery:
        return ""
    text = str(ResultDelivery(dossier.result_delivery).label)
    address = dossier.delivery_address or {}
    if dossier.result_delivery == ResultDelivery.POST and address:
        parts = [address.get("recipient", ""), address.get("phone", ""), address.get("street", "")]
        text += ": " + ", ".join(p for p in parts if p)
    return text


def build_receipt(dossier: Dossier) -> dict:
    version = dossier.procedure_version
    received = common.first_change(dossier, to_status=Status.RECEIVED)
    return {
        "made_at": dossier.received_at,
        "components": components_received(dossier),
        "time_limit": f"{version.processing_days} {version.get_processing_unit_display().lower()}",
        "received_moment": common.spoken_moment(dossier.received_at),
        "due_moment": common.spoken_moment(dossier.due_at)
        if dossier.due_at
        else common.spoken_date(dossier.due_date),
        "fee": format_vnd(dossier.fee_vnd) if dossier.fee_vnd else _("Không mất phí"),
        "delivery": delivery_text(dossier),
        "register": common.register_entry(dossier),
        "receiver": common.person_name(received.actor if received else None),
        **received_elsewhere(dossier),
    }


def received_elsewhere(dossier: Dossier) -> dict:
    """A dossier received regardless of administrative boundary (Decree 118/2025/NĐ-CP
    Art. 14): the receipt names the desk that received it and the agency that settles it,
    and where the result is returned."""
    if not dossier.intake_agency_id:
        return {}
    returned_at = dossier.return_agency or dossier.intake_agency
    extra = {
        "intake_desk": dossier.intake_agency,
        "settling_agency": dossier.agency,
        "return_desk": returned_at,
    }
    if dossier.result_delivery != ResultDelivery.POST:
        extra["delivery"] = _("Bộ phận Một cửa %(agency)s") % {"agency": returned_at.name}
    return extra


# --- 02: request to complete the dossier ----------------------------------------------


def supplement_items(dossier: Dossier):
    """The latest request to complete the dossier and its items; a request made before
    requests were itemised (only a status change with a note) gives one item."""
    request = (
        dossier.supplement_request_set.select_related("requested_by").order_by("-number").first()
    )
    if request is not None:
        return request, [
            {"label": item.get("label", ""), "reason": item.get("reason", "")}
            for item in request.items
        ]
    change = common.last_change(dossier, action="request_supplement")
    if change is None:
        return None, []
    return change, [{"label": change.note, "reason": ""}]


def build_supplement(dossier: Dossier) -> dict:
    request, items = supplement_items(dossier)
    if hasattr(request, "requested_at"):
        made_at, by, note, due = (
            request.requested_at,
            request.requested_by,
            request.note,
            request.due_date,
        )
        number = request.number
    else:
        made_at, by, note, due, number = (
            request.at,
            request.actor,
            "",
            dossier.supplement_due_date,
            1,
        )
    return {
        "made_at": made_at,
        "items": items,
        "note": note,
        "due": common.spoken_date(due) if due else "",
        "number": number,
        "officer": common.person_name(by),
    }


# --- 03: refusal ----------------------------------------------------------------------


def build_refusal(dossier: Dossier) -> dict:
    change = common.last_change(dossier, to_status=Status.REFUSED)
    at_intake = change.action == "refuse_intake"
    return {
        "made_at": change.at,
        "reason": change.note,
        "at_intake": at_intake,
        "signer_title": _("NGƯỜI TIẾP NHẬN HỒ SƠ") if at_intake else _("THỦ TRƯỞNG CƠ QUAN"),
        "signer": common.person_name(change.actor),
    }


# --- 04: apology and extension --------------------------------------------------------


def apology_of(dossier: Dossier) -> ApologyLetter | None:
    """The letter sent (at most one), else the draft waiting for the leader's approval."""
    letters = dossier.apologies.select_related("decided_by", "drafted_by")
    return (
        letters.filter(status=ApologyLetter.Status.SENT).first()
        or letters.filter(status=ApologyLetter.Status.DRAFT).first()
    )


def build_apology(dossier: Dossier) -> dict:
    letter = apology_of(dossier)
    sent = letter.status == ApologyLetter.Status.SENT
    return {
        "made_at": letter.decided_at if sent else letter.drafted_at,
        "letter": letter,
        "draft": not sent,
        "received_date": common.spoken_date(dossier.received_at),
        "due_date": common.spoken_date(dossier.due_date),
        "new_date": common.spoken_date(letter.new_date),
        "signer": common.person_name(letter.decided_by) if sent else "",
    }


# --- 05: notice that processing stopped ------------------------------------------------


def build_stop(dossier: Dossier) -> dict:
    change = common.last_change(dossier, to_status=Status.STOPPED)
    return {
        "made_at": change.at,
        "reason": change.note,
        "received_date": common.spoken_date(dossier.received_at),
        "signer": common.person_name(change.actor),
    }


def _received(dossier: Dossier) -> bool:
    return dossier.received_at is not None and dossier.status != Status.SUBMITTED


def _has_supplement_request(dossier: Dossier) -> bool:
    return (
        dossier.supplement_request_set.exists()
        or dossier.history.filter(action="request_supplement").exists()
    )


def _refused(dossier: Dossier) -> bool:
    return (
        dossier.status == Status.REFUSED
        and dossier.history.filter(to_status=Status.REFUSED).exists()
    )


def _stopped(dossier: Dossier) -> bool:
    return (
        dossier.status == Status.STOPPED
        and dossier.history.filter(to_status=Status.STOPPED).exists()
    )


FORMS: dict[str, PaperForm] = {
    form.number: form
    for form in (
        PaperForm(
            "01",
            gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
            "tiep-nhan",
            TEMPLATES + "form_01.html",
            _received,
            gettext_lazy(
                "Hồ sơ chưa được tiếp nhận nên chưa có Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
            ),
            build_receipt,
        ),
        PaperForm(
            "02",
            gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
            "yeu-cau-bo-sung",
            TEMPLATES + "form_02.html",
            _has_supplement_request,
            gettext_lazy("Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào."),
            build_supplement,
        ),
        PaperForm(
            "03",
            gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
            "tu-choi",
            TEMPLATES + "form_03.html",
            _refused,
            gettext_lazy(
                "Hồ sơ không bị từ chối nên không có Phiếu từ chối tiếp nhận giải quyết hồ sơ."
            ),
            build_refusal,
        ),
        PaperForm(
            "04",
            gettext_lazy("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
            "xin-loi",
            TEMPLATES + "form_04.html",
            lambda dossier: apology_of(dossier) is not None,
            gettext_lazy("Hồ sơ chưa có phiếu xin lỗi (dự thảo hoặc đã gửi)."),
            build_apology,
        ),
        PaperForm(
            "05",
            gettext_lazy("Thông báo dừng giải quyết hồ sơ"),
            "dung-giai-quyet",
            TEMPLATES + "form_05.html",
            _stopped,
            gettext_lazy(
                "Hồ sơ không bị dừng giải quyết nên không có Thông báo dừng giải quyết hồ sơ."
            ),
            build_stop,
        ),
        PaperForm(
            "06",
            gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
            "kiem-soat",
            TEMPLATES + "form_06.html",
            _received,
            gettext_lazy(
                "Hồ sơ chưa được tiếp nhận nên chưa có quá trình giải quyết để kiểm soát."
            ),
            control.build_control,
        ),
    )
}


def applicable(dossier: Dossier) -> list[PaperForm]:
    """The forms that apply to ``dossier`` now, in the appendix's order."""
    return [form for form in FORMS.values() if form.applies(dossier)]


def context_for(form: PaperForm, dossier: Dossier) -> dict:
    """Everything ``form``'s template shows. Raises NotApplicable (with the reason in
    Vietnamese) when the form does not apply to the dossier."""
    if not form.applies(dossier):
        raise NotApplicable(str(form.not_applicable))
    built = form.build(dossier)
    desk = form.number in ("01", "02", "03", "06")
    agency = common.issuing_agency(dossier)
    return {
        "form": form,
        "dossier": dossier,
        "version": dossier.procedure_version,
        "agency": agency,
        "header": common.header(dossier, desk=desk),
        "place_date": f"{common.place_of(agency)}, {common.spoken_date(built.get('made_at'))}",
        "printed_at": timezone.now(),
        **common.applicant_lines(dossier),
        **built,
    }
