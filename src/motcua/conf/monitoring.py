"""Settings for monitoring (read from the environment).

The scoring weights live here and nowhere else; ``docs/INDICATORS.md`` explains
each one and which of them come from Decision 766/QĐ-TTg and which are ours.
"""

import json

from motcua.conf.env import env_int, env_str

# Points of the composite service-quality score (out of 100), per indicator.
# Group totals follow Decision 766/QĐ-TTg (2022): transparency 18, timeliness 20,
# digitisation 22, online service 22, satisfaction 18. The split inside a group is
# ours. Transparency (publication of procedures and of dossier status on the national
# portal) is not measured by this platform: its 18 points are left out and the score
# is scaled to 100 over the points that could be measured for the agency.
MOTCUA_KPI_WEIGHTS = {
    "on_time_rate": 20,  # timeliness (tiến độ, kết quả giải quyết)
    "e_result_share": 11,  # digitisation (số hóa hồ sơ, kết quả)
    "reuse_share": 11,
    "eligible_full_online_share": 6,  # online service (cung cấp dịch vụ trực tuyến)
    "online_dossier_share": 8,
    "online_payment_share": 8,
    "satisfied_share": 18,  # satisfaction (mức độ hài lòng)
}
_kpi_weights = env_str(
    "MOTCUA_KPI_WEIGHTS",
    "",
    "A JSON object {indicator: points} replacing the score's weights (docs/INDICATORS.md).",
    doc_default="the table in motcua/conf/monitoring.py",
)
if _kpi_weights:
    # A JSON object {indicator: points} replacing the table above (a deployment's own).
    MOTCUA_KPI_WEIGHTS = json.loads(_kpi_weights)

# Lowest score of each grade, best first (the 2024 national rating of information systems).
MOTCUA_KPI_GRADES = [("A", 90), ("B", 80), ("C", 65), ("D", 50), ("E", 0)]

# A rating at or above this score (1–5) counts as satisfied.
MOTCUA_KPI_SATISFIED_MIN_SCORE = env_int(
    "MOTCUA_KPI_SATISFIED_MIN_SCORE", "4", "A rating (1-5) at or above this counts as satisfied."
)

# The sender of the scheduled monthly report (``motcua send_monthly_reports``).
MOTCUA_REPORT_FROM_EMAIL = env_str(
    "MOTCUA_REPORT_FROM_EMAIL",
    "giamsat@motcua.example",
    "The sender of the scheduled monthly report (send_monthly_reports).",
)
