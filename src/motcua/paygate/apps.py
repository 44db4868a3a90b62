from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaygateConfig(AppConfig):
    name = "motcua.paygate"
    verbose_name = _("Mô phỏng cổng thanh toán")
