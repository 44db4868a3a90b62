"""Import and export the procedure catalogue as CSV or XLSX.

The columns are those of ``procedures.csv`` (see the shared data README)::

    code,name,sector,level,authority,days,fee_vnd,online,partial_reason,
    components,reuses,result

plus the optional ``online_fee_policy`` (none|percent|exempt|fixed),
``online_fee_value``, ``description`` and ``time_unit``: what ``days`` counts
(``gio_lam_viec``, ``ngay_lam_viec``, ``ngay``, ``thang`` — working hours, working days,
calendar days, months; absent or empty: working days). ``components`` and ``reuses``
are ``|``-separated.

An import is all-or-nothing: every row is checked first and every problem is
reported (line number, code, reason) in one ``ImportErrors``; only a clean file
is written, in one transaction, through ``services.save_procedure``. Importing
the same file again changes nothing, and ``export_procedures`` writes a file
that imports back with no change.

What the file does not describe (the e-form, the internal process, the
supplement period, the registry of a component, the agencies) is kept from the
current version when a row creates a new version of an existing procedure. The
e-form of a procedure modelled in ``forms_library`` (the real tờ khai) replaces
the generic default form; a form an administrator customised is kept.

The work is shared out: ``import_file`` reads the file into rows, ``import_checks``
checks them, this module writes them, and ``exporting`` writes the catalogue out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from . import forms_library, services
from .eform import upgrade
from .exporting import export_procedures
from .formschema import default_schema
from .import_checks import parse_row, parse_rows
from .import_file import COLUMNS, ImportErrors, Row, read_rows
from .models import Procedure
from .services import ProcedureData, default_steps

# What the tests import from here, though defined in the modules above.
__all__ = [
    "COLUMNS",
    "ImportErrors",
    "ImportReport",
    "Row",
    "export_procedures",
    "import_procedures",
    "parse_row",
    "read_rows",
]


@dataclass
class ImportReport:
    """The codes of the procedures an import created, gave a new version, or left unchanged."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.new_versions) + len(self.unchanged)

    def summary(self) -> str:
        return _(
            "%(total)d thủ tục: %(created)d mới, %(new)d phiên bản mới, %(unchanged)d không đổi"
        ) % {
            "total": self.total,
            "created": len(self.created),
            "new": len(self.new_versions),
            "unchanged": len(self.unchanged),
        }


# Importing ----------------------------------------------------------------------------


def import_procedures(path: str | Path, by=None) -> ImportReport:
    """Import a CSV or XLSX catalogue file, all or nothing.

    Raises ImportErrors, having written nothing, when any row is invalid.
    """
    procedures = parse_rows(read_rows(path))
    report = ImportReport()
    with transaction.atomic():
        existing = {
            procedure.code: procedure
            for procedure in Procedure.objects.filter(
                code__in=[data.code for data in procedures]
            ).select_related("current_version")
        }
        for data in procedures:
            procedure = existing.get(data.code)
            current = procedure.current_version if procedure else None
            library_form = forms_library.definition_for(data.code)
            if library_form is not None:
                data.form_schema = library_form
            if current is not None:
                _keep_what_the_file_does_not_describe(data, current)
            version, created = services.save_procedure(data, by=by)
            if not created:
                report.unchanged.append(data.code)
                continue
            if procedure is None:
                report.created.append(data.code)
            else:
                report.new_versions.append(data.code)
    return report


def _keep_what_the_file_does_not_describe(data: ProcedureData, current) -> None:
    """Carry over from ``current`` what an administrator may have set and the file cannot say.

    The e-form and the internal process are kept only when they were customised;
    when they are still the defaults they follow the file (data sources, days).
    """
    data.supplement_days = current.supplement_days
    if _same_lines(current.description, data.description):
        data.description = current.description  # XLSX turns CRLF (from a browser) into LF
    data.close_when_supplement_expires = current.close_when_supplement_expires
    data.supplement_requests_allowed = current.supplement_requests_allowed
    data.min_assurance = current.min_assurance
    if upgrade(current.form_schema) != default_schema(current.data_sources):
        data.form_schema = current.form_schema
    steps = [(s.name, s.role, Decimal(s.days)) for s in current.steps.order_by("position")]
    defaults = [(n, str(r), Decimal(d)) for n, r, d in default_steps(current.processing_days)]
    if steps != defaults:
        data.steps = steps
    registries = {c.name: c.registry for c in current.components.all()}
    data.components = [
        (name, registry or registries.get(name, "")) for name, registry in data.components
    ]


def _same_lines(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
