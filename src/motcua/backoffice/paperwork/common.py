"""What every official form shares: the header, the place and date line, spoken times,
officers' names, the register number (Circular 03/2025/TT-VPCP, Appendix I)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers.models import Dossier, Status

PROVINCE_KINDS = (Agency.Kind.PROVINCE, Agency.Kind.CITY)
PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "TP. ")
DOTS = "……"


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment is not None else None


def spoken_date(day: dt.date | dt.datetime | None) -> str:
    """``ngày 05 tháng 12 năm 2026`` (the date as the forms write it); dots when unknown."""
    if day is None:
        return _("ngày …… tháng …… năm ……")
    if isinstance(day, dt.datetime):
        day = local(day).date()
    return _("ngày %(d)02d tháng %(m)02d năm %(y)d") % {"d": day.day, "m": day.month, "y": day.year}


def spoken_moment(moment: dt.datetime | None) -> str:
    """``08 giờ 30 phút, ngày 05 tháng 12 năm 2026``."""
    if moment is None:
        return _("…… giờ …… phút, ") + spoken_date(None)
    moment = local(moment)
    return _("%(h)02d giờ %(m)02d phút, ") % {"h": moment.hour, "m": moment.minute} + spoken_date(
        moment
    )


def place_of(agency: Agency) -> str:
    """Where a form is made: the province or city the agency lies in ("Bắc Ninh"), else
    the agency's own name."""
    node, seen = agency, set()
    while node is not None and node.pk not in seen:
        if node.kind in PROVINCE_KINDS:
            name = node.name
            for prefix in PLACE_PREFIXES:
                if name.startswith(prefix):
                    return name[len(prefix) :]
            return name
        seen.add(node.pk)
        node = node.parent
    return agency.name


def issuing_agency(dossier: Dossier) -> Agency:
    return dossier.agency.home_agency


COMMITTEE_KINDS = (Agency.Kind.COMMUNE, Agency.Kind.PROVINCE, Agency.Kind.CITY)


def authority_name(agency: Agency, *, short: bool = False) -> str:
    """The agency as a document's header names it, in capitals: a commune's, province's
    or city's People's Committee ("UBND PHƯỜNG KINH BẮC" when ``short``), else its name."""
    if agency.kind in COMMITTEE_KINDS:
        committee = _("UBND") if short else _("ỦY BAN NHÂN DÂN")
        return f"{committee} {agency.name.upper()}"
    return agency.name.upper()


def header(dossier: Dossier, *, desk: bool) -> list[str]:
    """The two lines top left (Decree 30/2020/NĐ-CP, Appendix I: the governing body above
    the issuing one): the agency and its one-stop desk for a slip the desk hands over;
    the agency above and the agency for a letter the agency signs (a People's Committee
    names itself on two lines)."""
    agency = issuing_agency(dossier)
    if desk:
        return [authority_name(agency, short=True), _("BỘ PHẬN MỘT CỬA")]
    if agency.kind in COMMITTEE_KINDS:
        return [_("ỦY BAN NHÂN DÂN"), agency.name.upper()]
    parent = agency.parent
    return [authority_name(parent, short=True) if parent is not None else "", agency.name.upper()]


def person_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.username


def first_change(dossier: Dossier, **filters):
    return dossier.history.filter(**filters).select_related("actor").order_by("at", "pk").first()


def last_change(dossier: Dossier, **filters):
    return dossier.history.filter(**filters).select_related("actor").order_by("-at", "-pk").first()


def register_entry(dossier: Dossier) -> tuple[int, int] | None:
    """(book, number) of the dossier in its agency's one-stop register (form 07): one book
    per calendar year, numbered in the order of receipt. None before receipt."""
    received = local(dossier.received_at)
    if received is None:
        return None
    year_start = timezone.make_aware(dt.datetime(received.year, 1, 1))
    earlier = (
        Dossier.objects.filter(
            agency_id=dossier.agency_id,
            received_at__gte=year_start,
            received_at__lte=dossier.received_at,
        )
        .exclude(status=Status.DRAFT)
        .exclude(received_at=dossier.received_at, pk__gt=dossier.pk)
        .count()
    )
    return received.year, earlier


def timeliness(finished: dt.datetime | dt.date | None, due: dt.date | None) -> str:
    """ "Trước hạn", "Đúng hạn" or "Quá hạn" (form 06's result column); empty when unknown."""
    if finished is None or due is None:
        return ""
    day = local(finished).date() if isinstance(finished, dt.datetime) else finished
    if day < due:
        return _("Trước hạn")
    if day == due:
        return _("Đúng hạn")
    return _("Quá hạn")


def applicant_lines(dossier: Dossier) -> dict:
    """Who the form is about: name, masked identity number, address, phone, e-mail."""
    from motcua.accounts.models import mask_identifier

    applicant = dossier.applicant
    return {
        "applicant": applicant,
        "masked_id": mask_identifier(applicant.personal_id or applicant.tax_code),
        "is_business": applicant.kind == applicant.Kind.BUSINESS,
    }
