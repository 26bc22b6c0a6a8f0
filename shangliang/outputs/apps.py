from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "shangliang.outputs"
    label = "outputs"
    verbose_name = "协商成果"
