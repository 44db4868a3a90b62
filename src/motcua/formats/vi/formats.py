"""Vietnamese date and number formats (Django's FORMAT_MODULE_PATH = ["motcua.formats"]).

Dates are written day/month/year (dd/mm/yyyy), as on every Vietnamese administrative
document; Django's own ``vi`` formats show "Ngày 05 tháng 6 năm 2026" and, having no
input formats, parse 05/06/2026 as the month first (the American default). Text inputs
accept dd/mm/yyyy (and d/m/yy, dd-mm-yyyy, dd.mm.yyyy) and ISO; ``<input type="date">``
widgets render ISO values (format="%Y-%m-%d") and the browser shows them in the
visitor's locale.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 25/10/2026
    "%d/%m/%y",  # 25/10/26
    "%d-%m-%Y",  # 25-10-2026
    "%d.%m.%Y",  # 25.10.2026
    "%Y-%m-%d",  # 2026-10-25 (HTML date inputs, ISO)
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
]
