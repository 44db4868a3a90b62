"""Who may use the citizen pages, and as whom.

Every citizen view is wrapped in ``citizen_view``: anonymous visitors go to the e-ID
sign-in; the view receives the applicant the citizen acts as (themselves, or a
business they represent); pages are never cached (shared computers at the desk).
Views reach dossiers only through ``selectors.dossier_for(applicant, public_id)``,
so a guessed URL of someone else's dossier is a 404.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from motcua.accounts.citizen import citizen_required, current_applicant


def citizen_view(view):
    """Decorator: ``view(request, applicant, *args, **kwargs)`` for signed-in citizens."""

    @citizen_required
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        applicant = current_applicant(request)
        if applicant is None:
            return render(
                request,
                "portal/not_a_citizen.html",
                {
                    "message": _(
                        "Tài khoản đang đăng nhập không gắn với một công dân (chưa có số "
                        "định danh cá nhân). Hãy đăng xuất rồi đăng nhập bằng tài khoản "
                        "định danh điện tử của bạn."
                    )
                },
                status=403,
            )
        return view(request, applicant, *args, **kwargs)

    return wrapped
