"""Writes of topics: create (立题, 委员荐题, 党委政府点题), link and unlink concerns (lineage),
edit, documents, and the state transitions. Each is one transaction with an audit event; the
residents behind a topic's concerns hear about every public step through
``concerns.services.inform_residents``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shangliang.concerns import services as concern_services
from shangliang.concerns.models import CONCERN_TRANSITIONS, Concern, ConcernSource, ConcernStatus
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied, TransitionNotAllowed
from shangliang.core.scope import scope_of
from shangliang.core.sentences import clause
from shangliang.core.transitions import apply_transition, check_version, state_phrase
from shangliang.files import uploads
from shangliang.notifications import links
from shangliang.places.models import ActivityGroup, Organisation, OrganisationKind, Region, RegionLevel
from shangliang.privacy.ratelimit import allow
from shangliang.text import services as text_services
from shangliang.text.models import Category
from shangliang.topics import permissions, selectors
from shangliang.topics.models import (
    TOPIC_TRANSITIONS,
    JoinedVia,
    Topic,
    TopicConcern,
    TopicDocument,
    TopicFollower,
    TopicForm,
    TopicPurpose,
    TopicSource,
    TopicStatus,
)

MAX_DOCUMENTS = 20

# What the residents behind a topic read on their tracking page when it moves.
PUBLIC_TEXT: dict[str, str] = {
    TopicStatus.APPROVED: "您反映的问题已列入协商议题“{title}”，将组织相关各方协商。",
    TopicStatus.SCHEDULED: "议题“{title}”已安排协商议事。",
    TopicStatus.CONSULTED: "议题“{title}”已完成协商，正在形成办理意见。",
    TopicStatus.IMPLEMENTING: "议题“{title}”的协商意见正在交办落实。",
    TopicStatus.EVALUATING: "议题“{title}”已落实，正在听取各方评价。",
    TopicStatus.CLOSED: "议题“{title}”已办结，感谢您的参与。",
    TopicStatus.REOPENED: "议题“{title}”评价未通过，已重新办理。",
    TopicStatus.CANCELLED: "议题“{title}”已撤销{reason}，您的反映将重新研判。",
}
# The same steps as anyone reading the topic's public page or following it hears them.
TOPIC_PUBLIC_TEXT: dict[str, str] = {
    **PUBLIC_TEXT,
    TopicStatus.APPROVED: "议题“{title}”已立题，将组织相关各方协商。",
    TopicStatus.CANCELLED: "议题“{title}”已撤销{reason}。",
}
# Back from 已安排协商 to 已立题: the only meeting was cancelled.
MEETING_CANCELLED_TEXT = "议题“{title}”原定的协商议事会已取消{reason}，将另行安排协商。"


def public_text(*, old: str, new: str, title: str, reason: str, follower: bool = False) -> str:
    """What residents are told when a topic moves from ``old`` to ``new``: those behind its
    concerns, or (``follower``) its public page and the people following it."""
    told = f"（{clause(reason)}）" if clause(reason) else ""
    if old == TopicStatus.SCHEDULED and new == TopicStatus.APPROVED:
        return MEETING_CANCELLED_TEXT.format(title=title, reason=told)
    return (TOPIC_PUBLIC_TEXT if follower else PUBLIC_TEXT)[new].format(title=title, reason=told)


@dataclass
class TopicDraft:
    """What a topic form collects (validated again here)."""

    title: str
    description: str = ""
    form: str = TopicForm.MICRO
    purpose: str = TopicPurpose.DELIBERATE
    source: str = TopicSource.RESIDENT
    category_id: int | None = None
    committee_id: int | None = None
    activity_group_id: int | None = None
    required_by: dt.date | None = None
    research_notes: str = ""
    is_public: bool = True
    files: Sequence[Any] = field(default_factory=list)


def _clean_draft(draft: TopicDraft) -> dict[str, Any]:
    title = (draft.title or "").strip()
    if len(title) < 4:
        raise ApplicationError("请填写议题名称（至少 4 个字）。", field="title")
    if len(title) > 100:
        raise ApplicationError("议题名称不能超过 100 字。", field="title")
    if draft.form not in TopicForm.values:
        raise ApplicationError("请选择协商形式。", field="form")
    if draft.purpose not in TopicPurpose.values:
        raise ApplicationError("请选择协商目的。", field="purpose")
    if draft.source not in TopicSource.values:
        raise ApplicationError("议题来源无效。", field="source")
    if draft.source == TopicSource.GOVERNMENT and draft.required_by is None:
        raise ApplicationError("党委政府点题须填写要求完成日期。", field="required_by")
    if draft.required_by is not None and draft.required_by < timezone.localdate():
        raise ApplicationError("要求完成日期不能早于今天。", field="required_by")
    category = (
        Category.objects.filter(pk=draft.category_id, active=True).first() if draft.category_id else None
    )
    if draft.category_id and category is None:
        raise ApplicationError("请选择有效的类别。", field="category")
    committee = (
        Organisation.objects.filter(pk=draft.committee_id, kind=OrganisationKind.SPECIAL_COMMITTEE).first()
        if draft.committee_id
        else None
    )
    if draft.committee_id and committee is None:
        raise ApplicationError("请选择有效的专门委员会。", field="committee")
    group = (
        ActivityGroup.objects.filter(pk=draft.activity_group_id).first() if draft.activity_group_id else None
    )
    if draft.activity_group_id and group is None:
        raise ApplicationError("请选择有效的委员活动小组。", field="activity_group")
    _clean_files(draft.files)
    return {
        "title": title,
        "description": (draft.description or "").strip(),
        "form": draft.form,
        "purpose": draft.purpose,
        "source": draft.source,
        "category": category,
        "committee": committee,
        "activity_group": group,
        "required_by": draft.required_by,
        "research_notes": (draft.research_notes or "").strip(),
        "is_public": draft.is_public,
    }


def _clean_files(files: Sequence[Any]) -> None:
    if len(files) > MAX_DOCUMENTS:
        raise ApplicationError(f"一次最多上传 {MAX_DOCUMENTS} 个文件。", field="attachments")
    for file in files:
        try:
            uploads.validate_upload(file)
        except ValidationError as exc:
            raise ApplicationError(
                f"文件“{getattr(file, 'name', '')}”未能上传：{exc.messages[0]}", field="attachments"
            ) from exc


def _store_files(topic: Topic, files: Sequence[Any], actor: Any, note: str = "") -> None:
    for file in files:
        name = str(getattr(file, "name", "附件"))[:200]
        document = TopicDocument(topic=topic, name=name, note=note[:200], uploaded_by=_user(actor))
        document.file.save(name, file, save=False)
        document.save()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _community_of(region: Region) -> Region | None:
    if region.level == RegionLevel.GRID:
        return region.parent
    return region if region.level == RegionLevel.COMMUNITY else None


def index_topic(topic: Topic) -> None:
    text_services.index_document(
        kind="topic",
        object_id=topic.pk,
        title=topic.title,
        text=f"{topic.description}\n{topic.research_notes}".strip() or topic.title,
        created_at=topic.created_at,
        region=topic.region,
        community_id=topic.community_id,
        category=topic.category.name if topic.category else "",
        status=topic.status,
        is_public=topic.is_public and permissions.can_view_topic_public(topic),
    )


def topic_create(
    *,
    draft: TopicDraft,
    region: Region,
    actor: Any,
    concerns: Iterable[Concern] = (),
    status: str = TopicStatus.PROPOSED,
) -> Topic:
    """A new topic in ``region`` holding ``concerns`` (their state is the caller's: the screening
    decision). Permission to propose is checked here."""
    scope = scope_of(actor)
    if not permissions.can_propose_topic(scope, region) and not (
        draft.source == TopicSource.MEMBER
        and region.pk is not None
        and permissions.can_recommend_topic(scope, region.pk)
    ):
        raise PermissionDenied("您不能在该区域提出议题。")
    with transaction.atomic():
        topic = _insert(
            draft=draft,
            region=region,
            actor=actor,
            concerns=concerns,
            status=status,
            event_type="topic.created",
            public_text="议题“{title}”已提出。",
        )
    return topic


def link_concern(*, topic: Topic, concern: Concern, actor: Any, via: str = JoinedVia.JOINED) -> TopicConcern:
    """Record that ``concern`` joined ``topic`` (lineage); refuses a finished topic."""
    if not topic.is_joinable:
        raise ApplicationError(
            f"议题“{topic.title}”{state_phrase(topic.get_status_display())}，不能再并入诉求。"
        )
    if TopicConcern.objects.filter(concern=concern, removed_at__isnull=True).exists():
        raise ApplicationError("该诉求已在另一个议题中，请先拆分。")
    link = TopicConcern.objects.create(topic=topic, concern=concern, via=via, joined_by=_user(actor))
    audit.record(
        target=topic,
        event_type="topic.concern_joined",
        actor=actor,
        new={"concern": concern.pk, "via": via},
    )
    return link


def unlink_concern(*, concern: Concern, actor: Any) -> Topic | None:
    """Split ``concern`` out of its topic; the lineage row stays, marked removed."""
    link = (
        TopicConcern.objects.select_related("topic").filter(concern=concern, removed_at__isnull=True).first()
    )
    if link is None:
        return None
    link.removed_at = timezone.now()
    link.removed_by = _user(actor)
    link.save(update_fields=["removed_at", "removed_by"])
    audit.record(
        target=link.topic, event_type="topic.concern_split", actor=actor, old={"concern": concern.pk}
    )
    return link.topic


def active_concerns(topic: Topic) -> list[Concern]:
    return list(
        Concern.objects.filter(topic_links__topic=topic, topic_links__removed_at__isnull=True).order_by("pk")
    )


# Meeting states (``meetings.models``, later in the import order) that count as "a meeting for the
# topic was planned" and "… was held"; a test keeps them equal to the meetings app's own sets.
MEETING_PLANNED_STATUSES = frozenset({"planned", "notified"})
MEETING_HELD_STATUSES = frozenset({"held", "minutes_draft", "minutes_confirmed", "published"})


def missing_step(topic: Topic, new: str) -> str:
    """Why ``topic`` cannot be ``new``: the step behind that state has not happened ("" when it
    has). Read through the reverse relations of the apps that own those steps."""
    meetings = topic.meetings.all()
    booked = meetings.filter(status__in=MEETING_PLANNED_STATUSES | MEETING_HELD_STATUSES)
    if new == TopicStatus.SCHEDULED and not booked.exists():
        return "议题还没有已安排的协商议事会，请先安排会议。"
    if new == TopicStatus.APPROVED and topic.status == TopicStatus.SCHEDULED and booked.exists():
        return "议题已安排协商议事会，请先取消会议。"
    if new == TopicStatus.CONSULTED and not meetings.filter(status__in=MEETING_HELD_STATUSES).exists():
        return "议题的协商议事会还没有召开。"
    if new == TopicStatus.IMPLEMENTING and not topic.action_items.exists():
        return "议题还没有交办单，请先把协商共识交办。"
    evaluations = topic.evaluations.all()
    if new == TopicStatus.EVALUATING and not evaluations.filter(status="open").exists():
        return "议题须通过“发起三评”进入评价。"
    if new in (TopicStatus.CLOSED, TopicStatus.REOPENED):
        last = evaluations.filter(status="closed").order_by("-closed_at", "-pk").first()
        if last is None or last.passed is not (new == TopicStatus.CLOSED):
            return "议题的三评还没有得出相应结果。"
    return ""


def topic_transition(
    *, topic_id: int, new: str, actor: Any, reason: str = "", expected_version: int | None = None
) -> Topic:
    """Move a topic along its states. Only 批准立题 and 撤销 are a person's decision; every other
    state is reached by the step that makes it true (``missing_step``), called by that step's service."""
    reason = (reason or "").strip()
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("region").filter(pk=topic_id).first()
        if topic is None:
            raise ApplicationError("没有找到该议题。")
        check_version(topic, expected_version)
        if topic.status == new:
            return topic
        if not permissions.can_transition_topic(scope_of(actor), topic, new):
            raise PermissionDenied("您无权对该议题执行此操作。")
        if new == TopicStatus.CANCELLED and not reason:
            raise ApplicationError("撤销议题须说明原因。", field="reason")
        if len(reason) > 300:
            raise ApplicationError("原因不能超过 300 字。", field="reason")
        if new in TOPIC_TRANSITIONS.get(topic.status, ()):
            missing = missing_step(topic, new)
            if missing:
                raise TransitionNotAllowed(missing)
        text = public_text(old=topic.status, new=new, title=topic.title, reason=reason)
        followers_text = public_text(
            old=topic.status, new=new, title=topic.title, reason=reason, follower=True
        )
        changed = apply_transition(
            topic,
            new=new,
            transitions=TOPIC_TRANSITIONS,
            labels=dict(TopicStatus.choices),
            actor=actor,
            event_type=f"topic.{new}",
            reason=reason,
            public=new != TopicStatus.CANCELLED or topic.is_public,
            public_text=followers_text,
            extra_fields={"cancel_reason": reason} if new == TopicStatus.CANCELLED else None,
        )
        if changed:
            _follow_up_concerns(topic, new, text, actor)
            if topic.is_public:
                concern_services.notify_followers(
                    topic.followers.order_by("pk"),
                    followers_text,
                    key=f"topic:{topic.pk}:{new}:{topic.version}",
                    link=lambda f: public_link(topic),
                )
            text_services.set_document_status(kind="topic", object_id=topic.pk, status=new)
            if new == TopicStatus.APPROVED or new == TopicStatus.CANCELLED:
                index_topic(topic)
    return topic


def _follow_up_concerns(topic: Topic, new: str, text: str, actor: Any) -> None:
    """The concerns of a topic follow it: told at each public step, closed with it, and sent back
    to screening when it is cancelled."""
    concerns = active_concerns(topic)
    concern_services.inform_residents(
        concerns=concerns,
        text=text,
        event_type=f"concern.topic_{new}",
        key=f"topic:{topic.pk}:{new}",
        actor=actor,
    )
    labels = dict(ConcernStatus.choices)
    for concern in concerns:
        if new == TopicStatus.CANCELLED:
            unlink_concern(concern=concern, actor=actor)
            target = ConcernStatus.SCREENING
        elif new == TopicStatus.CLOSED:
            target = ConcernStatus.CLOSED
        else:
            continue
        locked = Concern.objects.select_for_update().get(pk=concern.pk)
        if apply_transition(
            locked,
            new=target,
            transitions=CONCERN_TRANSITIONS,
            labels=labels,
            actor=actor,
            event_type=f"concern.{target}",
            reason=f"议题“{topic.title}”{TopicStatus(new).label}",
        ):
            concern_services.index_concern_status(locked.pk, target)


def topic_update(
    *, topic_id: int, draft: TopicDraft, actor: Any, expected_version: int | None = None
) -> Topic:
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("region").filter(pk=topic_id).first()
        if topic is None:
            raise ApplicationError("没有找到该议题。")
        check_version(topic, expected_version)
        if not permissions.can_edit_topic(scope_of(actor), topic):
            raise PermissionDenied("您无权修改该议题。")
        values = _clean_draft(draft)
        if topic.source == TopicSource.GOVERNMENT and values["required_by"] is None:
            raise ApplicationError("党委政府点题须填写要求完成日期。", field="required_by")
        values["source"] = topic.source  # where a topic came from does not change
        old = {k: str(getattr(topic, k)) for k in values}
        for key, value in values.items():
            setattr(topic, key, value)
        topic.version += 1
        topic.save()
        _store_files(topic, draft.files, actor)
        index_topic(topic)
        audit.record(
            target=topic,
            event_type="topic.updated",
            actor=actor,
            old=old,
            new={k: str(getattr(topic, k)) for k in values},
        )
    return topic


def topic_add_document(*, topic_id: int, files: Sequence[Any], actor: Any, note: str = "") -> Topic:
    topic = Topic.objects.select_related("region").filter(pk=topic_id).first()
    if topic is None:
        raise ApplicationError("没有找到该议题。")
    if not permissions.can_edit_topic(scope_of(actor), topic):
        raise PermissionDenied("您无权为该议题上传材料。")
    if not files:
        raise ApplicationError("请选择要上传的文件。", field="attachments")
    if topic.documents.count() + len(files) > MAX_DOCUMENTS * 3:
        raise ApplicationError("该议题的材料已达上限。", field="attachments")
    _clean_files(files)
    with transaction.atomic():
        _store_files(topic, files, actor, note)
        audit.record(
            target=topic,
            event_type="topic.document_added",
            actor=actor,
            new={"files": len(files)},
            reason=note,
        )
    return topic


def _source_concern(*, text: str, region: Region, source: str, actor: Any) -> Concern:
    from shangliang.concerns.services import ConcernInput

    concern, _ = concern_services.concern_submit(
        data=ConcernInput(text=text, region_id=region.pk, source=source), actor=actor
    )
    return concern


def topic_recommend(*, draft: TopicDraft, community_id: int, text: str, actor: Any) -> Topic:
    """委员荐题: a member recommends a topic for a linked community, with research notes and files."""
    community = Region.objects.filter(pk=community_id, level=RegionLevel.COMMUNITY).first()
    if community is None:
        raise ApplicationError("请选择村(社区)。", field="community")
    if not permissions.can_recommend_topic(scope_of(actor), community.pk):
        raise PermissionDenied("您只能为所联系的村(社区)推荐议题。")
    draft.source = TopicSource.MEMBER
    _clean_draft(draft)
    with transaction.atomic():
        concern = _source_concern(
            text=text or draft.title, region=community, source=ConcernSource.MEMBER, actor=actor
        )
        _accept(concern, actor, "委员荐题")
        return topic_create(draft=draft, region=community, actor=actor, concerns=[concern])


def topic_assign(*, draft: TopicDraft, region_id: int, text: str, actor: Any) -> Topic:
    """党委政府点题: a reviewer (or the office on their behalf) assigns an approved topic with a
    required completion date."""
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise ApplicationError("请选择区域。", field="region")
    if not permissions.can_assign_topic(scope_of(actor), region):
        raise PermissionDenied("您无权在该区域点题。")
    draft.source = TopicSource.GOVERNMENT
    _clean_draft(draft)
    with transaction.atomic():
        concerns: list[Concern] = []
        if region.level in (RegionLevel.COMMUNITY, RegionLevel.GRID):
            concern = _source_concern(
                text=text or draft.title, region=region, source=ConcernSource.GOVERNMENT, actor=actor
            )
            _accept(concern, actor, "党委政府点题")
            concerns.append(concern)
        # An assigned topic needs no approval: the party committee or government has decided.
        return _insert(
            draft=draft,
            region=region,
            actor=actor,
            concerns=concerns,
            status=TopicStatus.APPROVED,
            event_type="topic.assigned",
            public_text="党委政府点题“{title}”已立题，要求 {required_by:%Y年%m月%d日} 前完成。",
        )


def _insert(
    *,
    draft: TopicDraft,
    region: Region,
    actor: Any,
    concerns: Iterable[Concern],
    status: str,
    event_type: str,
    public_text: str,
) -> Topic:
    """Create the topic row, its lineage, files, index entry and first timeline event."""
    values = _clean_draft(draft)
    topic = Topic.objects.create(
        **values,
        status=status,
        region=region,
        community=_community_of(region),
        region_path=region.path,
        created_by=_user(actor),
    )
    for concern in concerns:
        link_concern(topic=topic, concern=concern, actor=actor, via=JoinedVia.CREATED)
    _store_files(topic, draft.files, actor)
    index_topic(topic)
    audit.record(
        target=topic,
        event_type=event_type,
        actor=actor,
        new={"status": status, "source": topic.source, "required_by": str(topic.required_by or "")},
        public=True,
        public_text=public_text.format(title=topic.title, required_by=topic.required_by),
    )
    return topic


def _accept(concern: Concern, actor: Any, reason: str) -> None:
    apply_transition(
        concern,
        new=ConcernStatus.ACCEPTED,
        transitions=CONCERN_TRANSITIONS,
        labels=dict(ConcernStatus.choices),
        actor=actor,
        event_type="concern.accepted",
        reason=reason,
        extra_fields={"decided_at": timezone.now()},
    )
    concern_services.index_concern_status(concern.pk, ConcernStatus.ACCEPTED)


# --- Following a public topic by phone -------------------------------------------------------------


def public_link(topic: Topic) -> str:
    return links.absolute_url("topics:public-detail", pk=topic.pk)


def topic_follow(*, topic_id: int, phone: str, consent: bool, ip: str = "") -> tuple[TopicFollower, bool]:
    """Anyone follows a public topic by phone: an SMS at each public step. Following twice keeps
    the first."""
    topic = selectors.public_topics().filter(pk=topic_id).first()
    if topic is None:
        raise ApplicationError("没有找到这个公开的议题。")
    fields = concern_services.follower_fields(phone, consent)
    if ip and not allow("follow-ip", ip, concern_services.FOLLOW_LIMIT_PER_IP):
        raise ApplicationError("操作过于频繁，请稍后再试。", code="rate_limited")
    with transaction.atomic():
        follower, created = TopicFollower.objects.get_or_create(
            topic=topic, phone_hash=fields["phone_hash"], defaults=fields
        )
        if created:
            audit.record(target=topic, event_type="topic.followed", actor_label="居民")
            concern_services.welcome_follower(follower, topic.title, public_link(topic))
    return follower, created


def topic_unfollow(*, token: str) -> Topic | None:
    """The follower stops the SMS (the token came in each of them). Returns the topic, if any."""
    with transaction.atomic():
        follower = TopicFollower.objects.select_related("topic").filter(token=token).first()
        if follower is None:
            return None
        follower.delete()
        audit.record(target=follower.topic, event_type="topic.unfollowed", actor_label="居民")
    return follower.topic
