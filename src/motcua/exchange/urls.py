from django.urls import path, re_path

from . import views

app_name = "exchange"
urlpatterns = [
    path("trao-doi/", views.receive_view, name="receive"),
    re_path(r"^tep/(?P<sha256>[0-9a-fA-F]{64})/$", views.file_view, name="file"),
    path("danh-muc/", views.catalogue_view, name="catalogue"),
    path("dong-bo/", views.sync_view, name="sync"),
]
