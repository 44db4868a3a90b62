"""Digitisation of paper dossiers at the one-stop desk (số hóa hồ sơ).

Decree 118/2025/NĐ-CP Art. 17(1)(c) and Circular 03/2025/TT-VPCP Art. 5: the desk scans
each paper component it receives and checks the scan against the original ("Đã số hóa,
đối chiếu bản chính"); the digitised copy is kept with the dossier and reused, so the
applicant does not hand in the same paper again. Not digitised: dossiers filed online
(their files are electronic already), papers the applicant only shows for comparison
and takes back, and secret documents.

A digitised component is an ``Attachment`` with ``digitised`` set (and when, by whom).
Each digitisation is audited (``dossier.digitise``) and announced as the dossier event
``digitised`` (data: the attachments' public ids), on which the applicant's data store
keeps a copy marked as digitised with its component's name (``datastore.receivers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.audit.services import record
from motcua.catalog.models import ProcedureComponent

from .exceptions import DossierError
from .files import add_attachment, removed_on_failure
from .models import Attachment, Channel, Dossier
from .signals import dossier_event

EVENT = "digitised"
# What a desk may digitise: a component's scan, or the scan of the whole paper dossier.
DIGITISABLE_KINDS = frozenset({Attachment.Kind.COMPONENT, Attachment.Kind.COUNTER_SCAN})


class Handling(models.TextChoices):
    """What happens to a paper component handed in at the desk (Circular 03/2025 Art. 5)."""

    KEPT = "kept", gettext_lazy("Nộp lại (lưu trong hồ sơ)")
    SHOWN = "shown", gettext_lazy("Chỉ xuất trình bản chính để đối chiếu (không lưu)")
    SECRET = "secret", gettext_lazy("Tài liệu mật (không số hóa)")


@dataclass(frozen=True)
class ComponentScan:
    """The scan of one paper component received at the desk."""

    component: ProcedureComponent
    upload: Any
    digitised: bool = False  # the desk checked the scan against the original
    handling: str = Handling.KEPT


def scan_refusal(scan: ComponentScan) -> str:
    """Why this component's scan cannot be kept or digitised (Vietnamese), or ""."""
    if scan.handling == Handling.SECRET:
        return _("“%(name)s” là tài liệu mật: không lưu bản quét và không số hóa.") % {
            "name": scan.component.name
        }
    if scan.digitised and scan.handling == Handling.SHOWN:
        return _("“%(name)s” chỉ xuất trình để đối chiếu, không lưu nên không số hóa.") % {
            "name": scan.component.name
        }
    return ""


def attach_component_scans(dossier: Dossier, scans: list[ComponentScan], *, by) -> list[Attachment]:
    """Store the scans of the paper components received with ``dossier`` (one
    transaction; no file is left when one is refused) and mark as digitised those the
    desk checked against the original. Returns the attachments.

    Raises DossierError when a scan is refused (``files.add_attachment``), is a secret
    document's, is marked digitised for a paper only shown, when the component is not
    one of the dossier's procedure, or when the dossier was filed online.
    """
    if not scans:
        return []
    now = timezone.now()
    with removed_on_failure() as stored, transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        digitised = []
        for scan in scans:
            refusal = scan_refusal(scan)
            if refusal:
                raise DossierError(refusal, code="not_digitisable")
            if scan.component.version_id != locked.procedure_version_id:
                raise DossierError(
                    _("Thành phần hồ sơ không thuộc thủ tục của hồ sơ này."), code="component"
                )
            if scan.digitised:
                _check_channel(locked)
            attachment = add_attachment(
                locked,
                scan.upload,
                kind=Attachment.Kind.COMPONENT,
                by=by,
                component=scan.component,
                name=getattr(scan.upload, "name", "") or scan.component.name,
                digitised_at=now if scan.digitised else None,
                digitised_by=by,
            )
            stored.append(attachment)
            if scan.digitised:
                digitised.append(attachment)
        if digitised:
            _digitised(locked, digitised, by, now)
        return list(stored)


@transaction.atomic
def mark_digitised(dossier: Dossier, attachment_id, *, by, component_id=None) -> Attachment:
    """Mark a scan kept with a paper dossier as digitised and checked against the
    original, later than at intake (audited ``dossier.digitise``). ``component_id``
    names the component a whole-dossier scan is (when it has none yet).

    The caller has checked the officer's right (``backoffice.scope``). Raises
    Attachment.DoesNotExist when the file is not one of the dossier's; DossierError when
    the dossier was filed online, the file is not a desk scan, is digitised already, or
    the component is not one of the procedure's.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    attachment = Attachment.objects.select_for_update().get(dossier=locked, public_id=attachment_id)
    _check_channel(locked)
    if attachment.kind not in DIGITISABLE_KINDS or attachment.source != Attachment.Source.UPLOAD:
        raise DossierError(
            _("Chỉ số hóa được bản quét giấy tờ do Bộ phận một cửa tiếp nhận."),
            code="not_digitisable",
        )
    if attachment.digitised:
        raise DossierError(
            _("Tệp “%(name)s” đã được số hóa trước đó.") % {"name": attachment.original_name},
            code="already_digitised",
        )
    if component_id and attachment.component_id is None:
        component = ProcedureComponent.objects.filter(
            pk=component_id, version_id=locked.procedure_version_id
        ).first()
        if component is None:
            raise DossierError(
                _("Thành phần hồ sơ không thuộc thủ tục của hồ sơ này."), code="component"
            )
        attachment.component = component
    now = timezone.now()
    attachment.digitised, attachment.digitised_at, attachment.digitised_by = True, now, by
    attachment.save(update_fields=["component", "digitised", "digitised_at", "digitised_by"])
    _digitised(locked, [attachment], by, now)
    return attachment


def digitisable(dossier: Dossier, attachment: Attachment) -> bool:
    """Whether the desk may still mark ``attachment`` as digitised (for the page)."""
    return (
        dossier.channel != Channel.ONLINE
        and attachment.kind in DIGITISABLE_KINDS
        and attachment.source == Attachment.Source.UPLOAD
        and not attachment.digitised
    )


def _check_channel(dossier: Dossier) -> None:
    if dossier.channel == Channel.ONLINE:
        raise DossierError(
            _("Hồ sơ nộp trực tuyến đã là hồ sơ điện tử, không cần số hóa."),
            code="online_dossier",
        )


def _digitised(dossier: Dossier, attachments: list[Attachment], by, at) -> None:
    """Audit the digitisation (last write of the transaction), then tell the listeners."""
    record(
        "dossier.digitise",
        actor=by,
        obj=dossier,
        data={
            "code": dossier.code,
            "attachments": [
                {"sha256": a.sha256, "component": a.component.name if a.component else ""}
                for a in attachments
            ],
        },
    )
    dossier_event.send(
        sender=Dossier,
        dossier=dossier,
        event=EVENT,
        from_status=dossier.status,
        to_status=dossier.status,
        actor=by,
        at=at,
        data={"attachments": [str(a.public_id) for a in attachments]},
    )
