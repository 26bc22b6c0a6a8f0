"""Topics (议题): what a consultation is about, made of one or more merged concerns.

A topic keeps the lineage of its concerns (``TopicConcern``: who joined them, when, how; rows are
never deleted, a split sets ``removed_at``), its documents, and its timeline as audit events.
The supporter count is derived from its concerns, never typed in.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from shangliang.concerns.models import FollowerFields
from shangliang.core.models import TimeStampedModel, VersionedModel


class TopicForm(models.TextChoices):
    MICRO = "micro", "微协商"
    DOOR = "door", "上门协商"
    ESTATE = "estate", "小区协商"
    OWNERS = "owners", "业主协商"
    COURTYARD = "courtyard", "庭院议事"
    ENTERPRISE = "enterprise", "企事业单位协商"
    COMMUNITY = "community", "村社区协商"
    THEMATIC = "thematic", "专题协商"
    COUNTERPART = "counterpart", "对口协商"
    SECTOR = "sector", "界别协商"


class TopicPurpose(models.TextChoices):
    DELIBERATE = "deliberate", "议事性"
    CONSENSUS = "consensus", "共识性"
    SERVICE = "service", "服务性"


class TopicSource(models.TextChoices):
    """The four sources of DOMAIN §1 (same values as ``concerns.ConcernSource``)."""

    RESIDENT = "resident", "群众出题"
    GRID = "grid", "网格筛题"
    MEMBER = "member", "委员荐题"
    GOVERNMENT = "government", "党委政府点题"


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已立题"
    SCHEDULED = "scheduled", "已安排协商"
    CONSULTED = "consulted", "已协商"
    IMPLEMENTING = "implementing", "落实中"
    EVALUATING = "evaluating", "评价中"
    CLOSED = "closed", "已办结"
    REOPENED = "reopened", "重新办理"
    CANCELLED = "cancelled", "已撤销"


TOPIC_TRANSITIONS: dict[str, frozenset[str]] = {
    TopicStatus.PROPOSED: frozenset({TopicStatus.APPROVED, TopicStatus.CANCELLED}),
    TopicStatus.APPROVED: frozenset({TopicStatus.SCHEDULED, TopicStatus.CANCELLED}),
    TopicStatus.SCHEDULED: frozenset({TopicStatus.CONSULTED, TopicStatus.APPROVED, TopicStatus.CANCELLED}),
    TopicStatus.CONSULTED: frozenset({TopicStatus.IMPLEMENTING, TopicStatus.CANCELLED}),
    TopicStatus.IMPLEMENTING: frozenset({TopicStatus.EVALUATING, TopicStatus.CANCELLED}),
    TopicStatus.EVALUATING: frozenset({TopicStatus.CLOSED, TopicStatus.REOPENED}),
    TopicStatus.REOPENED: frozenset(
        {TopicStatus.IMPLEMENTING, TopicStatus.EVALUATING, TopicStatus.CANCELLED}
    ),
    TopicStatus.CLOSED: frozenset(),
    TopicStatus.CANCELLED: frozenset(),
}

# Concerns may join (be merged into) a topic only while it is still open.
JOINABLE_STATUSES = frozenset(
    {
        TopicStatus.PROPOSED,
        TopicStatus.APPROVED,
        TopicStatus.SCHEDULED,
        TopicStatus.CONSULTED,
        TopicStatus.IMPLEMENTING,
        TopicStatus.REOPENED,
    }
)
FINISHED_STATUSES = frozenset({TopicStatus.CLOSED, TopicStatus.CANCELLED})
# The only changes a person makes on the topic page itself: 批准立题 and 撤销 (with a reason).
# Every other state follows the step that makes it true (a meeting planned, held, its consensus
# assigned, 三评 opened and closed) and is moved by that step's service.
MANUAL_TRANSITIONS = frozenset({TopicStatus.APPROVED, TopicStatus.CANCELLED})


class Topic(VersionedModel):
    title = models.CharField("议题名称", max_length=100)
    description = models.TextField("议题说明", blank=True)
    form = models.CharField("协商形式", max_length=12, choices=TopicForm.choices, default=TopicForm.MICRO)
    purpose = models.CharField(
        "协商目的", max_length=12, choices=TopicPurpose.choices, default=TopicPurpose.DELIBERATE
    )
    source = models.CharField(
        "来源", max_length=12, choices=TopicSource.choices, default=TopicSource.RESIDENT
    )
    status = models.CharField(
        "状态", max_length=14, choices=TopicStatus.choices, default=TopicStatus.PROPOSED, db_index=True
    )
    region = models.ForeignKey(
        "places.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="topics"
    )
    community = models.ForeignKey(
        "places.Region",
        verbose_name="所在村/社区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_topics",
    )
    region_path = models.CharField("区域路径", max_length=255, db_index=True)
    category = models.ForeignKey(
        "text.Category",
        verbose_name="类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        "places.Organisation",
        verbose_name="负责专委会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
        limit_choices_to={"kind": "special_committee"},
    )
    activity_group = models.ForeignKey(
        "places.ActivityGroup",
        verbose_name="负责委员活动小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
    )
    required_by = models.DateField("要求完成日期", null=True, blank=True)
    research_notes = models.TextField("调研情况", blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=300, blank=True)
    is_public = models.BooleanField(
        "公开", default=True, help_text="公开的议题居民可以在网站上看到（不含个人信息）。"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = "议题"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="topic_status_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="government") | Q(required_by__isnull=False),
                name="topic_government_has_required_by",
                violation_error_message="党委政府点题须填写要求完成日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="topic_cancelled_has_reason",
                violation_error_message="撤销议题须说明原因。",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_joinable(self) -> bool:
        return self.status in JOINABLE_STATUSES


class JoinedVia(models.TextChoices):
    CREATED = "created", "立题时纳入"
    JOINED = "joined", "研判并入"
    MERGED = "merged", "合并重复诉求"


class TopicConcern(models.Model):
    """Lineage: a concern in a topic. A split keeps the row and sets ``removed_at``."""

    topic = models.ForeignKey(Topic, verbose_name="议题", on_delete=models.CASCADE, related_name="links")
    concern = models.ForeignKey(
        "concerns.Concern", verbose_name="诉求", on_delete=models.PROTECT, related_name="topic_links"
    )
    via = models.CharField("方式", max_length=10, choices=JoinedVia.choices, default=JoinedVia.JOINED)
    joined_at = models.DateTimeField("并入时间", auto_now_add=True)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField("拆分时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="拆分人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "议题所含诉求"
        verbose_name_plural = "议题所含诉求"
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern"],
                condition=Q(removed_at__isnull=True),
                name="topic_concern_one_active_topic",
                violation_error_message="该诉求已在另一个议题中。",
            )
        ]
        indexes = [models.Index(fields=["topic", "removed_at"], name="topic_concern_active_idx")]

    def __str__(self) -> str:
        return f"{self.topic_id} ← {self.concern_id}"


def document_upload_to(instance: TopicDocument, filename: str) -> str:
    return f"topics/{instance.topic_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class TopicDocument(TimeStampedModel):
    """Research notes, photos and other material. Staff-only: never shown on the public page."""

    topic = models.ForeignKey(Topic, verbose_name="议题", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to=document_upload_to)
    name = models.CharField("文件名", max_length=200)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "议题材料"
        verbose_name_plural = "议题材料"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class TopicFollower(FollowerFields):
    """Follows a public topic: anyone may, by phone, and hears of each public step."""

    kind = "topic"
    kind_label = "议题"
    topic = models.ForeignKey(Topic, verbose_name="议题", on_delete=models.CASCADE, related_name="followers")

    class Meta:
        verbose_name = "关注议题的居民"
        verbose_name_plural = "关注议题的居民"
        constraints = [
            models.UniqueConstraint(fields=["topic", "phone_hash"], name="topic_follower_once"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} 关注{self.pk}"
