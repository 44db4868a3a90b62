from django.conf import settings
from django.urls import path

from . import views

app_name = "registrysim"
urlpatterns = (
    [
        path("<slug:registry>/dang-ky/<slug:action>/", views.register, name="register"),
        path("<slug:registry>/<str:subject>/", views.record, name="record"),
    ]
    if settings.MOTCUA_REGISTRYSIM_ENABLED
    else []
)
