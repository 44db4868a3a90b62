"""How the applicant receives the result, sent with a draft (``result_delivery``):
checked and quoted by ``postal`` as on the portal's review page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.exceptions import DossierError
from motcua.postal import services as postal_services
from motcua.postal.addresses import clean_address

from ..errors import ApiError


def _address(delivery) -> dict:
    return delivery.address.dict() if delivery.address is not None else {}


def check_delivery(delivery) -> None:
    """ApiError 422 ``invalid_address`` (details: field → message) for a postal choice
    whose address is missing or wrong; nothing is written."""
    if delivery.method != "post":
        return
    try:
        clean_address(_address(delivery))
    except postal_services.AddressInvalid as invalid:
        raise ApiError(
            422,
            "invalid_address",
            _("Địa chỉ nhận kết quả qua bưu chính chưa đúng."),
            {f"result_delivery.address.{k}": v for k, v in invalid.errors.items()},
        ) from None


def choose_delivery(dossier, delivery, *, by) -> None:
    """Keep the choice (postage quoted by the postal service). ApiError 503
    ``postal_unavailable`` when no quote could be had, 422 as ``check_delivery``."""
    check_delivery(delivery)
    try:
        postal_services.choose_delivery(
            dossier, delivery=delivery.method, address=_address(delivery), by=by
        )
    except postal_services.PostalError as error:
        raise ApiError(503, "postal_unavailable", error.message) from None
    except DossierError as error:
        raise ApiError(409, error.code or "conflict", error.message) from None
