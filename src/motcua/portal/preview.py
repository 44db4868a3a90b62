"""The admin's live preview of an e-form definition, rendered by the portal's renderer.

Reached at ``/quan-tri/catalog/procedureversion/form-preview/`` (motcua/urls.py, before
the admin's own URLs) by an administrator who may change procedure versions; the
definition is posted as JSON text and the answer is the HTML of the form as a citizen
sees it, or the definition's problems in Vietnamese.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import eform

from . import eform_pages

MAX_DEFINITION_CHARS = 500_000


def definition_problems(text: str) -> tuple[dict | None, list[str]]:
    """(v2 definition, []) for a valid JSON definition, else (None, Vietnamese problems)."""
    if len(text) > MAX_DEFINITION_CHARS:
        return None, [_("Biểu mẫu quá lớn (tối đa 500.000 ký tự).")]
    try:
        value = json.loads(text)
    except ValueError as error:
        return None, [
            _("Nội dung không phải JSON hợp lệ (dòng %(line)d, cột %(col)d).")
            % {"line": getattr(error, "lineno", 0), "col": getattr(error, "colno", 0)}
        ]
    try:
        defn = eform.upgrade(value)
        eform.validate_definition(defn)
    except ValidationError as error:
        return None, [str(m) for m in error.messages]
    except (TypeError, ValueError, KeyError, AttributeError):
        return None, [_("Biểu mẫu không đúng cấu trúc “motcua-eform/2”.")]
    return defn, []


@require_POST
def form_preview(request):
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied
    if not user.has_perm("catalog.change_procedureversion"):
        raise PermissionDenied
    defn, problems = definition_problems(request.POST.get("definition", ""))
    context = {"problems": problems}
    if defn is not None:
        context["eform"] = eform_pages.eform_context(defn, {})
    return render(request, "portal/eform_preview.html", context, status=200 if defn else 400)
