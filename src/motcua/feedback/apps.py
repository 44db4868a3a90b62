from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Phản ánh, kiến nghị (PAKN): citizens' feedback and petitions, routed, answered, rated."""

    name = "motcua.feedback"
    verbose_name = _("Phản ánh, kiến nghị")
