from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsimConfig(AppConfig):
    name = "motcua.postsim"
    verbose_name = _("Mô phỏng dịch vụ bưu chính")
