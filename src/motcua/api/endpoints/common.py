"""Pieces shared by the endpoint modules: headers, file answers, e-form checks."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Header

from motcua.dossiers.models import Attachment
from motcua.lib.downloads import file_response
from motcua.portal.selectors import DossierForm

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


def posted(values: dict) -> dict[str, str]:
    """JSON e-form values as the e-form reads posted data (a true checkbox is "on")."""
    data = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    return data


def checked_form(schema, values: dict, *, stored=None, sources=None) -> DossierForm:
    """The e-form bound to ``values``; ApiError 422 ``invalid_form`` with every problem."""
    known = {f.get("name") for f in schema if isinstance(f, dict)}
    unknown = sorted(set(values) - known)
    form = DossierForm(posted(values), schema=schema, stored=stored, sources=sources)
    problems: dict[str, list[str]] = {
        name: [_("Tờ khai của thủ tục không có trường này.")] for name in unknown[:20]
    }
    if not form.is_valid():
        for name, messages in form.errors.items():
            problems[name] = [str(m) for m in messages]
    if problems:
        raise ApiError(
            422,
            "invalid_form",
            _("Tờ khai chưa hợp lệ; xem lỗi của từng trường."),
            problems,
        )
    return form
