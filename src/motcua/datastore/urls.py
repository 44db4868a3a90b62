from django.urls import path

from . import views

app_name = "datastore"
urlpatterns = [
    path("", views.home, name="home"),
    path("tai-len/", views.upload, name="upload"),
    path("<uuid:public_id>/tai-ve/", views.download, name="download"),
    path("<uuid:public_id>/xoa/", views.delete, name="delete"),
]
