from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shangliang.supervision"
    label = "supervision"
    verbose_name = "督办与回访核实"

    def ready(self) -> None:
        from shangliang.supervision import navigation

        navigation.register()
