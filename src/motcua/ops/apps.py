from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "motcua.ops"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        # The Celery app becomes the current one (shared_task binds to it), and the
        # request id travels with the tasks a request sends.
        import motcua.celery  # noqa: F401

        # The settings' system checks (motcua.E001–E004), whatever app runs.
        import motcua.conf.checks  # noqa: F401

        from . import metrics, tasks  # noqa: F401
