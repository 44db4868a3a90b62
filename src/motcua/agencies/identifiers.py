"""Official electronic identifiers of agencies (mã định danh điện tử).

Decision 20/2020/QĐ-TTg of 22 July 2020 (mã định danh điện tử của các cơ quan, tổ chức
phục vụ kết nối, chia sẻ dữ liệu với các bộ, ngành, địa phương) gives every agency an
identifier of four levels written from the lowest to the highest, separated by dots::

    C4.C3.C2.C1      e.g. 000.00.00.H30   (level 1: a provincial People's Committee)
                          000.00.31.H29   (level 2: a department under province H29)
                          000.01.31.H29   (level 3), 001.01.31.H29 (level 4)

* ``C1`` (level 1): one capital letter for the group of agencies (ministries and
  central agencies, provinces, …) and two digits — ``Hxx`` for the provinces;
* ``C2`` (level 2) and ``C3`` (level 3): two digits each;
* ``C4`` (level 4): three digits.

Zeros in a level mean the agency sits above it: ``000.00.00.H30`` is the level-1
agency itself. An agency below level n carries the code of its parent at every level
above: a level-3 agency has non-zero ``C2`` and ``C3``. The letters assigned to each
group and the codes of each province are published with the Decision and its
amendments; MotCua checks the structure only and imports the identifiers when they
are given (``load_agencies --identifiers``, docs/ONE_STOP.md). The identifier is the
agency part of the national dossier code (Circular 01/2018/TT-VPCP Art. 19).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IDENTIFIER_RE = re.compile(r"^(?P<c4>\d{3})\.(?P<c3>\d{2})\.(?P<c2>\d{2})\.(?P<c1>[A-Z]\d{2})$")


def level_of(identifier: str) -> int:
    """The level (1–4) of a well-formed identifier: the lowest level that is not zero."""
    match = IDENTIFIER_RE.match(identifier)
    if match is None:
        raise ValueError(identifier)
    if int(match["c4"]):
        return 4
    if int(match["c3"]):
        return 3
    return 2 if int(match["c2"]) else 1


def identifier_problem(identifier: str) -> str:
    """Why ``identifier`` is not a well-formed identifier (Vietnamese), or "" when it is."""
    match = IDENTIFIER_RE.match(identifier or "")
    if match is None:
        return _(
            "Mã định danh điện tử phải có dạng 000.00.00.H00 (cấp 4.cấp 3.cấp 2.cấp 1 theo "
            "Quyết định 20/2020/QĐ-TTg): ba chữ số, hai chữ số, hai chữ số và một chữ cái "
            "in hoa kèm hai chữ số."
        )
    c4, c3, c2 = int(match["c4"]), int(match["c3"]), int(match["c2"])
    if (c4 and not c3) or (c3 and not c2):
        return _(
            "Mã định danh điện tử không hợp lệ: một cơ quan cấp dưới phải mang mã của cơ "
            "quan cấp trên ở mọi cấp (không được có cấp 0 xen giữa)."
        )
    return ""


def validate_identifier(identifier: str) -> None:
    """Raise ValidationError unless ``identifier`` is well formed (see the module)."""
    problem = identifier_problem(identifier)
    if problem:
        raise ValidationError(problem, code="bad_identifier")


def parent_identifier(identifier: str) -> str | None:
    """The identifier of the level above (``000.00.31.H29`` → ``000.00.00.H29``)."""
    level = level_of(identifier)
    if level == 1:
        return None
    c4, c3, c2, c1 = identifier.split(".")
    parts = [c4, c3, c2]
    parts[4 - level] = "0" * len(parts[4 - level])
    return ".".join([*parts, c1])
