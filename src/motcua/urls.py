from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("mot-cua/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]
