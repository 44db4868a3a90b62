"""Online-only procedures at the counter: the one-stop desk refuses their paper dossiers.

A rule (``catalog.OnlineOnlyRule``, kept in the admin) makes a procedure online-only
everywhere or in an agency and every unit below it, from a date (REGULATIONS.md, "Other
obligations": some services are received online only). Counter intake
(``services.receive_at_counter``) calls ``check_counter_intake``; the citizen is guided
to file online, or to an assisted-filing agent, whose dossiers are online ones and are
accepted (``motcua.assisted``; docs/ASSISTED.md).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import online_only

from .exceptions import DossierError


class OnlineOnly(DossierError):
    """The procedure is received online only at this agency on this day."""


def check_counter_intake(
    version: ProcedureVersion, agency: Agency, on_date: dt.date | None = None
) -> None:
    """Refuse a paper dossier of an online-only procedure at ``agency``.

    Raises OnlineOnly (a DossierError, with the Vietnamese message the desk shows as a
    form error) when a rule is in force on ``on_date`` (default: today).
    """
    on_date = on_date or timezone.localdate()
    rule = online_only(version.procedure, agency, on_date)
    if rule is None:
        return
    raise OnlineOnly(
        _(
            "Thủ tục này chỉ tiếp nhận hồ sơ trực tuyến từ ngày %(date)s; đề nghị hướng dẫn "
            "công dân nộp trực tuyến hoặc nộp hộ qua nhân viên hỗ trợ."
        )
        % {"date": rule.valid_from.strftime("%d/%m/%Y")},
        code="online_only",
    )
