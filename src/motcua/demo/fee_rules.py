"""Demo entries of the fee schedule, of the kinds agencies really use.

- a 50 % discount for filing online, for one calendar year;
- exemption when filing online (business registration);
- a fee set by the province (the demo province's People's Council) that differs from
  the general one, for the agencies of that province only.
"""

from __future__ import annotations

import datetime as dt

from motcua.agencies.models import Agency
from motcua.catalog.models import FeeRule, OnlineFeePolicy, Procedure

YEAR = 2026
DISCOUNT_50 = ("MC.TP.01", "MC.XC.01", "MC.GT.01", "MC.GT.02")
EXEMPT_ONLINE = ("MC.DN.01", "MC.DN.02", "MC.DN.03", "MC.DN.04")
PROVINCIAL = {"MC.HT.07": 10_000, "MC.CT.01": 15_000}


def add_demo_fee_rules(province: Agency) -> int:
    """Create the demo rules once (idempotent); returns how many were created."""
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(
            code__in=DISCOUNT_50 + EXEMPT_ONLINE + tuple(PROVINCIAL)
        ).select_related("current_version")
    }
    created = 0

    def rule(code: str, **fields) -> None:
        nonlocal created
        procedure = procedures.get(code)
        if procedure is None or procedure.current_version is None:
            return
        fields.setdefault("fee_vnd", procedure.current_version.fee_vnd)
        _, made = FeeRule.objects.get_or_create(
            procedure=procedure,
            agency=fields.pop("agency", None),
            valid_from=fields.pop("valid_from"),
            defaults=fields,
        )
        created += made

    for code in DISCOUNT_50:
        rule(
            code,
            online_policy=OnlineFeePolicy.PERCENT_DISCOUNT,
            online_value=50,
            valid_from=dt.date(YEAR, 1, 1),
            valid_until=dt.date(YEAR, 12, 31),
            legal_basis=f"Giảm 50% khi nộp hồ sơ trực tuyến đến hết 31/12/{YEAR} (dữ liệu mẫu)",
        )
    for code in EXEMPT_ONLINE:
        rule(
            code,
            online_policy=OnlineFeePolicy.EXEMPT,
            valid_from=dt.date(2025, 1, 1),
            legal_basis="Miễn lệ phí khi đăng ký qua mạng điện tử (dữ liệu mẫu)",
        )
    for code, fee in PROVINCIAL.items():
        rule(
            code,
            agency=province,
            fee_vnd=fee,
            valid_from=dt.date(2025, 7, 1),
            legal_basis=f"Nghị quyết của HĐND {province.name} (dữ liệu mẫu)",
        )
    return created
