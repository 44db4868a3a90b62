from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "motcua.audit"
    verbose_name = _("Nhật ký kiểm tra")

    def ready(self):
        from . import deferred

        deferred.install()
