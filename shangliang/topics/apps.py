from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "shangliang.topics"
    label = "topics"
    verbose_name = "协商议题"

    def ready(self) -> None:
        from shangliang.topics import navigation

        navigation.register()
        # What staff search shows of these records: what the staff list shows.
        from shangliang.text.models import DocumentKind
        from shangliang.text.selectors.common import register_public_face, register_visibility
        from shangliang.topics.selectors import public_faces, topics_for_staff

        register_visibility(DocumentKind.TOPIC, topics_for_staff)
        register_public_face(DocumentKind.TOPIC, public_faces)
