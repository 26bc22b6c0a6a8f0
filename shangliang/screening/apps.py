from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "shangliang.screening"
    label = "screening"
    verbose_name = "研判定题"

    def ready(self) -> None:
        from shangliang.screening import navigation

        navigation.register()
