from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("<uuid:public_id>/bat-dau/", views.start, name="start"),
    path("ket-qua/", views.payment_return, name="return"),
    path("ipn/", views.ipn, name="ipn"),
    path("bien-lai/<uuid:public_id>/", views.receipt, name="receipt"),
]
