from django.urls import path

from . import views

app_name = "postal"
urlpatterns = [path("su-kien/", views.receive_event, name="receive_event")]
