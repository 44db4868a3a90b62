"""The public face of ``monitoring``: what another app may use of it. Keep it small.

The national view (``federation``) ranks several instances' agencies with exactly the
formulas an instance uses for its own, so it takes them from here: the reporting
periods, the per-dossier facts and how they add up, the indicator figures, the
ranking, and the ranking table with its Excel export. Nothing else of monitoring is
imported by another app (``tests/test_architecture.py``).
"""

from .facts import (
    RESULT_STATUSES,
    SETTLED_STATUSES,
    Fact,
    add_counts,
    contributions,
    counter_difference,
    net_processing_days,
    outcome_of,
)
from .indicators import Figures
from .models import COUNTERS, Outcome
from .periods import Period, PeriodError, last_month, parse
from .selectors import RankRow, rank
from .tree import AgencyRow

__all__ = [
    "COUNTERS",
    "RESULT_STATUSES",
    "SETTLED_STATUSES",
    "AgencyRow",
    "Fact",
    "Figures",
    "Outcome",
    "Period",
    "PeriodError",
    "RankRow",
    "add_counts",
    "contributions",
    "counter_difference",
    "last_month",
    "net_processing_days",
    "outcome_of",
    "parse",
    "rank",
    "ranking_table",
    "workbook",
]


# The ranking table and its Excel export load the dashboards and openpyxl (~0.2 s):
# imported when first used, not by every process that loads federation's models.
def ranking_table(*args, **kwargs):
    """``monitoring.dashboards.ranking_table``."""
    from .dashboards import ranking_table as build

    return build(*args, **kwargs)


def workbook(*args, **kwargs) -> bytes:
    """``monitoring.exports.workbook``: the tables as an Excel file (text stays text)."""
    from .exports import workbook as build

    return build(*args, **kwargs)
