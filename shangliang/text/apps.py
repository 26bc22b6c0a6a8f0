from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "shangliang.text"
    label = "text"
    verbose_name = "中文文本引擎"
