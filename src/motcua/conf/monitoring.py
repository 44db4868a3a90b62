"""Settings for monitoring (read from the environment); docs/INDICATORS.md explains them."""

import json

from motcua.conf.env import env_int, env_str

# The national indicator set is in monitoring/national/formulas.py (dated versions of
# Decision 766/QĐ-TTg's points and the national portal's scoring; docs/INDICATORS.md).
MOTCUA_KPI_FORMULA = env_str(
    "MOTCUA_KPI_FORMULA",
    "",
    "The formula version used by default (qd766-2022, dvcqg-2026); empty: the one in force "
    "at the period's end.",
)
# Fewer dossiers than this in a period: the agency (or a dossier indicator) shows
# "chưa đủ dữ liệu", is not graded and ranks after the graded agencies.
MOTCUA_KPI_MIN_DOSSIERS = env_int(
    "MOTCUA_KPI_MIN_DOSSIERS",
    "5",
    "Fewer dossiers than this in a period: not graded (chưa đủ dữ liệu).",
)

# Lowest score of each grade, best first: the Ministry's 2024 rating of information
# systems (seed 002), not a scale of Decision 766. A deployment may replace it with a
# JSON list [["A", 90], ...] in the variable of the same name.
MOTCUA_KPI_GRADES = [("A", 90), ("B", 80), ("C", 65), ("D", 50), ("E", 0)]
_kpi_grades = env_str(
    "MOTCUA_KPI_GRADES",
    "",
    "A JSON list [[grade, lowest score], ...], best first, replacing the A-E scale.",
    doc_default="A 90, B 80, C 65, D 50, E 0",
)
if _kpi_grades:
    MOTCUA_KPI_GRADES = [(str(g), float(m)) for g, m in json.loads(_kpi_grades)]

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
