"""The text engine's own tables: the search index, categories, the district dictionary and the
trained category model.

``SearchDocument`` is a generic index row: later apps (concerns, topics, meetings, outputs) call
``services.index_document`` in their own transaction whenever they write text, and
``services.remove_document`` when a record goes. The full-text structures (an FTS5 table on
SQLite, generated tsvector columns with GIN indexes on PostgreSQL) are created in migrations 0002
and 0005 and kept current by the services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from shangliang.core.models import TimeStampedModel


class DocumentKind(models.TextChoices):
    CONCERN = "concern", "诉求"
    TOPIC = "topic", "议题"
    MEETING = "meeting", "协商会议"
    OUTPUT = "output", "协商成果"


class SearchDocument(models.Model):
    """One searchable record of another app. ``terms`` holds the segmented text (space separated);
    ``scoped_terms`` the same words prefixed with the community ("c27x电梯"), so that a lookup
    restricted to one community is a match on small posting lists instead of a filter afterwards.
    A public record that is still open (``is_open``: a resident's new report may join it) has its
    words a third time, prefixed "o27x电梯": the residents' lookup of likely-same problems reads
    only those postings, so closed and unpublished records never take its candidates' places."""

    kind = models.CharField("类型", max_length=12, choices=DocumentKind.choices)
    object_id = models.PositiveBigIntegerField("对象编号")
    region = models.ForeignKey(
        "places.Region",
        verbose_name="所属区域",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    region_path = models.CharField("区域路径", max_length=255, blank=True, default="")
    community_id = models.PositiveBigIntegerField("村/社区编号", null=True, blank=True)
    category = models.CharField("类别", max_length=30, blank=True, default="")
    status = models.CharField("状态", max_length=30, blank=True, default="")
    is_public = models.BooleanField("公开", default=False)
    is_open = models.BooleanField("未办结", default=False)
    source_created_at = models.DateTimeField("提交时间")
    title = models.CharField("标题", max_length=200, blank=True, default="")
    body = models.TextField("正文", blank=True, default="")
    terms = models.TextField("分词结果", blank=True, default="")
    scoped_terms = models.TextField("社区分词", blank=True, default="")
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="text_document_unique_source"),
        ]
        indexes = [
            models.Index(fields=["region_path", "source_created_at"], name="text_doc_region_time_idx"),
            models.Index(fields=["community_id", "kind", "status"], name="text_doc_community_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id}"


class TermCount(models.Model):
    """How many documents hold a community's term (``c27x电梯``, and ``o27x电梯`` of its open
    public records) and how many documents the community has (``c27``), kept by
    ``text.fulltext`` as documents are indexed, changed and removed.

    PostgreSQL's GIN index has no cheap per-term count (a count reads the whole posting list);
    SQLite reads the same figures from FTS5's own vocabulary table, so the rows are written on
    PostgreSQL only."""

    term = models.TextField("词项", primary_key=True)
    documents = models.IntegerField("文档数", default=0)

    class Meta:
        verbose_name = "词项文档数"
        verbose_name_plural = "词项文档数"

    def __str__(self) -> str:
        return f"{self.term}: {self.documents}"


class Posting(models.Model):
    """A community term (``c27x电梯``, ``c27``, ``o27x电梯``) of one document, on PostgreSQL.

    GIN returns a term's documents unordered and every row has to be visited to find the newest;
    the primary key (term, document) reads a term's newest postings backwards from the index
    alone and stops after as many as asked. SQLite's FTS5 table is ordered by document already,
    so the rows are written on PostgreSQL only (by ``text.fulltext``)."""

    pk = models.CompositePrimaryKey("term", "document_id")
    term = models.TextField("词项")
    document_id = models.BigIntegerField("文档编号")

    class Meta:
        verbose_name = "社区词项倒排"
        verbose_name_plural = "社区词项倒排"

    def __str__(self) -> str:
        return f"{self.term} → {self.document_id}"


class Category(TimeStampedModel):
    """A concern category (admin-editable). ``keywords`` drive the suggestion while the platform has
    too little labelled history to train on."""

    name = models.CharField("名称", max_length=30, unique=True)
    keywords = models.TextField(
        "关键词", blank=True, help_text="用空格、逗号或顿号分隔；用于历史数据不足时的类别推荐。"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求类别"
        verbose_name_plural = "诉求类别"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class DictionaryTerm(TimeStampedModel):
    """A local word the segmenter must keep whole (飞线充电, 三无小区, a street or estate name)."""

    word = models.CharField("词语", max_length=30, unique=True)
    note = models.CharField("说明", max_length=100, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "区域词典词条"
        verbose_name_plural = "区域词典"
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class Concept(TimeStampedModel):
    """A group of words residents use for one problem or place (停电 断电 没电 跳闸). A row named
    like a built-in concept (``text.concepts.BUILTIN_CONCEPTS``) adds its words to it; an inactive
    row of that name switches the built-in one off."""

    name = models.CharField("概念", max_length=30, unique=True)
    words = models.TextField(
        "同义词", help_text="用空格、逗号或顿号分隔；这些词在相似诉求和类别推荐中视为同一个意思。"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求概念"
        verbose_name_plural = "诉求概念（同义词）"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClassifierModel(models.Model):
    """A version of the learned models: the category model and the pair model ("likely the same",
    with its calibrated threshold) in ``payload``. Exactly one row is active at a time (none: the
    keyword model and the shipped pair model); the others stay to compare and roll back to.
    ``figures`` holds how it did on the held-out part of the district's own decisions, beside
    the version that was active when it was trained."""

    class Source(models.TextChoices):
        HISTORY = "history", "历史诉求类别"
        DECISIONS = "decisions", "工作人员研判"

    created_at = models.DateTimeField("训练时间", auto_now_add=True)
    samples = models.PositiveIntegerField("训练样本数")
    categories = models.JSONField("类别")
    payload = models.JSONField("模型参数")
    holdout_top1 = models.FloatField("留出集首选准确率", null=True, blank=True)
    active = models.BooleanField("启用", default=True)
    source = models.CharField("训练来源", max_length=12, choices=Source.choices, default=Source.HISTORY)
    figures = models.JSONField("评估指标", default=dict, blank=True)
    promoted = models.BooleanField("通过评估", default=True)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)

    class Meta:
        verbose_name = "文本模型版本"
        verbose_name_plural = "文本模型版本"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(samples__gte=0), name="text_classifier_samples")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}（{self.samples} 条）"


class Judgement(models.Model):
    """A staff decision the models learn from: two records are the same problem (a merge), are
    not (a split, a "not the same" dismissal), or a record's category was corrected. The newest
    decision about a pair (or a record's category) replaces the earlier one."""

    class Label(models.TextChoices):
        SAME = "same", "同一问题"
        DIFFERENT = "different", "不是同一问题"
        CATEGORY = "category", "类别更正"

    label = models.CharField("标注", max_length=10, choices=Label.choices)
    via = models.CharField("来源操作", max_length=20)
    kind = models.CharField("类型", max_length=12, choices=DocumentKind.choices, default=DocumentKind.CONCERN)
    object_id = models.PositiveBigIntegerField("对象编号")
    text = models.TextField("文本")
    other_kind = models.CharField("对方类型", max_length=12, choices=DocumentKind.choices, blank=True)
    other_object_id = models.PositiveBigIntegerField("对方编号", null=True, blank=True)
    other_text = models.TextField("对方文本", blank=True)
    community_id = models.PositiveBigIntegerField("村/社区编号", null=True, blank=True)
    category = models.CharField("类别", max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        verbose_name = "研判标注"
        verbose_name_plural = "研判标注"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "other_kind", "other_object_id"],
                condition=~Q(label="category"),
                name="text_judgement_one_per_pair",
            ),
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=Q(label="category"),
                name="text_judgement_one_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_label_display()} {self.object_id}"
