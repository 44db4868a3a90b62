"""The demo identity provider's pages: sign-in, consent, sign-out (Vietnamese).

The OAuth 2.0 / OpenID Connect protocol itself is django-oauth-toolkit's; these
classes only give its pages our templates and our sign-in page.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from oauth2_provider import views as dot_views

from .forms import CitizenLoginForm


class CitizenLoginView(auth_views.LoginView):
    """The provider's sign-in page (số định danh cá nhân + mật khẩu)."""

    form_class = CitizenLoginForm
    template_name = "idp/login.html"
    next_page = reverse_lazy("oauth2_provider:idp-home")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Short-lived on purpose: citizens often sign in on shared computers.
        self.request.session.set_expiry(settings.MOTCUA_IDP_SESSION_AGE)
        return response


class CitizenLogoutView(auth_views.LogoutView):
    """Ends the provider session only (the portal has its own sign-out)."""

    next_page = reverse_lazy("oauth2_provider:idp-home")


@never_cache
def home(request):
    """Who is signed in at the provider, if anyone."""
    return render(request, "idp/home.html")


class AuthorizationView(dot_views.AuthorizationView):
    """DOT's authorization endpoint, with our sign-in page and a Vietnamese consent page."""

    login_url = reverse_lazy("oauth2_provider:idp-login")
    template_name = "idp/authorize.html"


class LogoutView(dot_views.RPInitiatedLogoutView):
    """DOT's end-session endpoint (RP-initiated logout) with a Vietnamese confirmation page."""

    template_name = "idp/logout_confirm.html"
