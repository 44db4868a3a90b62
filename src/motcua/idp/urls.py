"""The demo identity provider, mounted at /idp/.

django-oauth-toolkit resolves its own endpoints as ``oauth2_provider:<name>`` (for the
discovery document and the ID token's issuer), so this URLconf carries that namespace.
Only the endpoints an OpenID Connect provider needs are exposed: not DOT's
application-management pages, not dynamic client registration, not the device flow.

Every view runs with the provider's own session (``sessions.provider_session``).
"""

from django.urls import path, re_path
from oauth2_provider import views as dot_views

from . import views
from .sessions import provider_session

app_name = "oauth2_provider"

urlpatterns = [
    path("", provider_session(views.home), name="idp-home"),
    path("dang-nhap/", provider_session(views.CitizenLoginView.as_view()), name="idp-login"),
    path("dang-xuat/", provider_session(views.CitizenLogoutView.as_view()), name="idp-logout"),
    # OpenID Connect, under the names DOT reverses.
    re_path(
        r"^\.well-known/openid-configuration/?$",
        provider_session(dot_views.ConnectDiscoveryInfoView.as_view()),
        name="oidc-connect-discovery-info",
    ),
    # RFC 8414 metadata; DOT also derives the RFC 9207 ``iss`` response parameter from it.
    path(
        ".well-known/oauth-authorization-server",
        provider_session(dot_views.OAuthServerMetadataView.as_view()),
        name="oauth-server-metadata",
    ),
    path(
        ".well-known/jwks.json",
        provider_session(dot_views.JwksInfoView.as_view()),
        name="jwks-info",
    ),
    path("authorize/", provider_session(views.AuthorizationView.as_view()), name="authorize"),
    path("token/", provider_session(dot_views.TokenView.as_view()), name="token"),
    path(
        "revoke_token/",
        provider_session(dot_views.RevokeTokenView.as_view()),
        name="revoke-token",
    ),
    path("userinfo/", provider_session(dot_views.UserInfoView.as_view()), name="user-info"),
    path("logout/", provider_session(views.LogoutView.as_view()), name="rp-initiated-logout"),
]
