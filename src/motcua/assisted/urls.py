from django.urls import path

from . import views

app_name = "assisted"
urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so-moi/", views.new, name="new"),
    path("ho-so/<uuid:public_id>/khai/", views.form, name="form"),
    path("ho-so/<uuid:public_id>/giay-to/", views.files, name="files"),
    path(
        "ho-so/<uuid:public_id>/giay-to/<uuid:attachment_id>/xoa/",
        views.remove,
        name="remove",
    ),
    path("ho-so/<uuid:public_id>/xac-nhan/", views.confirm, name="confirm"),
    path("ho-so/<uuid:public_id>/xac-nhan/gui-ma/", views.send_code, name="send_code"),
    path("ho-so/<uuid:public_id>/xac-nhan/nhap-ma/", views.check_code, name="check_code"),
    # The citizen, signed in to the portal, confirms what an agent filed for them.
    path("cong-dan/<uuid:public_id>/", views.citizen_review, name="citizen_review"),
    path("cong-dan/<uuid:public_id>/xac-nhan/", views.citizen_confirm, name="citizen_confirm"),
]
