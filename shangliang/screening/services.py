"""Screening (研判定题): merge duplicates (and undo it), and decide each concern.

Every function locks the concern rows it changes (``select_for_update``, lowest id first), refuses a
stale form (``check_version`` with the version the page was rendered with: two people deciding the
same concern at once, the second is told it changed), checks the permission predicate and the
transitions table, and writes the decision with its reason on every affected resident's tracking
page and by SMS (``concerns.services.inform_residents``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shangliang.actions import services as action_services
from shangliang.concerns import services as concern_services
from shangliang.concerns.models import AWAITING_DECISION, CONCERN_TRANSITIONS, Concern, ConcernStatus
from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.core.sentences import sentence, sentences
from shangliang.core.transitions import apply_transition, check_version, state_phrase
from shangliang.outputs.models import OutputKind
from shangliang.outputs.services import output_create_draft
from shangliang.places.models import Organisation, OrganisationKind
from shangliang.screening import permissions
from shangliang.screening.models import Decision, DecisionKind, DecisionLevel, DeclineReason
from shangliang.text import learning_services as text_learning
from shangliang.text.models import Category
from shangliang.topics import services as topic_services
from shangliang.topics.models import JoinedVia, Topic, TopicConcern, TopicSource, TopicStatus

MAX_REASON = 300
STATUS_FOR: dict[str, str] = {
    DecisionKind.TOPIC: ConcernStatus.ACCEPTED,
    DecisionKind.ASSIGN: ConcernStatus.ASSIGNED_DIRECTLY,
    DecisionKind.REFER: ConcernStatus.REFERRED,
    DecisionKind.PROPOSAL: ConcernStatus.CONVERTED,
    DecisionKind.OPINION: ConcernStatus.CONVERTED,
    DecisionKind.DECLINE: ConcernStatus.DECLINED,
}
OUTPUT_FOR: dict[str, str] = {
    DecisionKind.PROPOSAL: OutputKind.PROPOSAL,
    DecisionKind.OPINION: OutputKind.SOCIAL_OPINION,
}
LABELS = dict(ConcernStatus.choices)


@dataclass
class DecisionInput:
    """One decision as a form collects it; only the fields of its ``kind`` are used."""

    kind: str
    reason: str = ""
    # 立题: join an existing topic, or a new one from the draft.
    topic_id: int | None = None
    topic: topic_services.TopicDraft | None = None
    # 直接交办
    department_id: int | None = None
    deadline: dt.date | None = None
    urgent: bool = False
    title: str = ""
    # 转介
    body_id: int | None = None
    reference: str = ""
    # 不予立题
    decline_reason_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _lock(concern_ids: Sequence[int]) -> dict[int, Concern]:
    rows = (
        Concern.objects.select_for_update().select_related("region", "community").filter(pk__in=concern_ids)
    )
    found = {c.pk: c for c in rows.order_by("pk")}
    missing = [pk for pk in concern_ids if pk not in found]
    if missing:
        raise ApplicationError("没有找到该诉求，可能已被删除。")
    return found


def _move(
    concern: Concern, new: str, actor: Any, *, reason: str, extra: dict[str, Any] | None = None
) -> None:
    apply_transition(
        concern,
        new=new,
        transitions=CONCERN_TRANSITIONS,
        labels=LABELS,
        actor=actor,
        event_type=f"concern.{new}",
        reason=reason,
        extra_fields=extra,
    )
    concern_services.index_concern_status(concern.pk, new)


def _root(concern: Concern) -> Concern:
    """The concern that represents ``concern`` (following merges)."""
    seen = {concern.pk}
    while concern.merged_into_id is not None:
        concern = Concern.objects.get(pk=concern.merged_into_id)
        if concern.pk in seen:  # pragma: no cover - the services never write a cycle
            break
        seen.add(concern.pk)
    return concern


# --- Merge and split -------------------------------------------------------------------------------


def concern_merge(
    *,
    concern_id: int,
    actor: Any,
    into_concern_id: int | None = None,
    into_topic_id: int | None = None,
    expected_version: int | None = None,
) -> Concern:
    """Merge a duplicate into another concern (it then follows that one) or into a topic."""
    scope = scope_of(actor)
    if (into_concern_id is None) == (into_topic_id is None):
        raise ApplicationError("请选择要合并到的诉求或议题。")
    if into_concern_id is not None and into_concern_id == concern_id:
        raise ApplicationError("不能把诉求合并到它自己。")
    with transaction.atomic():
        if into_topic_id is not None:
            return _merge_into_topic(concern_id, into_topic_id, actor, expected_version)
        assert into_concern_id is not None
        probe = Concern.objects.filter(pk=into_concern_id).first()
        if probe is None:
            raise ApplicationError("没有找到要合并到的诉求。")
        target_id = _root(probe).pk
        if target_id == concern_id:
            raise ApplicationError("目标诉求已合并到本诉求，不能反向合并。")
        rows = _lock([concern_id, target_id])
        concern, target = rows[concern_id], rows[target_id]
        check_version(concern, expected_version)
        if not permissions.can_screen(scope, concern) or not permissions.can_screen(scope, target):
            raise PermissionDenied("该诉求不在您的负责范围内。")
        if concern.status not in AWAITING_DECISION:
            raise ApplicationError(f"该诉求{state_phrase(concern.get_status_display())}，不能再合并。")
        if target.status in (ConcernStatus.DECLINED, ConcernStatus.CLOSED, ConcernStatus.RESOLVED):
            raise ApplicationError(f"目标诉求{state_phrase(target.get_status_display())}，不能合并进去。")
        _move(
            concern,
            ConcernStatus.MERGED,
            actor,
            reason=f"与 {target.tracking_code} 为同一问题",
            extra={"merged_into": target, "decided_at": timezone.now()},
        )
        audit.record(
            target=target, event_type="concern.duplicate_merged", actor=actor, new={"concern": concern.pk}
        )
        _judge(concern, "same", "merge", ("concern", target.pk, target.text), actor)
        concern_services.inform_residents(
            concerns=[concern],
            text="您反映的问题与其他居民反映的同一问题已合并办理，后续进展会继续在本页显示。",
            event_type="concern.merged_public",
            key=f"merged:{target.pk}",
            actor=actor,
        )
        return concern


def _merge_into_topic(concern_id: int, topic_id: int, actor: Any, expected_version: int | None) -> Concern:
    topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
    if topic is None:
        raise ApplicationError("没有找到该议题。")
    concern = _lock([concern_id])[concern_id]
    check_version(concern, expected_version)
    if not permissions.can_screen(scope_of(actor), concern):
        raise PermissionDenied("该诉求不在您的负责范围内。")
    if concern.status not in AWAITING_DECISION:
        raise ApplicationError(f"该诉求{state_phrase(concern.get_status_display())}，不能再合并。")
    if not topic.is_joinable:
        raise ApplicationError(
            f"议题“{topic.title}”{state_phrase(topic.get_status_display())}，不能再并入诉求。"
        )
    topic_services.link_concern(topic=topic, concern=concern, actor=actor, via=JoinedVia.MERGED)
    _judge(concern, "same", "merge", ("topic", topic.pk, topic.title), actor)
    _move(
        concern,
        ConcernStatus.ACCEPTED,
        actor,
        reason=f"并入议题“{topic.title}”",
        extra={"decided_at": timezone.now()},
    )
    concern_services.inform_residents(
        concerns=[concern],
        text=f"您反映的问题已并入议题“{topic.title}”，后续进展会继续在本页显示。",
        event_type="concern.joined_topic",
        key=f"topic:{topic.pk}:joined",
        actor=actor,
    )
    return concern


@transaction.atomic
def concern_split(*, concern_id: int, actor: Any, expected_version: int | None = None) -> Concern:
    """Undo a merge: the concern leaves the concern or topic it had joined and is screened again."""
    concern = _lock([concern_id])[concern_id]
    check_version(concern, expected_version)
    if not permissions.can_split(scope_of(actor), concern):
        if concern.status not in (ConcernStatus.MERGED, ConcernStatus.ACCEPTED):
            raise ApplicationError("该诉求没有被合并，无需拆分。")
        raise PermissionDenied("该诉求不在您的负责范围内。")
    if concern.status == ConcernStatus.MERGED:
        source = concern.merged_into.tracking_code if concern.merged_into else ""
        if concern.merged_into is not None:
            _judge(
                concern,
                "different",
                "split",
                ("concern", concern.merged_into.pk, concern.merged_into.text),
                actor,
            )
        _move(
            concern, ConcernStatus.SCREENING, actor, reason=f"从 {source} 拆分", extra={"merged_into": None}
        )
    else:
        topic = topic_services.unlink_concern(concern=concern, actor=actor)
        if topic is None:
            raise ApplicationError("该诉求没有并入议题，无需拆分。")
        if topic.status not in (TopicStatus.PROPOSED, TopicStatus.APPROVED, TopicStatus.SCHEDULED):
            raise ApplicationError(
                f"议题“{topic.title}”{state_phrase(topic.get_status_display())}，不能再拆分。"
            )
        _move(concern, ConcernStatus.SCREENING, actor, reason=f"从议题“{topic.title}”拆分")
        _judge(concern, "different", "split", ("topic", topic.pk, topic.title), actor)
    concern_services.inform_residents(
        concerns=[concern],
        text="经复核，您反映的问题将单独研判办理。",
        event_type="concern.split_public",
        key=f"split:{concern.version}",
        actor=actor,
    )
    return concern


def _judge(concern: Concern, label: str, via: str, other: tuple[str, int, str], actor: Any) -> None:
    """The decision as a labelled example the text engine learns from (``text.learning``)."""
    kind, object_id, text = other
    text_learning.judgement_record(
        label=label,
        via=via,
        object_id=concern.pk,
        text=concern.text,
        community_id=concern.community_id,
        other_kind=kind,
        other_object_id=object_id,
        other_text=text,
        actor=actor,
    )


@transaction.atomic
def concern_dismiss_similar(*, concern_id: int, other_kind: str, other_object_id: int, actor: Any) -> None:
    """Staff say a record the engine found similar is not the same problem ("不是同一问题"): the
    page stops listing it for this concern and the models learn from it."""
    concern = _lock([concern_id])[concern_id]
    if not permissions.can_merge(scope_of(actor), concern):
        raise PermissionDenied("该诉求不在您的负责范围内，或已研判。")
    text: str | None = None
    if other_kind == "concern":
        other = Concern.objects.filter(pk=other_object_id).exclude(pk=concern.pk).first()
        text = other.text if other else None
    elif other_kind == "topic":
        topic = Topic.objects.filter(pk=other_object_id).first()
        text = topic.title if topic else None
    if text is None:
        raise ApplicationError("没有找到该相似记录。")
    _judge(concern, "different", "dismiss", (other_kind, other_object_id, text), actor)
    audit.record(
        target=concern,
        event_type="concern.not_duplicate",
        actor=actor,
        new={"kind": other_kind, "id": other_object_id},
    )


@transaction.atomic
def concern_set_category(
    *, concern_id: int, category_id: int, actor: Any, expected_version: int | None = None
) -> Concern:
    """Correct a concern's category; the correction is a labelled example of the category model."""
    concern = _lock([concern_id])[concern_id]
    check_version(concern, expected_version)
    if not permissions.can_screen(scope_of(actor), concern):
        raise PermissionDenied("该诉求不在您的负责范围内。")
    category = Category.objects.filter(pk=category_id, active=True).first()
    if category is None:
        raise ApplicationError("请选择有效的问题类别。", field="category")
    old = concern.category.name if concern.category else ""
    if old == category.name:
        return concern
    Concern.objects.filter(pk=concern.pk).update(category=category, version=F("version") + 1)
    concern.refresh_from_db()
    concern_services.index_concern(concern)
    text_learning.judgement_record(
        label="category",
        via="category",
        object_id=concern.pk,
        text=concern.text,
        community_id=concern.community_id,
        category=category.name,
        actor=actor,
    )
    audit.record(
        target=concern,
        event_type="concern.category_corrected",
        actor=actor,
        old={"category": old},
        new={"category": category.name},
    )
    return concern


# --- Decisions -------------------------------------------------------------------------------------


def _clean_reason(decision: DecisionInput) -> str:
    """The free text of the decision (a 不予立题 keeps its listed reason apart, on the record)."""
    reason = (decision.reason or "").strip()
    if decision.kind == DecisionKind.DECLINE:
        if _listed_reason(decision) is None:
            raise ApplicationError("请选择不予立题的理由。", field="decline_reason")
        if len(reason) > MAX_REASON:
            raise ApplicationError(f"理由不能超过 {MAX_REASON} 字。", field="reason")
        return reason
    if not reason:
        raise ApplicationError("请填写研判理由，居民会在办理进度中看到。", field="reason")
    if len(reason) > MAX_REASON:
        raise ApplicationError(f"理由不能超过 {MAX_REASON} 字。", field="reason")
    return reason


def _listed_reason(decision: DecisionInput) -> DeclineReason | None:
    if not decision.decline_reason_id:
        return None
    listed = DeclineReason.objects.filter(pk=decision.decline_reason_id, active=True).first()
    if listed is None:
        raise ApplicationError("请选择有效的不予立题理由。", field="decline_reason")
    return listed


def concern_decide(
    *, concern_id: int, decision: DecisionInput, actor: Any, expected_version: int | None = None
) -> Decision:
    """Record a screening decision (立题 · 直接交办 · 转介 · 转提案 · 转社情民意 · 不予立题)."""
    scope = scope_of(actor)
    if decision.kind not in DecisionKind.values:
        raise ApplicationError("请选择研判结果。", field="kind")
    reason = _clean_reason(decision)
    with transaction.atomic():
        concern = _lock([concern_id])[concern_id]
        check_version(concern, expected_version)
        if not permissions.can_screen(scope, concern):
            raise PermissionDenied("该诉求不在您的负责范围内。")
        if concern.status not in AWAITING_DECISION:
            raise ApplicationError(f"该诉求{state_phrase(concern.get_status_display())}，不能重复研判。")
        if not permissions.can_decide(scope, concern, decision.kind):
            raise PermissionDenied(f"您不能对诉求作出“{DecisionKind(decision.kind).label}”的决定。")
        if permissions.gives_first_level_opinion(scope):
            return _first_level(concern, decision, reason, actor)
        if (
            permissions.first_level_required()
            and decision.kind != DecisionKind.TOPIC
            and not concern.first_level_decision
            and scope.has_role(Role.STAFF)
        ):
            raise ApplicationError("须先由社区书记提出初审意见，再作研判决定。")
        return _decide(concern, decision, reason, actor)


def _first_level(concern: Concern, decision: DecisionInput, reason: str, actor: Any) -> Decision:
    now = timezone.now()
    extra = {
        "first_level_decision": decision.kind,
        "first_level_reason": reason,
        "first_level_by": actor,
        "first_level_at": now,
    }
    if concern.status == ConcernStatus.SUBMITTED:
        _move(
            concern,
            ConcernStatus.SCREENING,
            actor,
            reason=f"社区初审：{DecisionKind(decision.kind).label}",
            extra=extra,
        )
    else:
        for key, value in extra.items():
            setattr(concern, key, value)
        concern.version += 1
        concern.save(update_fields=[*extra, "version", "updated_at"])
    record = Decision.objects.create(
        concern=concern, kind=decision.kind, level=DecisionLevel.FIRST, reason=reason, actor=actor
    )
    concern_services.inform_residents(
        concerns=[concern],
        text="社区已完成初步研判，已报区政协研究决定。",
        event_type="concern.first_level",
        key="first_level",
        actor=actor,
    )
    return record


def _decide(concern: Concern, decision: DecisionInput, reason: str, actor: Any) -> Decision:
    kind = decision.kind
    record = Decision(concern=concern, kind=kind, reason=reason, actor=actor)
    if kind == DecisionKind.TOPIC:
        record.topic = _to_topic(concern, decision, actor)
        text = f"经研判，您反映的问题已立题（议题“{record.topic.title}”），将组织相关各方协商。理由：{sentence(reason)}"
    elif kind == DecisionKind.ASSIGN:
        # The category's policy gives the usual department and the deadline unless staff chose.
        department = action_services.default_department(concern.category_id)
        record.action_item = action_services.action_create(
            title=(decision.title or concern.text)[:100],
            description=concern.text,
            department_id=decision.department_id or (department.pk if department else None),
            deadline=decision.deadline
            or action_services.default_deadline(category_id=concern.category_id, urgent=decision.urgent),
            urgent=decision.urgent,
            region=concern.region,
            actor=actor,
            concern=concern,
        )
        item = record.action_item
        text = f"经研判，您反映的问题已直接交办{item.department.name}，办理期限 {item.deadline:%Y年%m月%d日}。说明：{sentence(reason)}"
    elif kind == DecisionKind.REFER:
        body = (
            Organisation.objects.filter(
                pk=decision.body_id, kind=OrganisationKind.LINKED_BODY, active=True
            ).first()
            if decision.body_id
            else None
        )
        if body is None:
            raise ApplicationError("请选择转介的平台（12345、综治中心或新时代文明实践站）。", field="body")
        reference = (decision.reference or "").strip()
        if not reference:
            raise ApplicationError(f"请填写{body.name}的受理编号，便于跟踪。", field="reference")
        record.referral_body, record.referral_ref = body, reference[:40]
        text = f"经研判，您反映的问题已转交{body.name}办理（受理编号 {reference[:40]}）。说明：{sentence(reason)}"
    elif kind in OUTPUT_FOR:
        record.output = output_create_draft(
            kind=OUTPUT_FOR[kind],
            title=(decision.title or concern.text)[:60],
            body=concern.text,
            region=concern.region,
            author=actor,
            concerns=[concern],
        )
        what = "政协提案" if kind == DecisionKind.PROPOSAL else "社情民意信息"
        text = f"经研判，您反映的问题将形成{what}向有关方面反映。说明：{sentence(reason)}"
    else:
        listed = _listed_reason(decision)
        assert listed is not None  # checked by _clean_reason
        if listed.needs_contact and not concern.phone_encrypted:
            raise ApplicationError(
                f"该诉求为匿名反映且未留联系方式，不能选用“{listed.text}”，请选择其他理由。",
                field="decline_reason",
            )
        record.decline_reason = listed
        told = sentences([listed.text, reason])
        text = f"经研判，您反映的问题暂不予立题。理由：{told}"
        reason = told
    _move(concern, STATUS_FOR[kind], actor, reason=reason, extra={"decided_at": timezone.now()})
    record.save()
    concern_services.inform_residents(
        concerns=[concern],
        text=text,
        event_type=f"concern.decision_{kind}",
        key=f"decision:{kind}",
        actor=actor,
    )
    return record


def _to_topic(concern: Concern, decision: DecisionInput, actor: Any) -> Topic:
    scope = scope_of(actor)
    if decision.topic_id:
        topic = Topic.objects.select_for_update().filter(pk=decision.topic_id).first()
        if topic is None:
            raise ApplicationError("没有找到该议题。", field="topic")
        if not scope.covers_region(topic.region) and not scope.is_admin:
            raise PermissionDenied("该议题不在您的负责范围内。")
        topic_services.link_concern(topic=topic, concern=concern, actor=actor, via=JoinedVia.JOINED)
        return topic
    draft = decision.topic or topic_services.TopicDraft(title="")
    if not draft.title.strip():
        draft.title = concern.text[:30]
    if not draft.category_id and concern.category_id:
        draft.category_id = concern.category_id
    if draft.source == TopicSource.RESIDENT and concern.source in TopicSource.values:
        draft.source = concern.source
    return topic_services.topic_create(draft=draft, region=concern.region, actor=actor, concerns=[concern])


# --- Several rows at once --------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    done: list[int]
    refused: list[tuple[int, str]]


def concerns_to_new_topic(
    *, concern_ids: Sequence[int], draft: topic_services.TopicDraft, reason: str, actor: Any
) -> Topic:
    """立题 from several selected concerns at once: one new topic holding all of them."""
    ids = sorted(set(concern_ids))
    if not ids:
        raise ApplicationError("请先勾选诉求。")
    reason = (reason or "").strip() or "多位居民反映同一问题，合并立题"
    with transaction.atomic():
        rows = _lock(ids)
        first = rows[ids[0]]
        for concern in rows.values():
            if not permissions.can_decide(scope_of(actor), concern, DecisionKind.TOPIC):
                raise PermissionDenied(
                    f"诉求 {concern.tracking_code} 不能立题（{concern.get_status_display()}）。"
                )
            if concern.community_id != first.community_id:
                raise ApplicationError("勾选的诉求不在同一个村(社区)，不能合并为一个议题。")
        region = first.community if len({c.region_id for c in rows.values()}) > 1 else first.region
        if draft.source == TopicSource.RESIDENT and first.source in TopicSource.values:
            draft.source = first.source
        topic = topic_services.topic_create(
            draft=draft, region=region, actor=actor, concerns=list(rows.values())
        )
        for concern in rows.values():
            _move(concern, ConcernStatus.ACCEPTED, actor, reason=reason, extra={"decided_at": timezone.now()})
            Decision.objects.create(
                concern=concern, kind=DecisionKind.TOPIC, reason=reason, topic=topic, actor=actor
            )
        concern_services.inform_residents(
            concerns=list(rows.values()),
            text=f"经研判，您反映的问题已立题（议题“{topic.title}”），将组织相关各方协商。理由：{sentence(reason)}",
            event_type="concern.decision_topic",
            key="decision:topic",
            actor=actor,
        )
    return topic


def for_each(concern_ids: Sequence[int], call: Callable[[int], object]) -> BulkResult:
    """Apply ``call`` to each selected concern on its own: one refused row does not stop the rest."""
    done: list[int] = []
    refused: list[tuple[int, str]] = []
    for pk in sorted(set(concern_ids)):
        try:
            call(pk)
        except ApplicationError as error:
            refused.append((pk, error.message))
        else:
            done.append(pk)
    return BulkResult(done, refused)


def bulk_merge(*, concern_ids: Sequence[int], into_concern_id: int, actor: Any) -> BulkResult:
    """Merge every selected concern into one of them."""
    return for_each(
        [pk for pk in concern_ids if pk != into_concern_id],
        lambda pk: concern_merge(concern_id=pk, into_concern_id=into_concern_id, actor=actor),
    )


def bulk_decide(*, concern_ids: Sequence[int], decision: DecisionInput, actor: Any) -> BulkResult:
    """The same decision (e.g. 不予立题 with one reason) on every selected row."""
    return for_each(concern_ids, lambda pk: concern_decide(concern_id=pk, decision=decision, actor=actor))


def bulk_start_screening(*, concern_ids: Sequence[int], actor: Any) -> BulkResult:
    return for_each(concern_ids, lambda pk: concern_start_screening(concern_id=pk, actor=actor))


@transaction.atomic
def concern_start_screening(*, concern_id: int, actor: Any, expected_version: int | None = None) -> Concern:
    """研判中: someone has picked the concern up (the resident sees it is being looked at)."""
    concern = _lock([concern_id])[concern_id]
    check_version(concern, expected_version)
    if not permissions.can_screen(scope_of(actor), concern):
        raise PermissionDenied("该诉求不在您的负责范围内。")
    if concern.status == ConcernStatus.SUBMITTED:
        _move(concern, ConcernStatus.SCREENING, actor, reason="开始研判")
        concern_services.inform_residents(
            concerns=[concern],
            text="工作人员正在研判您反映的问题。",
            event_type="concern.screening_public",
            key="screening",
            actor=actor,
        )
    return concern


def active_topic_of(concern: Concern) -> Topic | None:
    link = (
        TopicConcern.objects.select_related("topic").filter(concern=concern, removed_at__isnull=True).first()
    )
    return link.topic if link else None
