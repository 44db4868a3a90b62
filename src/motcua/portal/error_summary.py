"""The error summary of the citizen's forms (the GOV.UK "error summary" pattern).

A box at the top of the page, "Có N lỗi cần sửa", lists every error as a link to its
field (``#id``); ``portal/_error_summary.html`` draws it and ``citizen.js`` moves the
focus to it when the page opens, then to the field whose link is followed.
"""

from __future__ import annotations

from django import forms


def entry(message: str, anchor: str = "", label: str = "") -> dict:
    """One line of the summary: ``label: message`` linking to ``#anchor`` (if any)."""
    return {"message": str(message), "anchor": anchor, "label": str(label)}


def error_summary_of(form: forms.Form | None) -> list[dict]:
    """The errors of a bound Django form, in the form's field order; errors not about a
    field (or about a hidden one) come first and link nowhere."""
    if form is None or not form.is_bound or not form.errors:
        return []
    entries = [entry(message) for message in form.non_field_errors()]
    for bound in form:
        if not bound.errors:
            continue
        if bound.is_hidden:
            entries += [entry(message) for message in bound.errors]
            continue
        anchor = bound.id_for_label
        if not anchor and bound.subwidgets:
            # Radio buttons and checkboxes: the first choice (the group has no id).
            anchor = bound.subwidgets[0].id_for_label
        anchor = anchor or bound.auto_id or ""
        entries += [entry(message, anchor, bound.label) for message in bound.errors]
    return entries
