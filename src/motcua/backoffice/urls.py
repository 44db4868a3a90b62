from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier"),
    path("ho-so/<uuid:public_id>/thao-tac/<slug:action>/", views.act, name="act"),
]
