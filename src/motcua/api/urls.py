"""/api/: the NinjaAPI's URLs (names in the "api" namespace, e.g. ``api:openapi-json``)."""

from .api import api

app_name = "api"
urlpatterns = api.urls[0]
