"""The e-form as a page renders it (shared by the citizen's form and the admin preview)."""

from __future__ import annotations

from motcua.catalog import eform

from . import eforms
from .eforms import registry_label


def eform_context(defn, data, *, errors=None, raw=None, sources=None, stored=None) -> dict:
    """What ``portal/_eform.html`` renders: sections of nodes and the error summary."""
    errors = dict(errors or {})
    renderer = eforms.Renderer(
        defn,
        data,
        errors=errors,
        raw=raw,
        sources=sources,
        stored=stored,
    )
    sections = renderer.sections()
    general = errors.pop("", [])
    return {
        "sections": sections,
        "summary": eforms.summary(sections, errors),
        "general_errors": general,
        "legal_form": defn.get("legal_form") or "",
        "title": defn.get("title") or "",
    }


def display_sections(defn, data, sources) -> list[dict]:
    """``eform.display`` with the sources named for a reader."""

    def named(rows):
        for row in rows:
            # The templates read ``kind`` (``row.items`` would be the dict's method).
            row["kind"] = "group" if "items" in row else "block" if "rows" in row else "value"
            row["group_items"] = row.get("items") or []
            if row.get("source"):
                row["source"] = registry_label(row["source"])
            named(row.get("rows") or [])
            for item in row.get("items") or []:
                named(item)
        return rows

    sections = eform.display(defn, data or {}, sources=sources or {})
    for section in sections:
        named(section.get("rows") or [])
    return sections
