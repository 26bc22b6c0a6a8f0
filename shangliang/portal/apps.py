from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The public site residents see: home, rooms and their open days. A leaf: nothing imports it."""

    name = "shangliang.portal"
    label = "portal"
    verbose_name = "公众门户"
