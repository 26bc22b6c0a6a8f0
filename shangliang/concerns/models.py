"""Concerns (诉求 / 议题线索): what residents, grid workers, members and the government raise.

A concern belongs to a place (a community or a grid), has a tracking code the resident keeps, and
follows the states of DOMAIN §4. Personal data (the resident's name and phone) is stored encrypted,
with a keyed hash to find a person's concerns by phone; it is shown masked except to staff who need
it, and every full view is an audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shangliang.core.models import TimeStampedModel, VersionedModel


class ConcernSource(models.TextChoices):
    RESIDENT = "resident", "群众出题"
    GRID = "grid", "网格筛题"
    MEMBER = "member", "委员荐题"
    GOVERNMENT = "government", "党委政府点题"


class EntryChannel(models.TextChoices):
    ONLINE = "online", "居民自行提交"
    PHONE = "phone", "电话代录"
    DOOR_TO_DOOR = "door", "入户走访代录"
    PAPER = "paper", "纸质表格录入"
    HOTLINE = "hotline", "12345热线转来"
    SITE = "site", "议事日现场登记"


ASSISTED_CHANNELS = (
    EntryChannel.PHONE,
    EntryChannel.DOOR_TO_DOOR,
    EntryChannel.PAPER,
    EntryChannel.HOTLINE,
    EntryChannel.SITE,
)


class ConcernStatus(models.TextChoices):
    SUBMITTED = "submitted", "已受理"
    SCREENING = "screening", "研判中"
    ACCEPTED = "accepted", "已立题"
    ASSIGNED_DIRECTLY = "assigned_directly", "已直接交办"
    REFERRED = "referred", "已转介"
    CONVERTED = "converted", "已转提案/社情民意"
    MERGED = "merged", "已合并"
    DECLINED = "declined", "不予立题"
    RESOLVED = "resolved", "已解决"
    CLOSED = "closed", "已办结"


# The decisions of DOMAIN §1 step 2. A decision may be taken straight from ``submitted``: the
# screening desk does not force a separate "start screening" click.
DECISION_STATUSES = frozenset(
    {
        ConcernStatus.ACCEPTED,
        ConcernStatus.ASSIGNED_DIRECTLY,
        ConcernStatus.REFERRED,
        ConcernStatus.CONVERTED,
        ConcernStatus.MERGED,
        ConcernStatus.DECLINED,
    }
)

CONCERN_TRANSITIONS: dict[str, frozenset[str]] = {
    ConcernStatus.SUBMITTED: frozenset({ConcernStatus.SCREENING, *DECISION_STATUSES}),
    ConcernStatus.SCREENING: frozenset(
        {
            ConcernStatus.ACCEPTED,
            ConcernStatus.ASSIGNED_DIRECTLY,
            ConcernStatus.REFERRED,
            ConcernStatus.CONVERTED,
            ConcernStatus.MERGED,
            ConcernStatus.DECLINED,
        }
    ),
    # Back to screening: split out of the topic it had joined.
    ConcernStatus.ACCEPTED: frozenset(
        {ConcernStatus.RESOLVED, ConcernStatus.CLOSED, ConcernStatus.SCREENING}
    ),
    ConcernStatus.ASSIGNED_DIRECTLY: frozenset({ConcernStatus.RESOLVED, ConcernStatus.CLOSED}),
    ConcernStatus.REFERRED: frozenset({ConcernStatus.CLOSED}),
    ConcernStatus.CONVERTED: frozenset({ConcernStatus.CLOSED}),
    ConcernStatus.MERGED: frozenset({ConcernStatus.SCREENING}),
    ConcernStatus.RESOLVED: frozenset({ConcernStatus.CLOSED}),
    ConcernStatus.DECLINED: frozenset(),
    ConcernStatus.CLOSED: frozenset(),
}

# Waiting for a screening decision (the screening desk's default view, the first-response deadline).
AWAITING_DECISION = frozenset({ConcernStatus.SUBMITTED, ConcernStatus.SCREENING})

# While a concern is in one of these states the resident may still add to it.
OPEN_STATUSES = frozenset(
    {
        ConcernStatus.SUBMITTED,
        ConcernStatus.SCREENING,
        ConcernStatus.ACCEPTED,
        ConcernStatus.ASSIGNED_DIRECTLY,
        ConcernStatus.REFERRED,
        ConcernStatus.CONVERTED,
    }
)


# Never public, whatever was confirmed before.
NEVER_PUBLIC = frozenset(
    {ConcernStatus.SUBMITTED, ConcernStatus.SCREENING, ConcernStatus.DECLINED, ConcernStatus.MERGED}
)
# The one rule of what anyone may read: the resident agreed, nothing waits for review, staff
# confirmed the masked text after screening, and the concern was neither declined nor merged.
PUBLICLY_VISIBLE = Q(is_public=True, needs_review=False, published_at__isnull=False) & ~Q(
    status__in=list(NEVER_PUBLIC)
)


class Concern(VersionedModel):
    tracking_code = models.CharField("查询码", max_length=12, unique=True)
    source = models.CharField(
        "来源", max_length=12, choices=ConcernSource.choices, default=ConcernSource.RESIDENT
    )
    channel = models.CharField(
        "渠道", max_length=10, choices=EntryChannel.choices, default=EntryChannel.ONLINE
    )
    status = models.CharField(
        "状态", max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.SUBMITTED, db_index=True
    )
    text = models.TextField("诉求内容")
    place_description = models.CharField("具体位置", max_length=200, blank=True)
    region = models.ForeignKey(
        "places.Region", verbose_name="所在区域", on_delete=models.PROTECT, related_name="concerns"
    )
    community = models.ForeignKey(
        "places.Region",
        verbose_name="所在村/社区",
        on_delete=models.PROTECT,
        related_name="community_concerns",
    )
    region_path = models.CharField("区域路径", max_length=255, db_index=True)
    category = models.ForeignKey(
        "text.Category",
        verbose_name="类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # concern_category_time_idx leads with it
    )
    suggested_category = models.CharField("系统推荐类别", max_length=30, blank=True)
    # Personal data, encrypted (shangliang.privacy.personal).
    name_encrypted = models.TextField("姓名（加密）", blank=True)
    phone_encrypted = models.TextField("手机号（加密）", blank=True)
    phone_hash = models.CharField("手机号索引", max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField("手机号（脱敏）", max_length=20, blank=True)
    contact_consent_at = models.DateTimeField("同意使用联系方式时间", null=True, blank=True)
    anonymous = models.BooleanField("匿名", default=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assisted_concerns",
    )
    external_ref = models.CharField("外部编号（12345工单号等）", max_length=40, blank=True)
    needs_review = models.BooleanField("需人工审核", default=False)
    review_reason = models.CharField("审核原因", max_length=200, blank=True)
    is_public = models.BooleanField(
        "同意公开", default=True, help_text="居民同意后，经研判、由工作人员确认隐去个人信息的文字才公开。"
    )
    # Public face (only after screening, never for declined or merged concerns): a random key for
    # its address, the text staff confirmed with personal details masked, and when they did.
    public_id = models.CharField("公开编号", max_length=16, unique=True, null=True, blank=True)
    public_text = models.TextField("公开文字（已隐去个人信息）", blank=True)
    published_at = models.DateTimeField("确认公开时间", null=True, blank=True)
    supporters_count = models.PositiveIntegerField("附议人数", default=0)
    client_token = models.CharField("提交令牌", max_length=64, unique=True, null=True, blank=True)
    submitted_ip_hash = models.CharField("提交地址索引", max_length=64, blank=True)
    first_response_due = models.DateField("首次答复期限", null=True, blank=True)
    # Screening (研判): a duplicate points at the concern that represents it; the text engine's
    # count of likely duplicates at intake feeds the desk's "has likely duplicates" filter.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_concerns",
    )
    likely_duplicates = models.PositiveSmallIntegerField("疑似重复数", default=0)
    decided_at = models.DateTimeField("研判时间", null=True, blank=True)
    # A community secretary's first-level opinion (一级研判), when the district requires one.
    first_level_decision = models.CharField("社区初审意见", max_length=20, blank=True)
    first_level_reason = models.CharField("社区初审理由", max_length=300, blank=True)
    first_level_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="社区初审人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_level_at = models.DateTimeField("社区初审时间", null=True, blank=True)

    class Meta:
        verbose_name = "群众诉求"
        verbose_name_plural = "群众诉求"
        ordering = ["-created_at", "-id"]
        indexes = [
            # By status, newest first; the columns after the time are every filter the desk
            # applies, so its capped count (ADR 34) reads index entries, never rows.
            models.Index(
                fields=[
                    "status",
                    "created_at",
                    "community",
                    "source",
                    "category",
                    "likely_duplicates",
                    "needs_review",
                    "first_response_due",
                    "region_path",
                ],
                name="concern_status_desk_idx",
            ),
            models.Index(fields=["community", "created_at"], name="concern_community_time_idx"),
            # The desk filtered by source in a community (委员荐题, 网格筛题 are a small share); with
            # the status, a count in a community reads the index alone.
            models.Index(
                fields=["community", "source", "created_at", "status"], name="concern_community_source_idx"
            ),
            # The screening desk's sorts: by first-response deadline, by residents affected.
            models.Index(fields=["category", "created_at", "status"], name="concern_category_time_idx"),
            models.Index(fields=["first_response_due", "id"], name="concern_due_idx"),
            models.Index(fields=["supporters_count", "id"], name="concern_supporters_idx"),
            # The statistics count the days after their last rollup live, by these dates (the
            # creation time has its own index from TimeStampedModel).
            models.Index(fields=["decided_at"], name="concern_decided_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="concern_not_merged_into_itself",
                violation_error_message="不能把诉求合并到它自己。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.text[:20]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_publicly_visible(self) -> bool:
        """``PUBLICLY_VISIBLE`` for one record in hand."""
        return (
            self.is_public
            and not self.needs_review
            and self.published_at is not None
            and self.status not in NEVER_PUBLIC
        )

    @property
    def response_overdue(self) -> bool:
        """Derived: still waiting for a screening decision after the first-response deadline."""
        return (
            self.status in AWAITING_DECISION
            and self.first_response_due is not None
            and self.first_response_due < timezone.localdate()
        )


def photo_upload_to(instance: ConcernPhoto, filename: str) -> str:
    return f"concerns/{instance.concern_id}/{filename}"


class ConcernPhoto(TimeStampedModel):
    """A photo, re-encoded on upload (location and other metadata removed), with a thumbnail."""

    concern = models.ForeignKey(Concern, verbose_name="诉求", on_delete=models.CASCADE, related_name="photos")
    followup = models.ForeignKey(
        "ConcernFollowUp",
        verbose_name="补充",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField("图片", upload_to=photo_upload_to, width_field="width", height_field="height")
    thumbnail = models.ImageField("缩略图", upload_to=photo_upload_to)
    width = models.PositiveIntegerField("宽", default=0)
    height = models.PositiveIntegerField("高", default=0)

    class Meta:
        verbose_name = "诉求照片"
        verbose_name_plural = "诉求照片"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.concern.tracking_code} 照片{self.pk}"


class ConcernFollowUp(TimeStampedModel):
    """Something the resident added while the concern was open."""

    concern = models.ForeignKey(
        Concern, verbose_name="诉求", on_delete=models.CASCADE, related_name="followups"
    )
    text = models.TextField("补充内容", blank=True)

    class Meta:
        verbose_name = "居民补充"
        verbose_name_plural = "居民补充"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.concern.tracking_code} 补充{self.pk}"


class ConcernSupport(TimeStampedModel):
    """A resident saying "我也遇到" instead of filing the same problem again. One per phone, or per
    browser (a random token in a cookie) for residents who give no phone."""

    concern = models.ForeignKey(
        Concern, verbose_name="诉求", on_delete=models.CASCADE, related_name="supports"
    )
    supporter_key = models.CharField("附议人索引", max_length=64)
    ip_hash = models.CharField("地址索引", max_length=64, blank=True)

    class Meta:
        verbose_name = "附议"
        verbose_name_plural = "附议"
        constraints = [
            models.UniqueConstraint(fields=["concern", "supporter_key"], name="concern_support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.concern.tracking_code} 附议{self.pk}"


class SensitiveWord(TimeStampedModel):
    """A word that sends a concern to staff review before it is shown publicly (never dropped)."""

    word = models.CharField("敏感词", max_length=30, unique=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"
        ordering = ["word"]
        constraints = [models.CheckConstraint(condition=~Q(word=""), name="sensitive_word_not_empty")]

    def __str__(self) -> str:
        return self.word


class FollowerFields(TimeStampedModel):
    """A resident who asked, with their phone and consent, to be told by SMS of each public change
    of something they did not file. The token in each SMS lets them stop without an account."""

    phone_encrypted = models.TextField("手机号（加密）")
    phone_hash = models.CharField("手机号索引", max_length=64, db_index=True)
    phone_masked = models.CharField("手机号（脱敏）", max_length=20)
    token = models.CharField("退订令牌", max_length=32, unique=True)

    class Meta:
        abstract = True


class ConcernFollower(FollowerFields):
    """Follows a public concern ("我也遇到" with a phone)."""

    kind = "concern"
    kind_label = "问题"
    concern = models.ForeignKey(
        Concern, verbose_name="诉求", on_delete=models.CASCADE, related_name="followers"
    )

    class Meta:
        verbose_name = "关注诉求的居民"
        verbose_name_plural = "关注诉求的居民"
        constraints = [
            models.UniqueConstraint(fields=["concern", "phone_hash"], name="concern_follower_once"),
        ]

    def __str__(self) -> str:
        return f"{self.concern.tracking_code} 关注{self.pk}"
