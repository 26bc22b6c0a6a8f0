from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "shangliang.topics"
    label = "topics"
    verbose_name = "协商议题"

    def ready(self) -> None:
        from shangliang.topics import navigation

        navigation.register()
