from django.urls import path

from . import intake, views

app_name = "backoffice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier"),
    path("tiep-nhan/", intake.intake, name="intake"),
    path("ho-so/<uuid:public_id>/bien-nhan/", intake.receipt, name="receipt"),
    path("ho-so/<uuid:public_id>/thao-tac/<slug:action>/", views.act, name="act"),
]
