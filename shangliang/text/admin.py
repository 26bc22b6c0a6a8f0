from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from shangliang.text import services, tasks
from shangliang.text.models import Category, ClassifierModel, Concept, DictionaryTerm, SearchDocument


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order", "active", "keywords")
    list_editable = ("sort_order", "active")
    search_fields = ("name", "keywords")


class DictionaryEditAdmin(admin.ModelAdmin):
    """Edits of the segmenter's vocabulary: every process reloads it, and re-indexing applies it to
    the records already indexed."""

    actions = ("reindex",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.dictionary_changed()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        services.dictionary_changed()

    @admin.action(description="按新词典重建检索索引")
    def reindex(self, request: Any, queryset: Any) -> None:
        services.dictionary_changed()
        tasks.reindex_documents.enqueue()
        self.message_user(request, "已安排重建检索索引，完成后新词条即可用于检索。", messages.SUCCESS)


@admin.register(DictionaryTerm)
class DictionaryTermAdmin(DictionaryEditAdmin):
    list_display = ("word", "note", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("word", "note")


@admin.register(Concept)
class ConceptAdmin(DictionaryEditAdmin):
    list_display = ("name", "words", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("name", "words")


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = ("created_at", "samples", "holdout_top1", "active")
    readonly_fields = ("created_at", "samples", "categories", "holdout_top1")
    exclude = ("payload",)
    actions = ("train_now",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.action(description="用历史诉求重新训练类别推荐模型")
    def train_now(self, request: Any, queryset: Any) -> None:
        tasks.train_category_model.enqueue()
        self.message_user(request, "已安排训练；历史数据不足时继续使用关键词推荐。", messages.SUCCESS)


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "object_id", "category", "status", "is_public", "source_created_at")
    list_filter = ("kind", "is_public")
    search_fields = ("=object_id",)
    readonly_fields = tuple(f.name for f in SearchDocument._meta.fields)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
