from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "shangliang.concerns"
    label = "concerns"
    verbose_name = "群众诉求"

    def ready(self) -> None:
        from datetime import time

        from shangliang.concerns import navigation, tasks
        from shangliang.ops.periodic import register_periodic

        navigation.register()
        register_periodic("concerns.sweep_pending_photos", tasks.sweep_pending_photos, daily_at=time(3, 30))
        # What staff search shows of these records: what the staff list shows.
        from shangliang.concerns.selectors import concerns_for_staff, public_faces
        from shangliang.text.models import DocumentKind
        from shangliang.text.selectors.common import register_public_face, register_visibility

        register_visibility(DocumentKind.CONCERN, concerns_for_staff)
        # What anyone may read of them: the public ones' confirmed text.
        register_public_face(DocumentKind.CONCERN, public_faces)
