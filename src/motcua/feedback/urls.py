from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.index, name="index"),
    path("gui/", views.file, name="file"),
    path("da-gui/", views.sent, name="sent"),
    path("cua-toi/", views.mine, name="mine"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/danh-gia/", views.rate, name="rate"),
    path("<uuid:public_id>/tep/<uuid:attachment_id>/", views.attachment, name="attachment"),
]
