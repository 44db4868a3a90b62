"""The API's OAuth2 scopes, and the provider's scope backend that limits each system.

``SCOPES`` are declared, with their Vietnamese descriptions shown on the consent page,
in the bundled provider's ``OAUTH2_PROVIDER["SCOPES"]`` (``conf/oidc.py``); the
provider uses ``ApiScopes`` (``SCOPES_BACKEND_CLASS``), so a system registered with
``create_api_client`` can only obtain the scopes it was given, and gets exactly those
when its token request names none.
"""

from __future__ import annotations

from oauth2_provider.scopes import SettingsScopes

READ = "dossiers:read"
WRITE = "dossiers:write"
PAYMENTS = "payments:write"

SCOPES = (READ, WRITE, PAYMENTS)


def _api_client_of(application):
    if application is None or application.pk is None:
        return None
    from .models import ApiClient

    return ApiClient.objects.filter(application=application, active=True).first()


class ApiScopes(SettingsScopes):
    """The provider's scopes, narrowed to its own for an application of an API client."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        client = _api_client_of(application)
        if client is not None:
            return client.scope_list
        return super().get_available_scopes(application, request, *args, **kwargs)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        client = _api_client_of(application)
        if client is not None:
            return client.scope_list
        return super().get_default_scopes(application, request, *args, **kwargs)
