from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shangliang.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from shangliang.core import registry
        from shangliang.core.roles import BACK_OFFICE_ROLES

        registry.register_nav("账号安全", "accounts:security", roles=BACK_OFFICE_ROLES, order=95)
