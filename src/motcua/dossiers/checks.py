"""Startup checks of the dossier settings (``manage.py check`` and every server start)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.checks import Error, register

CODE_MAX_LENGTH = 64  # Dossier.code


@register()
def check_code_format(app_configs=None, **kwargs) -> list[Error]:
    """``MOTCUA_DOSSIER_CODE_FORMAT`` and ``MOTCUA_SYSTEM_CODE`` give usable codes.

    The format must accept ``agency``, ``date``, ``system`` and ``seq`` and nothing
    else, contain the sequence (codes must differ within a day) and the date, and give
    a code without spaces that fits the column; the system part is empty or two digits
    (Circular 04/2025/TT-VPCP).
    """
    errors = []
    system = settings.MOTCUA_SYSTEM_CODE
    if system and not re.fullmatch(r"\d{2}", system):
        errors.append(
            Error(
                f"MOTCUA_SYSTEM_CODE must be empty or two digits, not {system!r}.",
                hint="Circular 04/2025/TT-VPCP: two digits for a nationally centralised system.",
                id="dossiers.E001",
            )
        )
    if not system and getattr(settings, "MOTCUA_EXCHANGE_ROLE", "off") == "national":
        # The portal gives the national code of every dossier filed there, including
        # those a province settles: without its system part they would be the codes the
        # province gives its own dossiers of the same agency and day.
        errors.append(
            Error(
                "MOTCUA_SYSTEM_CODE must be set (two digits) on the national front door "
                "(MOTCUA_EXCHANGE_ROLE=national).",
                hint="Circular 04/2025/TT-VPCP: two digits for a nationally centralised "
                "system; otherwise its codes collide with the provinces' codes.",
                id="dossiers.E005",
            )
        )
    fmt = settings.MOTCUA_DOSSIER_CODE_FORMAT
    sample = dict(agency="000.00.31.H29", system=system, date=dt.date(2026, 12, 31))
    try:
        first = fmt.format(seq=1, **sample)
        second = fmt.format(seq=99999, **sample)
        other_day = fmt.format(seq=1, **{**sample, "date": dt.date(2026, 1, 2)})
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        return [
            *errors,
            Error(
                f"MOTCUA_DOSSIER_CODE_FORMAT {fmt!r} cannot be formatted: {exc!r}.",
                hint="Use only {agency}, {date:%y%m%d}, {system} and {seq:04d}.",
                id="dossiers.E002",
            ),
        ]
    if first == second or first == other_day:
        errors.append(
            Error(
                f"MOTCUA_DOSSIER_CODE_FORMAT {fmt!r} must contain {{seq}} and {{date}}.",
                id="dossiers.E003",
            )
        )
    if re.search(r"\s", second) or len(second) > CODE_MAX_LENGTH - 10:
        errors.append(
            Error(
                f"MOTCUA_DOSSIER_CODE_FORMAT {fmt!r} gives codes with spaces or too long.",
                id="dossiers.E004",
            )
        )
    return errors
