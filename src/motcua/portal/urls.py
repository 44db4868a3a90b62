from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("tim-kiem/", views.search_results, name="search"),
    path("tro-ly/", views.assistant_page, name="assistant"),
    path("tro-ly/api", views.assistant_api, name="assistant_api"),
]
