"""Pieces shared by the endpoint modules: headers, file answers, e-form checks."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Header

from motcua.dossiers.models import Attachment
from motcua.lib.downloads import file_response
from motcua.portal.selectors import eforms

from ..errors import ApiError, not_found
from ..idempotency import HEADER

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
        raise ApiError(
            422,
            "invalid_form",
            _("Tờ khai chưa hợp lệ; xem lỗi của từng trường."),
            problems,
        )
    return data
