from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "shangliang.text"
    label = "text"
    verbose_name = "中文文本引擎"

    def ready(self) -> None:
        from shangliang.core.registry import register_nav
        from shangliang.core.roles import BACK_OFFICE_ROLES

        register_nav("全文检索", "text:search", BACK_OFFICE_ROLES, order=80)
        # Hot issues are in the navigation once, beside the screening desk (screening:hot).
