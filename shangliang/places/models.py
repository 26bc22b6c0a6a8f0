"""Places and people: the region tree, organisations, CPPCC members, activity groups and rooms."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from shangliang.core.models import TimeStampedModel, VersionedModel
from shangliang.files.uploads import validate_document_or_image
from shangliang.privacy.fields import EncryptedTextField


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省/自治区"
    CITY = "city", "市"
    DISTRICT = "district", "区/县"
    STREET = "street", "街道/乡镇"
    COMMUNITY = "community", "村/社区"
    GRID = "grid", "网格"


# Which level a child may have under each parent level. A grid sits under a community only.
CHILD_LEVEL: dict[str, str] = {
    RegionLevel.PROVINCE: RegionLevel.CITY,
    RegionLevel.CITY: RegionLevel.DISTRICT,
    RegionLevel.DISTRICT: RegionLevel.STREET,
    RegionLevel.STREET: RegionLevel.COMMUNITY,
    RegionLevel.COMMUNITY: RegionLevel.GRID,
}


class CommunityKind(models.TextChoices):
    COMMUNITY = "community", "社区"
    VILLAGE = "village", "村"


class Region(TimeStampedModel):
    """A node of the region tree. ``path`` holds the ids from the root ("/1/4/27/") so that
    "inside this region" is one indexed prefix match."""

    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    code = models.CharField("区划代码", max_length=20, blank=True)
    community_kind = models.CharField("村/社区类型", max_length=10, choices=CommunityKind.choices, blank=True)
    leader_name = models.CharField("负责人（网格长）", max_length=30, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="region_unique_name_in_parent",
                violation_error_message="同一上级区域下已有同名区域。",
            ),
            # NULL parents never clash in a unique constraint, so top-level names need their own.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="region_unique_root_name",
                violation_error_message="已有同名的最上级区域。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        """0 for a top-level region, 1 for its children, and so on."""
        return max(self.path.count("/") - 2, 0)

    def contains(self, other: Region) -> bool:
        return bool(self.path) and other.path.startswith(self.path)


class OrganisationKind(models.TextChoices):
    CPPCC_BODY = "cppcc_body", "政协机构"
    SPECIAL_COMMITTEE = "special_committee", "专门委员会"
    SECTOR = "sector", "界别"
    PARTY = "party", "党委"
    GOVERNMENT = "government", "政府"
    DEPARTMENT = "department", "职能部门/承办单位"
    LINKED_BODY = "linked_body", "联动平台"


class Organisation(TimeStampedModel):
    name = models.CharField("名称", max_length=80)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervising_leader = models.CharField("分管领导", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    categories = models.CharField(
        "承办事项类别", max_length=200, blank=True, help_text="以顿号或逗号分隔，用于推荐承办单位。"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                name="organisation_unique_kind_name",
                violation_error_message="已有同类型同名的组织机构。",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberLevel(models.TextChoices):
    REGION = "region", "自治区政协委员"
    CITY = "city", "市政协委员"
    DISTRICT = "district", "区政协委员"


class Member(VersionedModel):
    """A CPPCC member (政协委员). A sign-in account links to it from ``accounts.User.member``."""

    name = models.CharField("姓名", max_length=30)
    level = models.CharField("委员层级", max_length=10, choices=MemberLevel.choices)
    sector = models.ForeignKey(
        Organisation,
        verbose_name="界别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sector_members",
        limit_choices_to={"kind": OrganisationKind.SECTOR},
    )
    committee = models.ForeignKey(
        Organisation,
        verbose_name="专门委员会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_members",
        limit_choices_to={"kind": OrganisationKind.SPECIAL_COMMITTEE},
    )
    term = models.CharField("届次", max_length=20, default="第十届")
    is_standing = models.BooleanField("常委", default=False)
    work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)
    # Stored encrypted like residents' numbers (privacy.fields); shown masked, full views logged.
    phone = EncryptedTextField("联系电话", blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "政协委员"
        verbose_name_plural = "政协委员"
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class ActivityGroup(VersionedModel):
    """2–3 members stationed in one village/community (委员联系村(社区)活动小组)."""

    community = models.OneToOneField(
        Region,
        verbose_name="联系村/社区",
        on_delete=models.PROTECT,
        related_name="activity_group",
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    name = models.CharField("小组名称", max_length=60)
    members = models.ManyToManyField(
        Member, verbose_name="组员", through="ActivityGroupMembership", related_name="activity_groups"
    )

    class Meta:
        verbose_name = "委员活动小组"
        verbose_name_plural = "委员活动小组"
        ordering = ["community__path"]

    def __str__(self) -> str:
        return self.name


class ActivityGroupMembership(models.Model):
    group = models.ForeignKey(ActivityGroup, verbose_name="小组", on_delete=models.CASCADE)
    member = models.ForeignKey(Member, verbose_name="委员", on_delete=models.PROTECT)
    is_leader = models.BooleanField("组长", default=False)

    class Meta:
        verbose_name = "小组成员"
        verbose_name_plural = "小组成员"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "member"],
                name="group_member_unique",
                violation_error_message="该委员已在本小组中。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.member}"


class RoomKind(models.TextChoices):
    STREET = "street", "街道议事室"
    COMMUNITY = "community", "村/社区议事室"
    ENTERPRISE = "enterprise", "企事业单位议事室"


class Room(VersionedModel):
    """A 协商议事室."""

    name = models.CharField("名称", max_length=80, unique=True)
    kind = models.CharField("类型", max_length=12, choices=RoomKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所在区域", on_delete=models.PROTECT, related_name="rooms"
    )
    address = models.CharField("地址", max_length=200)
    capacity = models.PositiveIntegerField("可容纳人数", default=30, validators=[MinValueValidator(1)])
    convener_name = models.CharField("召集人", max_length=30, blank=True)
    convener_phone = models.CharField("召集人电话", max_length=20, blank=True)
    host_unit = models.CharField("依托单位（企业议事室）", max_length=80, blank=True)
    description = models.TextField("简介", blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "协商议事室"
        verbose_name_plural = "协商议事室"
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class StandardItem(models.TextChoices):
    """The "四有" standard for a consultation room."""

    LOGO = "logo", "有统一标识"
    PLACE = "place", "有固定阵地"
    DUTIES = "duties", "有明确职责"
    RULES = "rules", "有配套工作机制"


def evidence_upload_to(instance: RoomStandardCheck, filename: str) -> str:
    # The stored name is random so that it cannot be guessed; the original name is kept in
    # ``evidence_name`` and given back on download.
    return f"rooms/{instance.room_id}/evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class RoomStandardCheck(TimeStampedModel):
    room = models.ForeignKey(
        Room, verbose_name="议事室", on_delete=models.CASCADE, related_name="standard_checks"
    )
    item = models.CharField("四有项目", max_length=10, choices=StandardItem.choices)
    satisfied = models.BooleanField("已达标", default=False)
    evidence = models.FileField(
        "佐证材料",
        upload_to=evidence_upload_to,
        blank=True,
        validators=[validate_document_or_image],
        help_text="照片、PDF、Word 文档或 Excel 表格；只有有权限的工作人员可以查看。",
    )
    evidence_name = models.CharField("材料原文件名", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    checked_on = models.DateField("核查日期", null=True, blank=True)

    class Meta:
        verbose_name = "“四有”核查"
        verbose_name_plural = "“四有”核查"
        ordering = ["room", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "item"],
                name="room_standard_item_unique",
                violation_error_message="该议事室的这一“四有”项目已有核查记录。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.get_item_display()}"


class SchedulePreset(models.TextChoices):
    FENGSHI = "fengshi", "逢十说事"
    ERWU = "erwu", "二五议事"
    CUSTOM = "custom", "自定义"


class RoomSchedule(VersionedModel):
    """A recurring open day of a room, as iCalendar (RFC 5545) recurrence rules, one per line."""

    room = models.ForeignKey(Room, verbose_name="议事室", on_delete=models.CASCADE, related_name="schedules")
    name = models.CharField("名称", max_length=30)
    preset = models.CharField(
        "预设", max_length=10, choices=SchedulePreset.choices, default=SchedulePreset.CUSTOM
    )
    rule = models.TextField(
        "重复规则",
        help_text="iCalendar 重复规则，每行一条，例如 RRULE:FREQ=WEEKLY;BYDAY=TU,FR",
    )
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "固定议事日"
        verbose_name_plural = "固定议事日"
        ordering = ["room", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="schedule_end_after_start",
                violation_error_message="结束时间须晚于开始时间。",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="schedule_ends_after_starts",
                violation_error_message="截止日期不能早于生效日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.name}"
