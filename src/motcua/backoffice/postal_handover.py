"""The desk hands an issued result to the post (Decree 118/2025/NĐ-CP Art. 15: the
result is returned through the public postal service when the applicant asked for it).

The parcel is booked through ``postal`` (its connector speaks to the postal service);
the tracking number is shown to the officer and, on their page, to the applicant. When
the post delivers it the dossier is returned by the system (``postal.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers.exceptions import DossierError
from motcua.lib.formatting import format_vnd
from motcua.postal import services as postal_services

from . import scope
from .views import forbidden, officer_required


def callback_url(request) -> str:
    """Where the post sends its events: the setting, else this site's receiver."""
    return settings.MOTCUA_POSTAL_CALLBACK_URL or request.build_absolute_uri(
        reverse("postal:receive_event")
    )


@require_POST
@officer_required
def send_by_post(request, public_id):
    dossier = scope.get_dossier_for(request.user, public_id)
    if not scope.can(request.user, "return_result", dossier):
        return forbidden(
            request, _("Chỉ cán bộ Bộ phận một cửa được chuyển kết quả qua bưu chính.")
        )
    try:
        shipment = postal_services.send_result(
            dossier, by=request.user, callback_url=callback_url(request)
        )
    except (DossierError, postal_services.PostalError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã chuyển kết quả cho bưu chính: số hiệu bưu gửi %(number)s, cước %(postage)s.")
            % {"number": shipment.tracking_number, "postage": format_vnd(shipment.postage_vnd)},
        )
    return redirect("backoffice:dossier", public_id=dossier.public_id)
