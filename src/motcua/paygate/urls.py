from django.conf import settings
from django.urls import path

from . import views

app_name = "paygate"
urlpatterns = (
    [
        path("paymentv2/vpcpay.html", views.pay_page, name="pay"),
        path("paymentv2/giao-dich/<uuid:public_id>/", views.pay_action, name="pay_action"),
        path("merchant_webapi/api/transaction", views.merchant_api, name="api"),
    ]
    if settings.MOTCUA_PAYGATE_ENABLED
    else []
)
