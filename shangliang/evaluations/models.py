"""三评 (DOMAIN §4) and outcome indicators.

An ``Evaluation`` is one round of evaluating a topic, or a direct assignment (直接交办) that has no
topic. Every raw vote is a row: 党政点评 (``Review``), online 民主评议 ballots (``Ballot``) of the
invited evaluators (``Invitee``), paper ballot counts with the ballot photo (``PaperTally``), and
群众评价 (``ResidentVote``), one per household or verified phone. The scores are derived from the
rows by ``rules``; when staff close the round the result is frozen on it, so a later change of the
weights does not rewrite a published result.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q

from shangliang.core.models import TimeStampedModel, VersionedModel


class EvaluationStatus(models.TextChoices):
    OPEN = "open", "评价中"
    CLOSED = "closed", "已结束"


EVALUATION_TRANSITIONS: dict[str, frozenset[str]] = {
    EvaluationStatus.OPEN: frozenset({EvaluationStatus.CLOSED}),
    EvaluationStatus.CLOSED: frozenset(),
}


class Grade(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class Choice(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNKNOWN = "unknown", "不了解"


class VoteChannel(models.TextChoices):
    QR = "qr", "扫码评价"
    SMS = "sms", "短信链接"
    VISIT = "visit", "网格员入户代录"


def _token() -> str:
    return secrets.token_urlsafe(12)


class Evaluation(VersionedModel):
    topic = models.ForeignKey(
        "topics.Topic",
        verbose_name="议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    item = models.ForeignKey(
        "actions.ActionItem",
        verbose_name="直接交办事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    round = models.PositiveSmallIntegerField("轮次", default=1)
    status = models.CharField(
        "状态", max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN, db_index=True
    )
    title = models.CharField("评价对象", max_length=100)
    region = models.ForeignKey(
        "places.Region", verbose_name="所属区域", on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("区域路径", max_length=255, db_index=True)
    # The public link and QR code for 群众评价 carry this, never the primary key.
    public_token = models.CharField("评价链接码", max_length=24, unique=True, default=_token)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Frozen at close from the raw rows by ``rules.outcome`` with the weights then in force.
    party_score = models.DecimalField("党政点评得分", max_digits=6, decimal_places=2, null=True, blank=True)
    democratic_score = models.DecimalField(
        "民主评议得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    democratic_valid = models.BooleanField("民主评议有效", null=True, blank=True)
    resident_score = models.DecimalField(
        "群众评价得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    resident_satisfaction = models.DecimalField(
        "群众满意率", max_digits=6, decimal_places=4, null=True, blank=True
    )
    composite = models.DecimalField("综合得分", max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField("通过", null=True, blank=True)
    weights = models.JSONField("权重", null=True, blank=True)
    result_notes = models.JSONField("结果说明", null=True, blank=True)
    rehandle_deadline = models.DateField("再办理期限", null=True, blank=True)
    close_comment = models.TextField("结论意见", blank=True)

    class Meta:
        verbose_name = "三评"
        verbose_name_plural = "三评"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, item__isnull=True)
                | Q(topic__isnull=True, item__isnull=False),
                name="evaluation_one_subject",
                violation_error_message="评价对象须是一个议题或一件直接交办事项。",
            ),
            models.UniqueConstraint(
                fields=["topic"],
                condition=Q(status="open"),
                name="evaluation_one_open_per_topic",
                violation_error_message="该议题已有进行中的评价。",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="open"),
                name="evaluation_one_open_per_item",
                violation_error_message="该事项已有进行中的评价。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.round}轮）"

    @property
    def is_open(self) -> bool:
        return self.status == EvaluationStatus.OPEN


class Review(TimeStampedModel):
    """党政点评: one reviewer's grade and comment."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="三评", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="点评人", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField("等次", max_length=12, choices=Grade.choices)
    comment = models.TextField("点评意见")

    class Meta:
        verbose_name = "党政点评"
        verbose_name_plural = "党政点评"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "reviewer"],
                name="review_once_per_reviewer",
                violation_error_message="您已点评过。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.get_grade_display()}"


class InviteeKind(models.TextChoices):
    MEMBER = "member", "政协委员"
    REPRESENTATIVE = "representative", "群众代表"


class Invitee(TimeStampedModel):
    """Someone invited to 民主评议. With an account they vote online; without, on paper."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="三评", on_delete=models.CASCADE, related_name="invitees"
    )
    kind = models.CharField("身份", max_length=16, choices=InviteeKind.choices)
    name = models.CharField("姓名", max_length=30)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "民主评议应邀人"
        verbose_name_plural = "民主评议应邀人"
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"],
                condition=Q(user__isnull=False),
                name="invitee_once_per_user",
                violation_error_message="该人员已在应邀名单中。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Ballot(TimeStampedModel):
    """An online 民主评议 ballot of one invitee."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="三评", on_delete=models.CASCADE, related_name="ballots"
    )
    invitee = models.OneToOneField(
        Invitee, verbose_name="评议人", on_delete=models.PROTECT, related_name="ballot"
    )
    choice = models.CharField("评议", max_length=12, choices=Choice.choices)
    comment = models.CharField("意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "民主评议票"
        verbose_name_plural = "民主评议票"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.invitee} {self.get_choice_display()}"


def ballot_photo_upload_to(instance: PaperTally, filename: str) -> str:
    return (
        f"evaluations/{instance.evaluation_id}/ballots/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"
    )


class PaperTally(TimeStampedModel):
    """Counts typed in from a paper 民主评议 ballot box, with a photo of the ballots."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="三评", on_delete=models.CASCADE, related_name="tallies"
    )
    satisfied = models.PositiveIntegerField("满意")
    basically = models.PositiveIntegerField("基本满意")
    dissatisfied = models.PositiveIntegerField("不满意")
    unknown = models.PositiveIntegerField("不了解")
    photo = models.ImageField("选票照片", upload_to=ballot_photo_upload_to)
    note = models.CharField("说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "纸质评议票统计"
        verbose_name_plural = "纸质评议票统计"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.evaluation_id} 纸质票 {self.satisfied}/{self.basically}/{self.dissatisfied}/{self.unknown}"


class ResidentVote(TimeStampedModel):
    """群众评价 by one household or verified phone (one each per evaluation)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="三评", on_delete=models.CASCADE, related_name="resident_votes"
    )
    choice = models.CharField("评价", max_length=12, choices=Choice.choices)
    comment = models.CharField("意见", max_length=300, blank=True)
    channel = models.CharField("方式", max_length=8, choices=VoteChannel.choices)
    phone_hash = models.CharField("手机号索引", max_length=64, blank=True, editable=False)
    phone_masked = models.CharField("手机号", max_length=20, blank=True)
    household_key = models.CharField("户索引", max_length=64, blank=True, editable=False)
    household = models.CharField("户（地址）", max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "群众评价"
        verbose_name_plural = "群众评价"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "phone_hash"],
                condition=~Q(phone_hash=""),
                name="resident_vote_once_per_phone",
                violation_error_message="该手机号已评价过，每个手机号只计一票。",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "household_key"],
                condition=~Q(household_key=""),
                name="resident_vote_once_per_household",
                violation_error_message="该户已评价过，每户只计一票。",
            ),
            models.CheckConstraint(
                condition=~Q(phone_hash="") | ~Q(household_key=""),
                name="resident_vote_identified",
                violation_error_message="群众评价须有验证过的手机号或户地址。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.get_choice_display()}"


class Indicator(TimeStampedModel):
    """An outcome indicator of a topic with a before and an after value (医保参保率 91.1 % → 98.3 %)."""

    topic = models.ForeignKey(
        "topics.Topic", verbose_name="议题", on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField("指标", max_length=60)
    unit = models.CharField("单位", max_length=12, blank=True)
    before = models.DecimalField("协商前", max_digits=12, decimal_places=2)
    after = models.DecimalField("落实后", max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField("数据来源", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "成效指标"
        verbose_name_plural = "成效指标"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def change(self) -> Decimal | None:
        return None if self.after is None else self.after - self.before

    @property
    def before_text(self) -> str:
        return plain_number(self.before) + self.unit

    @property
    def after_text(self) -> str:
        return "—" if self.after is None else plain_number(self.after) + self.unit


def plain_number(value: Decimal) -> str:
    """91.10 → "91.1", 98.00 → "98": as the figure is written, without padding zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
