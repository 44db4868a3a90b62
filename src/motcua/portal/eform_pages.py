"""The e-form as a page renders it (shared by the citizen's form and the admin preview)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog import eform

from .eforms import (
    AUTOCOMPLETE,
    SEP,
    _children,
    _leaves,
    condition_holds,
    dmy,
    field_id,
    html_name,
    locked_fields,
    money_text,
    number_text,
    registry_label,
)


def eform_context(defn, data, *, errors=None, raw=None, sources=None, stored=None) -> dict:
    """What ``portal/_eform.html`` renders: sections of nodes and the error summary."""
    errors = dict(errors or {})
    renderer = Renderer(
        defn,
        data,
        errors=errors,
        raw=raw,
        sources=sources,
        stored=stored,
    )
    sections = renderer.sections()
    general = errors.pop("", [])
    entries = summary(sections, errors)
    return {
        "sections": sections,
        "summary": entries,
        "general_errors": general,
        "error_count": len(entries) + len(general),
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


# --- Nodes for the templates -------------------------------------------------------------


def codelist_choices(spec: dict) -> list[tuple[str, str]]:
    if spec.get("codelist"):
        return [(str(v), str(lbl)) for v, lbl in eform.codelist(spec["codelist"])]
    return [(str(v), str(lbl)) for v, lbl in spec.get("choices") or []]


class Renderer:
    """Builds the nodes of a definition for the given data, errors and locked values."""

    def __init__(
        self,
        defn: dict,
        data: dict | None = None,
        *,
        errors: dict | None = None,
        raw: dict | None = None,
        sources: dict | None = None,
        stored: dict | None = None,
    ):
        self.defn = defn
        self.data = data or {}
        self.errors = errors or {}
        self.raw = raw or {}
        self.locked = locked_fields(stored if stored is not None else self.data, sources)
        self._commune_cache: dict[str, list[str]] = {}
        self.leaves = _leaves(defn)

    def _communes(self, province: Any) -> list[str]:
        """The communes loaded under ``province`` (the address block's commune list)."""
        if not isinstance(province, str) or not province:
            return []
        if province not in self._commune_cache:
            self._commune_cache[province] = list(eform.communes(province))
        return self._commune_cache[province]

    def sections(self) -> list[dict]:
        sections = []
        for index, section in enumerate(self.defn.get("sections") or [], start=1):
            sections.append(
                {
                    "key": section.get("key") or f"s{index}",
                    "title": section.get("title") or "",
                    "help": section.get("help") or "",
                    "nodes": [
                        self.node(spec, spec["name"], spec["name"], None)
                        for spec in section.get("fields") or []
                    ],
                }
            )
        return sections

    def _when(self, spec: dict, path: str, item_prefix: str | None, scope: dict | None) -> dict:
        when = spec.get("when")
        if not when:
            return {}
        name = when.get("field", "")
        in_item = item_prefix is not None and scope is not None and self._is_sibling(spec, name)
        controller = f"{item_prefix}.{name}" if in_item else name
        attrs = {"name": html_name(controller)}
        if "equals" in when:
            attrs["equals"] = json.dumps(when["equals"], ensure_ascii=False)
        elif "in" in when:
            attrs["in"] = json.dumps(when.get("in") or [], ensure_ascii=False)
        elif when.get("filled"):
            attrs["filled"] = "1"
        return attrs

    def _is_sibling(self, spec: dict, name: str) -> bool:
        head = name.split(".")[0]
        for group in self.defn.get("sections") or []:
            for top in group.get("fields") or []:
                if top.get("type") == "group" and spec in (top.get("fields") or []):
                    return any(f.get("name") == head for f in top["fields"])
        return False

    def node(self, spec: dict, path: str, pattern: str, item_prefix: str | None, scope=None):
        kind = spec.get("type", "text")
        label = spec.get("label") or spec.get("name")
        base = {
            "path": path,
            "name": html_name(path),
            "id": field_id(path),
            "label": label,
            "help": spec.get("help") or "",
            "required": bool(spec.get("required")),
            "errors": self.errors.get(path, []),
            "type": kind,
            "width": spec.get("width") or "",
        }
        when = self._when(spec, path, item_prefix, scope)
        if when:
            base["when"] = when
            base["hidden"] = not condition_holds(spec.get("when"), self.data, scope)
        if kind == "group":
            return self._group(spec, base, path, pattern)
        if kind in ("person", "address"):
            base["kind"] = kind
            base["children"] = [
                self.node(child, f"{path}.{name}", f"{pattern}.{name}", item_prefix, scope)
                for name, child in _children(self.leaves, pattern, spec)
            ]
            if path in self.locked:  # a verified address: every part read-only
                for child in base["children"]:
                    child["locked"] = True
                    child["source_label"] = registry_label(self.locked[path])
            base["locked_all"] = all(c.get("locked") for c in base["children"])
            return base
        return self._scalar(spec, base, path)

    def _group(self, spec: dict, base: dict, path: str, pattern: str) -> dict:
        items_data = list(eform.get_path(self.data, path) or [])
        shown = max(len(items_data), eform.group_min_items(spec))
        item_label = spec.get("item_label") or _("Mục")
        limit = int(spec.get("max_items") or 20)
        items = []
        for index in range(shown):
            scope = items_data[index] if index < len(items_data) else {}
            prefix = f"{path}.{index}"
            items.append(
                {
                    "index": index,
                    "number": index + 1,
                    "id": field_id(prefix),
                    "legend": f"{item_label} {index + 1}",
                    "remove": f"remove:{prefix}",
                    "removable": shown > eform.group_min_items(spec),
                    "children": [
                        self.node(
                            child,
                            f"{prefix}.{name}",
                            f"{pattern}[].{name}",
                            prefix,
                            scope if isinstance(scope, dict) else {},
                        )
                        for name, child in _children(self.leaves, pattern, spec)
                    ],
                }
            )
        base.update(
            {
                "kind": "group",
                "items": items,
                "count": shown,
                "count_name": html_name(path) + SEP + "count",
                "add": f"add:{path}",
                "add_label": _("Thêm %(item)s") % {"item": item_label.lower()},
                "can_add": shown < limit,
                "item_label": item_label,
            }
        )
        return base

    def _scalar(self, spec: dict, base: dict, path: str) -> dict:
        kind = spec.get("type", "text")
        value = eform.get_path(self.data, path)
        if path in self.raw:
            text = self.raw[path]
        elif kind == "date":
            text = dmy(value)
        elif kind == "money":
            text = money_text(value)
        elif kind == "number":
            text = number_text(value)
        elif kind == "yesno":
            text = "" if value is None else ("true" if value else "false")
        elif kind in ("checkboxes", "checkbox"):
            text = ""
        else:
            text = "" if value is None else str(value)
        base.update({"value": text, "kind": "input", "input_type": "text"})
        name = spec.get("name") or ""
        if name in AUTOCOMPLETE:
            base["autocomplete"] = AUTOCOMPLETE[name]
        if path in self.locked:
            base["locked"] = True
            base["source_label"] = registry_label(self.locked[path])
        if kind == "textarea":
            base["kind"] = "textarea"
        elif kind == "date":
            base.update({"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})
            base["autocomplete"] = base.get("autocomplete") or "off"
        elif kind == "money":
            base.update({"inputmode": "numeric", "suffix": _("đồng")})
        elif kind == "number":
            base.update({"inputmode": "decimal"})
        elif kind == "email":
            base.update({"input_type": "email", "autocomplete": "email"})
        elif kind == "phone":
            base.update({"input_type": "tel", "inputmode": "tel", "autocomplete": "tel"})
        if spec.get("address_part") == "commune":
            block = path.rsplit(".", 1)[0]
            base["commune_of"] = html_name(block)
            base["autocomplete"] = "address-level2"
            names = self._communes(eform.get_path(self.data, block + ".province"))
            if names:
                base["kind"] = "select"
                base["choices"] = [{"value": c, "label": c, "selected": c == text} for c in names]
                if text and text not in names:
                    base["choices"].insert(0, {"value": text, "label": text, "selected": True})
            return _described(base)
        if spec.get("address_part") == "province":
            base["province_of"] = html_name(path.rsplit(".", 1)[0])
            base["autocomplete"] = "address-level1"
        elif spec.get("address_part") == "detail":
            base["autocomplete"] = "street-address"
        if kind in ("select", "radio", "checkboxes"):
            choices = codelist_choices(spec)
            selected = set(value or []) if kind == "checkboxes" else {text}
            base["choices"] = [
                {"value": v, "label": lbl, "selected": v in selected, "id": f"{base['id']}_{i}"}
                for i, (v, lbl) in enumerate(choices)
            ]
            base["kind"] = "select" if kind == "select" else "choices"
            base["multiple"] = kind == "checkboxes"
        elif kind == "yesno":
            base["kind"] = "choices"
            base["choices"] = [
                {"value": "true", "label": _("Có"), "selected": text == "true"},
                {"value": "false", "label": _("Không"), "selected": text == "false"},
            ]
            for i, choice in enumerate(base["choices"]):
                choice["id"] = f"{base['id']}_{i}"
        elif kind == "checkbox":
            base["kind"] = "checkbox"
            base["checked"] = bool(value)
        return _described(base)


def _described(node: dict) -> dict:
    """The ids that describe an input: its hint, its registry badge, its errors."""
    ids = []
    if node.get("help"):
        ids.append(node["id"] + "_help")
    if node.get("locked"):
        ids.append(node["id"] + "_source")
    if node.get("errors"):
        ids.append(node["id"] + "_error")
    node["describedby"] = " ".join(ids)
    return node


def summary(nodes_sections: list[dict], errors: dict[str, list[str]]) -> list[dict]:
    """The error summary at the top: one link per field in error, in the form's order."""
    labels = {}

    def walk(node, prefix_label=""):
        label = f"{prefix_label} – {node['label']}" if prefix_label else node["label"]
        labels[node["path"]] = (label, node["id"])
        for child in node.get("children") or []:
            walk(child, label)
        for item in node.get("items") or []:
            labels[f"{node['path']}.{item['index']}"] = (
                f"{label} – {item['legend']}",
                item["id"],
            )
            for child in item["children"]:
                walk(child, f"{label} – {item['legend']}")

    for section in nodes_sections:
        for node in section["nodes"]:
            walk(node)
    entries = []
    order = list(labels)
    for path in sorted(errors, key=lambda p: order.index(p) if p in order else len(order)):
        label, anchor = labels.get(path, ("", ""))
        for message in errors[path]:
            entries.append({"label": label, "anchor": anchor, "message": message})
    return entries


def problems(defn: dict, data: dict, errors: dict[str, list[str]]) -> list[str]:
    """Errors by path as sentences (label: message) for the submission check."""
    entries = summary(Renderer(defn, data).sections(), errors)
    out = []
    for entry in entries:
        label, message = entry["label"], entry["message"]
        out.append(message if not label or label in message else f"{label}: {message}")
    return out
