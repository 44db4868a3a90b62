"""Serving a stored file: the one way a view answers with a person's or an agency's file.

A stored file is offered as a download (``Content-Disposition: attachment``), so the
browser never renders it as a page of this site, whatever it holds; ``inline`` is for
the documents the platform made and signed itself (the results), which officers and
citizens read in the browser's PDF viewer.
"""

from __future__ import annotations

from django.http import FileResponse


def file_response(handle, *, filename: str, content_type: str, inline: bool = False):
    """A FileResponse for the open file ``handle``: an attachment unless ``inline``,
    never sniffed into another type."""
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
