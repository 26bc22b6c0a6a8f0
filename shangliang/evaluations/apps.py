from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "shangliang.evaluations"
    label = "evaluations"
    verbose_name = "三评与成果公示"

    def ready(self) -> None:
        from shangliang.evaluations import navigation

        navigation.register()
