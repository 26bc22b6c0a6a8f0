from django.contrib import admin

from shangliang.outputs.models import Output


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "author", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    readonly_fields = ("author", "region", "region_path", "source_topics", "source_concerns", "version")
