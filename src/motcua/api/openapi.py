"""The OpenAPI document exactly as /api/openapi.json serves it (for export and the pin)."""

from __future__ import annotations

import json

from .api import api


def openapi_document() -> dict:
    rendered = api.renderer.render(None, api.get_openapi_schema(), response_status=200)
    return json.loads(rendered)
