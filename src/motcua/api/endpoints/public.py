"""Calls anyone may make, rate-limited per address: status look-up, result verification."""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.errors import Throttled
from ninja.files import UploadedFile

from motcua.accounts.ratelimit import lookup_wait
from motcua.portal import selectors as portal
from motcua.results import selectors as result_selectors
from motcua.results.verify import verify_pdf

from ..errors import ApiError, errors
from ..schemas import LookupIn, LookupOut, VerdictOut
from ..throttles import PublicThrottle

router = Router(tags=["Tra cứu công khai"], auth=None, throttle=[PublicThrottle()])


@router.post(
    "/public/lookup",
    response={200: LookupOut, **errors(400, 404, 422, 429, 503)},
    summary="Status of a dossier by its code and look-up code",
    # Not the router's per-address API counter: the look-up's own limits below (per
    # address and per dossier code, shared with the portal's /tra-cuu/) in one round trip.
    throttle=[],
)
def lookup(request, payload: LookupIn):
    """The same rule as the portal's `/tra-cuu/`: the dossier code and the look-up code
    printed on the receipt, both needed; a wrong code and a wrong look-up code give the
    same 404. Shows no more than the receipt (identity number masked, no notes)."""
    # The portal's limits, same counters: per client address and per dossier code
    # (MOTCUA_LOOKUP_RATE, MOTCUA_LOOKUP_CODE_RATE).
    wait = lookup_wait(request, payload.code)
    if wait is not None:
        raise Throttled(wait=wait)
    # The cached answer (motcua.portal.lookup_cache): no dossier rows on a hit.
    answer = portal.lookup_answer(payload.code, payload.secret)
    if answer is None:
        raise ApiError(
            404,
            "not_found",
            _(
                "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại hai "
                "mã in trên biên nhận."
            ),
        )
    return answer.as_api()


@router.post(
    "/public/results/verify",
    response={200: VerdictOut, **errors(400, 413, 422, 429, 503)},
    summary="Is this PDF a result the platform issued, unchanged?",
)
def verify_result(request, file: Annotated[UploadedFile, File(..., description="the result PDF")]):
    """Checks the signature (intact, valid, trusted, covering the whole file) and that
    the file is exactly one the platform issued. `valid` false comes with `reasons`."""
    limit = settings.MOTCUA_RESULTS_VERIFY_MAX_BYTES
    if file.size > limit:
        raise ApiError(
            413, "file_too_large", _("Tệp lớn hơn %(limit)d MB.") % {"limit": limit // 2**20}
        )
    verdict = verify_pdf(file.read())
    document = None
    if verdict.document is not None:
        shown = result_selectors.public_details(verdict.document)
        document = {
            "code": shown.code,
            "number": shown.number,
            "title": shown.result_name,
            "procedure_name": shown.procedure_name,
            "agency": shown.agency,
            "signer": shown.signer,
            "applicant": shown.applicant,
            "issued_at": shown.issued_at,
            "status_label": shown.status_label,
        }
    return {
        "valid": verdict.valid,
        "reasons": [str(r) for r in verdict.reasons],
        "signer_name": verdict.signer_name,
        "signed_at": verdict.signed_at,
        "sha256": verdict.sha256,
        "document": document,
    }
