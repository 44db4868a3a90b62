"""The citizen's sign-in (OpenID Connect relying party), mounted at /cong-dan/."""

from django.urls import path

from . import citizen

app_name = "citizen"
urlpatterns = [
    path("dang-nhap/", citizen.login, name="login"),
    path("dang-nhap/hoan-tat/", citizen.callback, name="callback"),
    path("dang-xuat/", citizen.logout, name="logout"),
    path("tu-cach/", citizen.acting, name="acting"),
]
