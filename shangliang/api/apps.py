from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "shangliang.api"
    label = "api"
    verbose_name = "数据接口"

    def ready(self) -> None:
        from shangliang.core import registry
        from shangliang.core.roles import Role

        registry.register_nav("接口令牌", "apitokens:list", [Role.ADMIN], order=85)
