from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "shangliang.actions"
    label = "actions"
    verbose_name = "交办落实"

    def ready(self) -> None:
        from shangliang.actions import navigation

        navigation.register()
