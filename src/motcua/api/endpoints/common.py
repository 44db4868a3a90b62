"""Pieces shared by the endpoint modules: headers, file answers, e-form checks."""

from __future__ import annotations

import json

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Header

from motcua.dossiers.models import Attachment
from motcua.lib.downloads import file_response
from motcua.portal import services as portal_services
from motcua.portal.selectors import eforms

from ..errors import ApiError, not_found
from ..idempotency import HEADER

# The longest e-form (as JSON text) a multipart call may carry.
MAX_FORM_TEXT = 200_000

KEY_REQUIRED = Header(
    ...,
    alias=HEADER,
    min_length=1,
    max_length=255,
    description="your unique key for this call (a UUID); a retry with it is not done twice",
)
KEY_OPTIONAL = Header(
    None,
    alias=HEADER,
    min_length=1,
    max_length=255,
    description="optional: a retry with the same key is not done twice",
)


def binary(content_type: str, description: str) -> dict:
    """``openapi_extra`` declaring a file as the 200 answer."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def file_answer(attachment: Attachment | None) -> FileResponse:
    """The file of ``attachment`` (never from a public media URL); ApiError 404 if gone."""
    if attachment is None:
        raise not_found()
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise not_found() from None
    return file_response(
        handle,
        inline=attachment.opens_inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def checked_data(schema, values: dict, *, stored=None, sources=None, ignore_locked=False) -> dict:
    """The e-form data to store for ``values`` (nested JSON, docs/EFORMS.md), checked by
    the engine as the portal checks a draft; ApiError 422 ``invalid_form`` with every
    problem keyed by its data path."""
    defn = eforms.definition(schema)
    parsed = eforms.apply_values(
        defn, values or {}, stored=stored, sources=sources, ignore_locked=ignore_locked
    )
    data, problems = eforms.check(defn, parsed.data, strict=False)
    problems = eforms.merge_errors(parsed.errors, problems)
    if problems:
        raise _invalid_form(problems)
    return data


def _invalid_form(problems: dict) -> ApiError:
    return ApiError(
        422, "invalid_form", _("Tờ khai chưa hợp lệ; xem lỗi của từng trường."), problems
    )


def supplement_answers(dossier, text: str) -> dict:
    """The corrected answers of a supplement (``text``: a JSON object, nested data as in
    ``form_data``), checked as the portal's supplement page checks them: a locked value
    sent changed and an unknown field are refused; answers that differ from the
    dossier's must pass the submission check. ApiError 422 ``invalid_form`` with the
    problems by data path."""
    try:
        values = json.loads(text)
    except (ValueError, RecursionError):  # nesting deeper than Python parses
        values = None
    if not isinstance(values, dict):
        raise _invalid_form({"": [_("“form” phải là một đối tượng JSON (dữ liệu tờ khai).")]})
    defn = eforms.definition(dossier.procedure_version.form_schema)
    parsed = eforms.apply_values(
        defn, values, stored=dossier.form_data, sources=dossier.prefill_sources
    )
    data, problems = eforms.check(defn, parsed.data, strict=True)
    changed = bool(portal_services.supplement_changes(dossier, data))
    problems = eforms.merge_errors(parsed.errors, problems if changed else {})
    if problems:
        raise _invalid_form(problems)
    return data
