from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "shangliang.places"
    label = "places"
    verbose_name = "区域、组织与议事室"
