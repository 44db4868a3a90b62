"""How sure we are of who filed an online dossier: the e-ID level of the sign-in.

Decree 69/2024/NĐ-CP Art. 9 sets two levels of electronic identification accounts
(level 2: identity verified in person against the chip ID card). A procedure may
require level 2 for online filing (``ProcedureVersion.min_assurance``); a dossier
records the level its applicant signed in with (``Dossier.identity_assurance``) when
it is submitted. The level comes from the sign-in (``accounts.citizen.eid_level``: the
identity provider's ``acr``) or, for the API, from what the caller's token proves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.models import IdentityAssurance

ASSURANCE_BY_LEVEL = {1: IdentityAssurance.EID_LEVEL1, 2: IdentityAssurance.EID_LEVEL2}


def assurance_for(level: int | None) -> str:
    """The ``IdentityAssurance`` of a sign-in at ``level``; "" when the level is unknown
    (not signed in through the identity provider)."""
    return ASSURANCE_BY_LEVEL.get(level, "")


def assurance_problem(version, level: int | None) -> str:
    """Why a sign-in at ``level`` may not file under ``version`` (Vietnamese), or ""."""
    required = version.min_assurance or 1
    # Level 1 is no requirement beyond being signed in (any sign-in may file).
    if required <= 1 or (level or 0) >= required:
        return ""
    if level:
        return _(
            "Thủ tục này yêu cầu tài khoản định danh điện tử mức độ %(required)d, nhưng bạn "
            "đang đăng nhập bằng tài khoản mức độ %(level)d. Vui lòng đăng xuất rồi đăng "
            "nhập lại bằng tài khoản VNeID mức độ 2 để nộp hồ sơ (hoặc nộp trực tiếp tại "
            "Bộ phận một cửa)."
        ) % {"required": required, "level": level}
    return _(
        "Thủ tục này yêu cầu tài khoản định danh điện tử mức độ %(required)d. Vui lòng "
        "đăng xuất rồi đăng nhập lại bằng tài khoản VNeID mức độ 2 để nộp hồ sơ (hoặc "
        "nộp trực tiếp tại Bộ phận một cửa)."
    ) % {"required": required}
