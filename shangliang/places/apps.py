from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "shangliang.places"
    label = "places"
    verbose_name = "区域、组织与议事室"

    def ready(self) -> None:
        from shangliang.core import registry
        from shangliang.core.roles import Role
        from shangliang.places import todo

        back_office = [r for r in Role if r != Role.RESIDENT]
        managers = [Role.STAFF, Role.ADMIN]
        registry.register_nav("区域", "places:region-tree", back_office, order=60)
        registry.register_nav("议事室", "places:room-list", back_office, order=61)
        registry.register_nav("委员", "places:member-list", back_office, order=62)
        registry.register_nav("组织机构", "places:organisation-list", back_office, order=63)
        registry.register_nav("活动小组覆盖", "places:coverage", managers, order=64)
        registry.register_todo(todo.places_todo)
