from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "shangliang.outputs"
    label = "outputs"
    verbose_name = "协商成果"

    def ready(self) -> None:
        from shangliang.outputs import navigation

        navigation.register()
        # What staff search shows of these records: what the staff list shows.
        from shangliang.outputs.selectors import outputs_for_staff
        from shangliang.text.models import DocumentKind
        from shangliang.text.selectors.common import register_visibility

        register_visibility(DocumentKind.OUTPUT, outputs_for_staff)
