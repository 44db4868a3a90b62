"""The dossier's content as officers read it: the e-form as a document, the registries
that verified values, what the last supplement changed, the recorded assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog import eform
from motcua.catalog.models import Registry
from motcua.dossiers.models import Dossier, FormRevision
from motcua.dossiers.services import DECISION_STATUSES, definition_of


def verified_by(source: str | None) -> str:
    """The registry's name when a row's source is a national database (``display``
    names the source of a prefilled value); "" for a value the applicant typed or one
    from the e-ID claims, which no registry verified."""
    registries = {str(label) for label in Registry.labels}
    if source and (source in registries or source in Registry.values):
        return str(Registry(source).label) if source in Registry.values else source
    return ""


def _label_rows(rows: list[dict]) -> list[dict]:
    """Each row with ``kind`` (value, block or group) and ``verified``: the label of the
    registry its value came from."""
    labelled = []
    for row in rows:
        row = dict(row)
        row["kind"] = "value"
        if "rows" in row:
            row["kind"], row["rows"] = "block", _label_rows(row["rows"])
        if "items" in row:
            row["kind"], row["items"] = "group", [_label_rows(item) for item in row["items"]]
        row["verified"] = verified_by(row.get("source"))
        labelled.append(row)
    return labelled


def document(definition: dict, data: dict, sources: dict | None, *, decision=False) -> list[dict]:
    """``eform.display`` sections whose rows carry their registry's label."""
    sections = eform.display(definition, data or {}, sources or {}, decision=decision)
    return [{**section, "rows": _label_rows(section.get("rows", []))} for section in sections]


def revisions(dossier: Dossier) -> list[FormRevision]:
    return list(dossier.form_revisions.select_related("created_by").order_by("created_at", "pk"))


def revision_changes(definition: dict, history: list[FormRevision]) -> list[dict]:
    """Each revision with what it changed from the one before (the first: nothing)."""
    answer, before = [], None
    for revision in history:
        changes = eform.diff(definition, before.data, revision.data) if before is not None else []
        answer.append({"revision": revision, "changes": changes})
        before = revision
    return answer


def supplement_changes(definition: dict, history: list[FormRevision]) -> list[dict]:
    """What the last supplement changed in the answers ([] when it changed nothing)."""
    if len(history) < 2 or history[-1].reason != FormRevision.Reason.SUPPLEMENT:
        return []
    return eform.diff(definition, history[-2].data, history[-1].data)


@dataclass
class FormPanel:
    definition: dict[str, Any]
    title: str
    legal_form: str
    sections: list[dict]
    changes: list[dict]
    decision_fields: list[dict]
    decision: list[dict] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return any(section["rows"] for section in self.sections)


def form_panel(dossier: Dossier) -> FormPanel:
    """Everything the dossier page shows about the form and the assessment."""
    definition = definition_of(dossier)
    decision_fields = list(definition.get("decision") or [])
    decision = []
    if decision_fields and dossier.decision_data:
        decision = document(definition, dossier.decision_data, None, decision=True)
    return FormPanel(
        definition=definition,
        title=definition.get("title") or _("Tờ khai"),
        legal_form=definition.get("legal_form", ""),
        sections=document(definition, dossier.form_data, dossier.prefill_sources),
        changes=supplement_changes(definition, revisions(dossier)),
        decision_fields=decision_fields,
        decision=decision,
    )


def decision_open(dossier: Dossier) -> bool:
    """Whether the assessment may still be recorded (before the leader decides)."""
    return dossier.status in DECISION_STATUSES
