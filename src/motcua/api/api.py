"""The public JSON API: one NinjaAPI served under /api/ (OpenAPI at /api/openapi.json,
documentation at /api/docs); the endpoints live in ``endpoints/``, under /api/v1/."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from . import errors
from .endpoints import catalogue, citizen, officer, payments, public

DESCRIPTION = """
API công khai của MotCua: tra cứu thủ tục hành chính, nộp và theo dõi hồ sơ trực tuyến,
thanh toán phí, lệ phí, tải và xác thực kết quả điện tử; các hệ thống của cơ quan nhà nước
xử lý hồ sơ của cơ quan mình.

*Public API of MotCua (Vietnamese online public services): the procedure catalogue,
filing and following dossiers, fee payment, signed results and their verification, and
the agencies' processing for integrated systems.*

* **Authentication**: the Django session (with `X-CSRFToken` on POST/PUT/DELETE), or
  `Authorization: Bearer <token>` from `/idp/token/`: a person's token, or a system's
  token from the OAuth2 client-credentials grant (scopes `dossiers:read`,
  `dossiers:write`, `payments:write`).
* **Idempotency**: creating calls take `Idempotency-Key`; a retry with the same key and
  body replays the first answer.
* **Errors**: always `{"error": {"code", "message", "details"}}`.
* **Pages**: `limit` (1–100) and `cursor` = the `next` of the previous page.

See docs/API.md for the full guide with curl examples.
"""


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese stays readable in the answers (UTF-8, not \u escapes).
    json_dumps_params = {"ensure_ascii": False}


def _refuse_unstorable_text(value) -> None:
    """Raise ValueError when ``value`` holds text that is not valid Unicode scalar values
    (a lone surrogate such as "\\ud800", legal in JSON but not in UTF-8) or a NUL
    (refused by PostgreSQL): stored or answered back, it would fail as a 500."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ValueError("NUL character in a JSON string")
            item.encode("utf-8")  # UnicodeEncodeError (a ValueError) on a lone surrogate
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class StrictJsonParser(Parser):
    """JSON bodies, refusing text no database or answer can hold. ninja turns the
    ValueError into a 400, which ``errors`` words as ``bad_request``."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_unstorable_text(data)
        return data


class MotcuaApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # "citizen_create_dossier": stable names for generated clients.
        func = operation.view_func
        return f"{func.__module__.rsplit('.', 1)[-1]}_{func.__name__}"


api = MotcuaApi(
    title="MotCua – API dịch vụ công trực tuyến",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    renderer=Utf8JSONRenderer(),
    parser=StrictJsonParser(),
)
errors.install(api)

for module in (catalogue, citizen, payments, officer, public):
    api.add_router("/v1/", module.router)
