"""Reads of 三评 and published results, and the one counting rule of a "problem solved" (DOMAIN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from shangliang.actions.models import ActionItem, ActionPhoto, ActionStatus, ResultClass
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.evaluations import permissions
from shangliang.evaluations.models import Evaluation, EvaluationStatus, Indicator
from shangliang.topics.models import Topic, TopicStatus

FINISHED = (ActionStatus.DONE, ActionStatus.VERIFIED, ActionStatus.CLOSED)

PROBLEM_SOLVED_RULE = (
    "议题或直接交办事项，其全部交办单办理结果均为“A 已解决”，且三评通过（综合得分≥70 分、群众满意率≥80%）。"
)


def evaluations_for_user(scope: Scope) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.select_related("topic", "item", "region")
    if scope.is_admin:
        return qs
    invited = Q(invitees__user_id=scope.user_id) if scope.is_authenticated else Q(pk__in=[])
    if scope.role in permissions.VIEW_ROLES and scope.region_path:
        return qs.filter(Q(region_path__startswith=scope.region_path) | invited).distinct()
    return qs.filter(invited).distinct()


def evaluation_get_for_user(scope: Scope, pk: int) -> Evaluation | None:
    evaluation = Evaluation.objects.select_related("topic", "item", "region").filter(pk=pk).first()
    return evaluation if evaluation is not None and permissions.can_view(scope, evaluation) else None


def evaluation_by_token(token: str) -> Evaluation | None:
    return Evaluation.objects.filter(public_token=token).first()


def _unfinished_items() -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(topic=OuterRef("pk")).exclude(status__in=FINISHED)


def topics_ready(scope: Scope) -> QuerySet[Topic]:
    """Topics in the person's scope whose action items are all done, verified or closed."""
    qs = Topic.objects.filter(status__in=[TopicStatus.IMPLEMENTING, TopicStatus.REOPENED])
    if not scope.is_admin:
        if scope.role != Role.STAFF or not scope.region_path:
            return qs.none()
        qs = qs.filter(region_path__startswith=scope.region_path)
    return (
        qs.filter(Exists(ActionItem.objects.filter(topic=OuterRef("pk"))))
        .exclude(Exists(_unfinished_items()))
        .exclude(Exists(Evaluation.objects.filter(topic=OuterRef("pk"), status=EvaluationStatus.OPEN)))
        .order_by("-updated_at")
    )


def direct_items_ready(scope: Scope) -> QuerySet[ActionItem]:
    """Direct assignments (no topic) reported done or verified, not yet passed and not being evaluated."""
    qs = ActionItem.objects.filter(topic__isnull=True, status__in=[ActionStatus.DONE, ActionStatus.VERIFIED])
    if not scope.is_admin:
        if scope.role != Role.STAFF or not scope.region_path:
            return qs.none()
        qs = qs.filter(region_path__startswith=scope.region_path)
    return qs.exclude(
        Exists(Evaluation.objects.filter(item=OuterRef("pk"), status=EvaluationStatus.OPEN))
    ).order_by("completed_at")


# --- The counting rule of DOMAIN §6 -----------------------------------------------------------------


def _passed(**subject: Any) -> Exists:
    return Exists(Evaluation.objects.filter(status=EvaluationStatus.CLOSED, passed=True, **subject))


def problems_solved() -> tuple[QuerySet[Topic], QuerySet[ActionItem]]:
    """THE rule for "problems solved": a topic, or a direct assignment (no topic), whose action items
    all ended with result class A (已解决) and which passed 三评. A topic without action items never
    counts; an item reopened after a failed evaluation has no result class until it is done again."""
    topics = (
        Topic.objects.filter(status=TopicStatus.CLOSED)
        .filter(_passed(topic=OuterRef("pk")))
        .filter(Exists(ActionItem.objects.filter(topic=OuterRef("pk"))))
        .exclude(
            Exists(ActionItem.objects.filter(topic=OuterRef("pk")).exclude(result_class=ResultClass.SOLVED))
        )
    )
    items = ActionItem.objects.filter(
        topic__isnull=True, result_class=ResultClass.SOLVED, status__in=FINISHED
    ).filter(_passed(item=OuterRef("pk")))
    return topics, items


def problems_solved_count() -> int:
    topics, items = problems_solved()
    return topics.count() + items.count()


# --- Results published (成果公示) ---------------------------------------------------------------------


def public_results() -> QuerySet[Topic]:
    """Closed public topics with a passed evaluation, newest first."""
    return (
        Topic.objects.filter(status=TopicStatus.CLOSED, is_public=True)
        .filter(_passed(topic=OuterRef("pk")))
        .select_related("community", "region")
        .order_by("-updated_at", "-id")
    )


def final_evaluation(topic: Topic) -> Evaluation | None:
    return topic.evaluations.filter(status=EvaluationStatus.CLOSED).order_by("-round").first()


@dataclass(frozen=True)
class ResultPage:
    topic: Topic
    evaluation: Evaluation
    actions: list[tuple[ActionItem, list[ActionPhoto]]]
    indicators: list[Indicator]
    consensus: list[str]
    concerns_count: int


def consensus_texts(topic: Topic) -> list[str]:
    """The consensus reached in the topic's meetings (when the meetings app is installed)."""
    if not apps.is_installed("shangliang.meetings"):
        return []
    model = apps.get_model("meetings", "ConsensusItem")
    return list(model.objects.filter(topic=topic).order_by("pk").values_list("text", flat=True))


def result_page(pk: int) -> ResultPage | None:
    topic = public_results().filter(pk=pk).first()
    if topic is None:
        return None
    evaluation = final_evaluation(topic)
    if evaluation is None:
        return None
    items = list(ActionItem.objects.filter(topic=topic).select_related("department").order_by("pk"))
    photos: dict[int, list[ActionPhoto]] = {}
    for photo in ActionPhoto.objects.filter(item__topic=topic, report__public=True).order_by("pk"):
        photos.setdefault(photo.item_id, []).append(photo)
    return ResultPage(
        topic=topic,
        evaluation=evaluation,
        actions=[(item, photos.get(item.pk, [])) for item in items],
        indicators=list(topic.indicators.all()),
        consensus=consensus_texts(topic),
        concerns_count=topic.links.filter(removed_at__isnull=True).count(),
    )


def final_evaluations(topic_ids: list[int]) -> list[Evaluation]:
    """The last closed round of each topic, in one query."""
    latest: dict[int, Evaluation] = {}
    rows = Evaluation.objects.filter(topic_id__in=topic_ids, status=EvaluationStatus.CLOSED).order_by(
        "topic_id", "-round"
    )
    for evaluation in rows:
        assert evaluation.topic_id is not None
        latest.setdefault(evaluation.topic_id, evaluation)
    return list(latest.values())
