from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [
    path("su-kien/", views.receive_event_view, name="receive_event"),
    path("xep-hang/", views.ranking_view, name="ranking"),
]
