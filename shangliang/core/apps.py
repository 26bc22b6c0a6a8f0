from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shangliang.core"
    label = "core"
    verbose_name = "系统核心"
