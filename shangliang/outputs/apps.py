from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "shangliang.outputs"
    label = "outputs"
    verbose_name = "协商成果"

    def ready(self) -> None:
        from shangliang.outputs import navigation

        navigation.register()
