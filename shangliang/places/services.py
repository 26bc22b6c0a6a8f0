"""Every write to places, people and rooms: check permission and rules, save, audit.

Each function takes the acting user as ``actor`` and raises ``PermissionDenied`` or
``ApplicationError`` (with the form field it concerns) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.core.transitions import check_version
from shangliang.files.uploads import validate_upload
from shangliang.places import permissions as perms
from shangliang.places.models import (
    ActivityGroup,
    ActivityGroupMembership,
    Member,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    Room,
    RoomSchedule,
    RoomStandardCheck,
    SchedulePreset,
    StandardItem,
)
from shangliang.places.rules import check_group_size, check_region_level
from shangliang.places.schedules import PRESET_NAMES, PRESET_RULES, RuleError, validate_rule

M = TypeVar("M", bound=models.Model)

REGION_FIELDS = ("name", "level", "parent", "code", "community_kind", "leader_name", "sort_order")
ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "region",
    "parent",
    "supervising_leader",
    "contact_phone",
    "categories",
    "active",
)
MEMBER_FIELDS = (
    "name",
    "level",
    "sector",
    "committee",
    "term",
    "is_standing",
    "work_unit",
    "phone",
    "email",
    "active",
)
ROOM_FIELDS = (
    "name",
    "kind",
    "region",
    "address",
    "capacity",
    "convener_name",
    "convener_phone",
    "host_unit",
    "description",
    "active",
)
SCHEDULE_FIELDS = ("name", "preset", "rule", "start_time", "end_time", "starts_on", "ends_on", "active")
# Fields whose values are personal data: the audit trail records that they changed, not the value.
PRIVATE_FIELDS = frozenset({"phone", "convener_phone", "email"})


# --- Helpers ------------------------------------------------------------------------------------


def _jsonable(name: str, value: Any) -> Any:
    if name in PRIVATE_FIELDS and value:
        return "（已修改）"
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _pick(values: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    allowed = tuple(allowed)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(unknown)}")
    return dict(values)


def _apply(obj: models.Model, changes: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the fields that really change; return their old and new values for the audit trail."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in changes.items():
        current = getattr(obj, name)
        if current == value:
            continue
        old[name] = _jsonable(name, current)
        new[name] = _jsonable(name, value)
        setattr(obj, name, value)
    return old, new


def _validate(obj: models.Model, exclude: Iterable[str] = ()) -> None:
    """The model's own checks (choices, lengths, unique names) as an ``ApplicationError``."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from exc


def _save_versioned(obj: models.Model, fields: Iterable[str]) -> None:
    obj.version = F("version") + 1  # type: ignore[attr-defined]
    obj.save(update_fields=[*fields, "version", "updated_at"])
    obj.refresh_from_db(fields=["version"])


def _locked(model: type[M], pk: Any) -> M:
    return model._default_manager.select_for_update().get(pk=pk)


def _record_created(obj: models.Model, event_type: str, actor: Any, fields: Iterable[str]) -> None:
    audit.record(
        target=obj,
        event_type=event_type,
        actor=actor,
        new={name: _jsonable(name, getattr(obj, name)) for name in fields},
    )


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


# --- Regions ------------------------------------------------------------------------------------


def _check_parent(level: str, parent: Region | None) -> None:
    check_region_level(level=level, parent_level=parent.level if parent else None)


@transaction.atomic
def region_create(*, actor: Any, name: str, level: str, parent: Region | None = None, **extra: Any) -> Region:
    _deny_unless(perms.can_create_region(scope_of(actor), parent))
    _check_parent(level, parent)
    region = Region(name=name, level=level, parent=parent, **_pick(extra, REGION_FIELDS))
    if level != RegionLevel.COMMUNITY:
        region.community_kind = ""
    _validate(region, exclude=["path"])
    region.save()
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.save(update_fields=["path"])
    _record_created(region, "region.created", actor, ("name", "level", "parent"))
    return region


@transaction.atomic
def region_update(*, region: Region, actor: Any, **changes: Any) -> Region:
    """Rename or re-level a region, or move it (with its whole subtree) under another parent."""
    scope = scope_of(actor)
    region = _locked(Region, region.pk)
    _deny_unless(perms.can_change_region(scope, region))
    changes = _pick(changes, REGION_FIELDS)
    parent = changes.get("parent", region.parent)
    level = changes.get("level", region.level)
    moving = parent != region.parent
    if moving:
        _deny_unless(perms.can_create_region(scope, parent))
        if parent is not None and parent.path.startswith(region.path):
            raise ApplicationError("不能把区域移到它自己或它的下级区域之下。", field="parent")
    if level != region.level and region.children.exists():
        raise ApplicationError("该区域已有下级区域，不能修改层级。", field="level")
    _check_parent(level, parent)
    old_path = region.path
    old, new = _apply(region, changes)
    if not new:
        return region
    _validate(region, exclude=["path"])
    fields = list(new)
    if moving:
        region.path = f"{parent.path if parent else '/'}{region.pk}/"
        fields.append("path")
    region.save(update_fields=[*fields, "updated_at"])
    if moving:
        # Every descendant's path starts with the old path; swap that prefix in one statement.
        Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).update(
            path=Concat(Value(region.path), Substr("path", len(old_path) + 1))
        )
    audit.record(
        target=region,
        event_type="region.moved" if moving else "region.updated",
        actor=actor,
        old=old,
        new=new,
    )
    return region


# --- Organisations and members ---------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    organisation = Organisation(**_pick(fields, ORGANISATION_FIELDS))
    _deny_unless(perms.can_manage_organisation(scope_of(actor), organisation))
    _validate(organisation)
    organisation.save()
    _record_created(organisation, "organisation.created", actor, ("name", "kind"))
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: Any, **changes: Any) -> Organisation:
    scope = scope_of(actor)
    organisation = _locked(Organisation, organisation.pk)
    _deny_unless(perms.can_manage_organisation(scope, organisation))
    old, new = _apply(organisation, _pick(changes, ORGANISATION_FIELDS))
    if not new:
        return organisation
    if organisation.parent_id is not None and organisation.parent_id == organisation.pk:
        raise ApplicationError("上级单位不能是它自己。", field="parent")
    _deny_unless(perms.can_manage_organisation(scope, organisation))
    _validate(organisation)
    organisation.save(update_fields=[*new, "updated_at"])
    audit.record(target=organisation, event_type="organisation.updated", actor=actor, old=old, new=new)
    return organisation


def _check_member_bodies(member: Member) -> None:
    if member.sector is not None and member.sector.kind != OrganisationKind.SECTOR:
        raise ApplicationError("所选单位不是界别。", field="sector")
    if member.committee is not None and member.committee.kind != OrganisationKind.SPECIAL_COMMITTEE:
        raise ApplicationError("所选单位不是专门委员会。", field="committee")


@transaction.atomic
def member_create(*, actor: Any, **fields: Any) -> Member:
    _deny_unless(perms.can_manage_members(scope_of(actor)))
    member = Member(**_pick(fields, MEMBER_FIELDS))
    _check_member_bodies(member)
    _validate(member)
    member.save()
    _record_created(member, "member.created", actor, ("name", "level"))
    return member


@transaction.atomic
def member_update(
    *, member: Member, actor: Any, expected_version: int | None = None, **changes: Any
) -> Member:
    _deny_unless(perms.can_manage_members(scope_of(actor)))
    member = _locked(Member, member.pk)
    check_version(member, expected_version)
    old, new = _apply(member, _pick(changes, MEMBER_FIELDS))
    if not new:
        return member
    _check_member_bodies(member)
    _validate(member)
    _save_versioned(member, new)
    audit.record(target=member, event_type="member.updated", actor=actor, old=old, new=new)
    return member


def member_phone_reveal(*, member: Member, actor: Any) -> str:
    """The full phone number, for staff who need to call; every reveal is logged."""
    _deny_unless(perms.can_view_full_phone(scope_of(actor)))
    audit.record(target=member, event_type="member.phone_viewed", actor=actor)
    return member.phone


# --- Activity groups ------------------------------------------------------------------------------


@transaction.atomic
def activity_group_set_members(
    *,
    community: Region,
    members: Iterable[Member],
    actor: Any,
    leader: Member | None = None,
    name: str = "",
    expected_version: int | None = None,
) -> ActivityGroup:
    """Create or re-staff the activity group of a village/community with 2–3 members."""
    _deny_unless(perms.can_manage_activity_group(scope_of(actor), community))
    if community.level != RegionLevel.COMMUNITY:
        raise ApplicationError("活动小组只能联系村/社区。", field="community")
    chosen = list(dict.fromkeys(members))
    check_group_size(len(chosen))
    if any(not m.active for m in chosen):
        raise ApplicationError("不能把已离任的委员编入活动小组。", field="members")
    if leader is not None and leader not in chosen:
        raise ApplicationError("组长必须是本组委员。", field="leader")
    group = ActivityGroup.objects.select_for_update().filter(community=community).first()
    name = name.strip() or f"{community.name}委员活动小组"
    if group is None:
        group = ActivityGroup.objects.create(community=community, name=name)
        event = "activity_group.created"
        before: list[int] = []
        old_leader = None
    else:
        check_version(group, expected_version)
        event = "activity_group.members_set"
        rows = list(group.activitygroupmembership_set.all())
        before = sorted(r.member_id for r in rows)
        old_leader = next((r.member_id for r in rows if r.is_leader), None)
    after = sorted(m.pk for m in chosen)
    new_leader = leader.pk if leader else None
    if (
        before == after
        and old_leader == new_leader
        and group.name == name
        and event != "activity_group.created"
    ):
        return group
    ActivityGroupMembership.objects.filter(group=group).exclude(member__in=chosen).delete()
    existing = set(ActivityGroupMembership.objects.filter(group=group).values_list("member_id", flat=True))
    ActivityGroupMembership.objects.bulk_create(
        ActivityGroupMembership(group=group, member=m) for m in chosen if m.pk not in existing
    )
    ActivityGroupMembership.objects.filter(group=group).update(is_leader=False)
    if leader is not None:
        ActivityGroupMembership.objects.filter(group=group, member=leader).update(is_leader=True)
    group.name = name
    _save_versioned(group, ["name"])
    audit.record(
        target=group,
        event_type=event,
        actor=actor,
        old={"members": before, "leader": old_leader} if before else None,
        new={"members": after, "leader": new_leader},
    )
    return group


# --- Rooms ------------------------------------------------------------------------------------------


@transaction.atomic
def room_create(*, actor: Any, **fields: Any) -> Room:
    room = Room(**_pick(fields, ROOM_FIELDS))
    if room.region_id is None:
        raise ApplicationError("请选择议事室所在区域。", field="region")
    _deny_unless(perms.can_create_room(scope_of(actor), room.region))
    _validate(room)
    room.save()
    _record_created(room, "room.created", actor, ("name", "kind", "region"))
    return room


@transaction.atomic
def room_update(*, room: Room, actor: Any, expected_version: int | None, **changes: Any) -> Room:
    """Change a room; refused when the form was opened on an older version (someone saved since)."""
    scope = scope_of(actor)
    room = _locked(Room, room.pk)
    _deny_unless(perms.can_change_room(scope, room))
    check_version(room, expected_version)
    old, new = _apply(room, _pick(changes, ROOM_FIELDS))
    if not new:
        return room
    if "region" in new:
        _deny_unless(perms.can_create_room(scope, room.region))
    _validate(room)
    _save_versioned(room, new)
    audit.record(target=room, event_type="room.updated", actor=actor, old=old, new=new)
    return room


def _check_evidence(evidence: Any) -> None:
    try:
        validate_upload(evidence)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="evidence") from exc


@transaction.atomic
def room_standard_check_set(
    *,
    room: Room,
    item: str,
    satisfied: bool,
    actor: Any,
    evidence: Any = None,
    note: str = "",
    checked_on: dt.date | None = None,
) -> RoomStandardCheck:
    """Record one "四有" item of a room, optionally with a new evidence file (photo or document)."""
    room = _locked(Room, room.pk)
    _deny_unless(perms.can_change_room(scope_of(actor), room))
    if item not in StandardItem.values:
        raise ApplicationError("未知的“四有”项目。", field="item")
    if evidence:
        _check_evidence(evidence)
    check, created = RoomStandardCheck.objects.select_for_update().get_or_create(room=room, item=item)
    changes: dict[str, Any] = {"satisfied": satisfied, "note": note, "checked_on": checked_on}
    old, new = _apply(check, changes)
    if evidence:
        old["evidence"] = check.evidence_name or None
        check.evidence_name = str(getattr(evidence, "name", ""))[-200:]
        check.evidence.save(evidence.name, evidence, save=False)
        new["evidence"] = check.evidence_name
    if not new and not created:
        return check
    check.save()
    audit.record(
        target=room,
        event_type="room.standard_check_set",
        actor=actor,
        old={"item": item, **old} if not created else None,
        new={"item": item, **new},
    )
    return check


# --- Schedules ---------------------------------------------------------------------------------------


def schedule_prepare(schedule: RoomSchedule) -> None:
    """Fill the rule from a preset, then make sure the rule, times and dates make sense.

    Raises ``ApplicationError`` naming the field at fault; the admin forms call it to validate.
    """
    if schedule.preset in PRESET_RULES:
        schedule.rule = PRESET_RULES[schedule.preset]
        schedule.name = schedule.name or PRESET_NAMES[schedule.preset]
    elif schedule.preset != SchedulePreset.CUSTOM:
        raise ApplicationError("未知的预设。", field="preset")
    if not schedule.name:
        raise ApplicationError("请填写名称。", field="name")
    if schedule.start_time and schedule.end_time and schedule.end_time <= schedule.start_time:
        raise ApplicationError("结束时间须晚于开始时间。", field="end_time")
    if schedule.ends_on and schedule.starts_on and schedule.ends_on < schedule.starts_on:
        raise ApplicationError("截止日期不能早于生效日期。", field="ends_on")
    try:
        validate_rule(schedule.rule, starts_on=schedule.starts_on, ends_on=schedule.ends_on)
    except RuleError as exc:
        raise ApplicationError(str(exc), field="rule") from exc


@transaction.atomic
def room_schedule_create(*, room: Room, actor: Any, **fields: Any) -> RoomSchedule:
    room = _locked(Room, room.pk)
    _deny_unless(perms.can_change_room(scope_of(actor), room))
    values = _pick(fields, SCHEDULE_FIELDS)
    values.setdefault("name", "")
    values.setdefault("rule", "")
    schedule = RoomSchedule(room=room, **values)
    schedule_prepare(schedule)
    _validate(schedule)
    schedule.save()
    audit.record(
        target=room,
        event_type="room_schedule.created",
        actor=actor,
        new={name: _jsonable(name, getattr(schedule, name)) for name in SCHEDULE_FIELDS},
    )
    return schedule


@transaction.atomic
def room_schedule_update(
    *, schedule: RoomSchedule, actor: Any, expected_version: int | None, **changes: Any
) -> RoomSchedule:
    schedule = _locked(RoomSchedule, schedule.pk)
    _deny_unless(perms.can_change_room(scope_of(actor), schedule.room))
    check_version(schedule, expected_version)
    old, new = _apply(schedule, _pick(changes, SCHEDULE_FIELDS))
    rule_before = schedule.rule
    schedule_prepare(schedule)
    _validate(schedule)
    if schedule.rule != rule_before:
        old.setdefault("rule", rule_before)
        new["rule"] = schedule.rule
    if not new:
        return schedule
    _save_versioned(schedule, new)
    audit.record(target=schedule.room, event_type="room_schedule.updated", actor=actor, old=old, new=new)
    return schedule


@transaction.atomic
def room_schedule_delete(*, schedule: RoomSchedule, actor: Any) -> None:
    schedule = _locked(RoomSchedule, schedule.pk)
    _deny_unless(perms.can_change_room(scope_of(actor), schedule.room))
    audit.record(
        target=schedule.room,
        event_type="room_schedule.deleted",
        actor=actor,
        old={"name": schedule.name, "rule": schedule.rule},
    )
    schedule.delete()
