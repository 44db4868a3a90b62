"""Reading the personal data store. Every query is scoped to one owner."""

from __future__ import annotations

import re
import uuid

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.lib.text import fold

from .models import Document


def documents_of(user, kind: str | None = None) -> QuerySet[Document]:
    """The person's documents, newest first; only ``kind`` (upload/result) when given.

    An anonymous or missing user has none.
    """
    if user is None or not user.is_authenticated:
        return Document.objects.none()
    documents = Document.objects.filter(owner=user)
    if kind:
        documents = documents.filter(kind=kind)
    return documents.order_by("-created_at", "-pk")


def document_of(user, public_id: uuid.UUID | str) -> Document:
    """The person's document with ``public_id``.

    Raises Document.DoesNotExist when there is none or it belongs to someone else (so a
    guessed id tells nothing), and for an id that is not a UUID.
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Document.DoesNotExist from None
    return documents_of(user).get(public_id=public_id)


def digitised_for(user, component_names) -> dict[str, list[Document]]:
    """For each of ``component_names``, the person's digitised documents (components
    digitised at a desk, electronic results) that are that component (same name,
    diacritics, case and punctuation aside), newest first: what a later dossier may
    reuse. Names without any are absent from the answer."""
    wanted: dict[str, list[str]] = {}
    for name in component_names:
        if fold(name or ""):
            wanted.setdefault(fold(name), []).append(name)
    found: dict[str, list[Document]] = {}
    if not wanted:
        return found
    candidates = documents_of(user).filter(digitised_at__isnull=False).exclude(component_name="")
    for document in candidates:
        for name in wanted.get(fold(document.component_name), []):
            found.setdefault(name, []).append(document)
    return found


def used_bytes(user) -> int:
    """The total size of the person's own uploads (what the quota counts)."""
    total = documents_of(user, Document.Kind.UPLOAD).aggregate(total=Sum("size"))["total"]
    return total or 0


def owner_of(dossier: Dossier):
    """The account whose data store a dossier's documents belong to, or None.

    The applicant's own account; for a business without one, its legal
    representative's account.
    """
    applicant = dossier.applicant
    if applicant.user_id:
        return applicant.user
    representative = applicant.representative
    if representative is not None and representative.user_id:
        return representative.user
    return None


_PART_LABELS = {
    "full_name": _("Họ, chữ đệm và tên"),
    "birth_date": _("Ngày, tháng, năm sinh"),
    "sex": _("Giới tính"),
    "personal_id": _("Số định danh cá nhân"),
    "ethnicity": _("Dân tộc"),
    "nationality": _("Quốc tịch"),
    "residence": _("Nơi cư trú"),
}
_SEX = {"nam": _("Nam"), "nu": _("Nữ")}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ADDRESS_KEYS = {"province", "commune", "detail"}


def _labels(fields, into: dict[str, str]) -> dict[str, str]:
    """Field name -> label of a form's fields (sections, groups), legacy or v2."""
    for field in fields or []:
        if not isinstance(field, dict):
            continue
        if field.get("name"):
            into.setdefault(field["name"], str(field.get("label") or field["name"]))
        _labels(field.get("fields"), into)
    return into


def _definition_labels(definition) -> dict[str, str]:
    labels: dict[str, str] = {}
    if isinstance(definition, list):
        return _labels(definition, labels)
    if isinstance(definition, dict):
        for section in definition.get("sections") or []:
            if isinstance(section, dict):
                _labels(section.get("fields"), labels)
        _labels(definition.get("decision"), labels)
    return labels


def _text(value, key: str = "") -> str:
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, str):
        match = _ISO_DATE.match(value)
        if match:
            return f"{match[3]}/{match[2]}/{match[1]}"
        if key == "sex" and value in _SEX:
            return str(_SEX[value])
        return value
    if isinstance(value, dict) and set(value) <= _ADDRESS_KEYS:
        parts = (value.get("detail"), value.get("commune"), value.get("province"))
        return ", ".join(str(p) for p in parts if p)
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _rows(data: dict, labels: dict[str, str], prefix: str = "") -> list[dict[str, str]]:
    rows = []
    for key, value in data.items():
        label = labels.get(key) or str(_PART_LABELS.get(key, key))
        label = f"{prefix}{label}"
        if isinstance(value, dict) and not set(value) <= _ADDRESS_KEYS:
            rows += _rows(value, labels, f"{label} – ")
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for number, item in enumerate(value, 1):
                if isinstance(item, dict):
                    rows += _rows(item, labels, f"{label} {number} – ")
        else:
            text = _text(value, key)
            if text:
                rows.append({"label": label, "text": text})
    return rows


def data_rows(document: Document) -> list[dict[str, str]]:
    """A result's structured data as ``[{"label", "text"}]`` for reading (form, then
    decision), labelled by the procedure's form when the source dossier is known."""
    data = document.data or {}
    if not data:
        return []
    definition = None
    if document.source_attachment is not None:
        definition = document.source_attachment.dossier.procedure_version.form_schema
    labels = _definition_labels(definition)
    rows = []
    for part in ("form", "decision"):
        if isinstance(data.get(part), dict):
            rows += _rows(data[part], labels)
    return rows
