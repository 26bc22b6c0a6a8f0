from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "shangliang.duty"
    label = "duty"
    verbose_name = "委员履职"

    def ready(self) -> None:
        from shangliang.duty import navigation

        navigation.register()
