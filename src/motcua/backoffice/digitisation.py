"""The desk marks a scan kept with a paper dossier as digitised, after intake.

At intake the desk marks each component's scan in the intake form (``intake_forms``);
a scan attached without the mark (or the whole-dossier scan) can be marked later from
the dossier page: "Đã số hóa, đối chiếu bản chính" (Decree 118/2025/NĐ-CP Art.
17(1)(c), Circular 03/2025/TT-VPCP Art. 5). Only the dossier agency's desk officers may
(``scope``: action ``digitise``); the change is audited by ``dossiers.digitisation``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers import digitisation
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment

from . import scope
from .views import forbidden, officer_required


@require_POST
@officer_required
def mark_digitised(request, public_id, attachment_id):
    dossier = scope.get_dossier_for(request.user, public_id)
    if not scope.can(request.user, "digitise", dossier):
        return forbidden(
            request, _("Chỉ cán bộ Bộ phận một cửa được xác nhận số hóa giấy tờ của hồ sơ.")
        )
    component = request.POST.get("component", "")
    try:
        attachment = digitisation.mark_digitised(
            dossier,
            attachment_id,
            by=request.user,
            component_id=int(component) if component.isdigit() and len(component) < 10 else None,
        )
    except Attachment.DoesNotExist:
        raise Http404 from None
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã xác nhận “%(name)s” đã số hóa, đối chiếu bản chính.")
            % {"name": attachment.original_name},
        )
    return redirect("backoffice:dossier", public_id=dossier.public_id)
