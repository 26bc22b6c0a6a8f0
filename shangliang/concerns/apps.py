from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "shangliang.concerns"
    label = "concerns"
    verbose_name = "群众诉求"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from shangliang.concerns import navigation, selectors
        from shangliang.places.models import Region
        from shangliang.text.models import Category

        navigation.register()
        for model in (Region, Category):
            post_save.connect(
                selectors.forget_place_choices, sender=model, dispatch_uid=f"place-choices-{model.__name__}"
            )
            post_delete.connect(
                selectors.forget_place_choices,
                sender=model,
                dispatch_uid=f"place-choices-del-{model.__name__}",
            )
