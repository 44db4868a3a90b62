from django.conf import settings
from django.urls import path

from . import views

app_name = "postsim"
urlpatterns = (
    [
        path("api/cuoc/", views.quote, name="quote"),
        path("api/van-don/", views.book, name="book"),
        path("api/hanh-trinh/", views.track, name="track"),
        path("van-don/", views.shipments, name="shipments"),
    ]
    if settings.MOTCUA_POSTSIM_ENABLED
    else []
)
