from django.contrib import admin

from shangliang.places import models as m


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(m.Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "sector", "committee", "is_standing")
    list_filter = ("level", "is_standing")
    search_fields = ("name",)
