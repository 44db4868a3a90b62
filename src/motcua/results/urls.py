from django.urls import path

from . import views

app_name = "results"
urlpatterns = [
    path("xac-minh/", views.verify, name="verify"),
    path("xac-minh/<str:token>/", views.verify_token, name="verify_token"),
]
