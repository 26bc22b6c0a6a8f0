from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (``seed_demo``). A leaf: it may import every app, and none imports it."""

    name = "shangliang.demo"
    label = "demo"
    verbose_name = "演示数据"
