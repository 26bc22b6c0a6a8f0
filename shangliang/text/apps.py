from datetime import time

from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "shangliang.text"
    label = "text"
    verbose_name = "中文文本引擎"

    def ready(self) -> None:
        from shangliang.core.registry import register_nav
        from shangliang.core.roles import BACK_OFFICE_ROLES, Role
        from shangliang.ops.periodic import register_periodic
        from shangliang.text import tasks

        register_nav("全文检索", "text:search", BACK_OFFICE_ROLES, order=80)
        register_nav("文本模型", "text:models", [Role.ADMIN, Role.STAFF], order=81)
        # Hot issues are in the navigation once, beside the screening desk (screening:hot).
        # Nightly: the models learn from the day's merges, splits, dismissals and corrections.
        register_periodic("text.retrain_models", tasks.retrain_models, daily_at=time(3, 30))
