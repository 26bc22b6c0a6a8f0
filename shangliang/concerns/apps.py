from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "shangliang.concerns"
    label = "concerns"
    verbose_name = "群众诉求"

    def ready(self) -> None:
        from shangliang.concerns import navigation

        navigation.register()
