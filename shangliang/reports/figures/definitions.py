"""Every figure of the platform, defined once. The statistics pages, the public home, the exports,
the annual summary and the API all read them through ``reports.selectors``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from shangliang.actions.models import OPEN_STATUSES as ACTION_OPEN
from shangliang.actions.models import ActionItem
from shangliang.concerns.models import DECISION_STATUSES, Concern, ConcernStatus
from shangliang.duty import selectors as duty_selectors
from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.evaluations.models import Evaluation, EvaluationStatus
from shangliang.meetings import selectors as meeting_selectors
from shangliang.meetings.models import HELD_STATUSES, Attendance, Meeting, Participant, ParticipantRole
from shangliang.outputs import selectors as output_selectors
from shangliang.outputs.models import Instruction, LeaderLevel, OutputKind
from shangliang.places.models import ActivityGroup, MemberLevel, Region, RegionLevel, Room
from shangliang.reports.figures.base import Fact, Figure, register
from shangliang.topics.models import Topic, TopicStatus

TOPIC_DIMS = {"source": "source", "category": "category_id", "form": "form", "committee": "committee_id"}
CONCERN_DIMS = {"source": "source", "category": "category_id"}


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _median_days(values: Mapping[str, int]) -> float | None:
    """The median of a histogram keyed by whole days."""
    counts = sorted((int(k), v) for k, v in values.items() if v)
    total = sum(v for _, v in counts)
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for days, count in counts:
        for position in middle:
            if seen <= position < seen + count:
                found.append(days)
        seen += count
    return sum(found) / len(found)


# --- Concerns -------------------------------------------------------------------------------------

CONCERNS_RECEIVED = register(
    Figure(
        name="concerns_received",
        label="收到群众反映",
        rule="居民自行提交和工作人员代录的反映总数，不含“我也遇到”；按提交日期计入。",
        facts=[Fact(lambda: Concern.objects.all(), "created_at", "region_id", "region_path", CONCERN_DIMS)],
        trend=True,
    )
)

SCREENED = register(
    Figure(
        name="concerns_screened",
        label="按时研判",
        rule="作出研判决定（立题、直接交办、转介、转提案/社情民意、合并、不予立题）的反映中，"
        "在首次答复期限当天或之前作出决定的件数；括号内为按时率。按决定日期计入。",
        facts=[
            Fact(
                lambda: Concern.objects.filter(first_response_due__isnull=False),
                "decided_at",
                "region_id",
                "region_path",
                CONCERN_DIMS,
                key=Case(
                    When(decided_at__date__lte=F("first_response_due"), then=Value("in_time")),
                    default=Value("late"),
                    output_field=CharField(),
                ),
            )
        ],
        keys={"in_time": "按时", "late": "超期"},
        headline=lambda v: v.get("in_time", 0),
    )
)

DECISIONS = register(
    Figure(
        name="decisions",
        label="研判决定",
        rule="作出研判决定的反映，按决定的去向分类；决定后已办结的反映计入“已办结”。按决定日期计入。",
        facts=[
            Fact(
                lambda: Concern.objects.all(),
                "decided_at",
                "region_id",
                "region_path",
                CONCERN_DIMS,
                key=Case(
                    When(status__in=sorted(DECISION_STATUSES), then=F("status")),
                    default=Value("finished"),
                    output_field=CharField(),
                ),
            )
        ],
        keys={
            **{s.value: s.label for s in ConcernStatus if s in DECISION_STATUSES},
            "finished": "已办结",
        },
    )
)

# --- Topics and meetings --------------------------------------------------------------------------

TOPICS = register(
    Figure(
        name="topics_by_state",
        label="协商议题",
        rule="登记的议题，按统计更新时的状态分类（含已撤销）。按议题登记日期计入。",
        facts=[
            Fact(
                lambda: Topic.objects.all(),
                "created_at",
                "region_id",
                "region_path",
                TOPIC_DIMS,
                key="status",
            )
        ],
        keys={s.value: s.label for s in TopicStatus},
        trend=True,
    )
)

MEETINGS_HELD = register(
    Figure(
        name="meetings_held",
        label="召开协商议事会",
        rule=meeting_selectors.MEETINGS_HELD_RULE + "按会议开始日期计入。",
        facts=[
            Fact(
                lambda: Meeting.objects.filter(status__in=HELD_STATUSES),
                "starts_at",
                "region_id",
                "region_path",
                {"form": "form"},
            )
        ],
        unit="次",
        trend=True,
    )
)

PARTICIPANT_KEYS = {
    **{f"member_{level.value}": level.label for level in MemberLevel},
    "resident": "居民代表",
    "department": "党委政府和职能部门代表",
    "other": "其他（专家、社工、企业代表、工作人员）",
}

PARTICIPANTS = register(
    Figure(
        name="participants",
        label="参会人次",
        rule="已召开的协商议事会中出席（签到或登记为出席）的人次，按身份分类：三级政协委员、"
        "居民代表、党委政府和职能部门代表、其他。按会议日期计入。",
        facts=[
            Fact(
                lambda: Participant.objects.filter(
                    meeting__status__in=HELD_STATUSES, attendance=Attendance.PRESENT
                ),
                "meeting__starts_at",
                "meeting__region_id",
                "meeting__region_path",
                {"form": "meeting__form"},
                key=Case(
                    When(
                        role=ParticipantRole.MEMBER,
                        member__isnull=False,
                        then=Concat(Value("member_"), F("member__level")),
                    ),
                    When(role=ParticipantRole.RESIDENT, then=Value("resident")),
                    When(
                        role__in=[ParticipantRole.DEPARTMENT, ParticipantRole.GOVERNMENT],
                        then=Value("department"),
                    ),
                    default=Value("other"),
                    output_field=CharField(),
                ),
            )
        ],
        keys=PARTICIPANT_KEYS,
        unit="人次",
    )
)


def _room_names(keys: Sequence[str]) -> Mapping[str, str]:
    ids = [int(k) for k in keys if k.isdigit()]
    return {str(pk): name for pk, name in Room.objects.filter(pk__in=ids).values_list("pk", "name")}


ROOM_USAGE = register(
    Figure(
        name="room_usage",
        label="议事室使用",
        rule="在协商议事室召开（已召开）的协商议事会次数，按议事室分列；现场和上门协商不计入。",
        facts=[
            Fact(
                lambda: Meeting.objects.filter(status__in=HELD_STATUSES, room__isnull=False),
                "starts_at",
                "region_id",
                "region_path",
                {"form": "form"},
                key="room_id",
            )
        ],
        key_labels=_room_names,
        unit="次",
    )
)

# --- Action items and evaluations -----------------------------------------------------------------

ACTION_DIMS = {
    "source": Coalesce("topic__source", "concern__source"),
    "category": Coalesce("topic__category_id", "concern__category_id"),
    "form": "topic__form",
    "committee": "topic__committee_id",
}


def _action_key() -> Any:
    today = timezone.localdate()
    done = Q(completed_at__isnull=False) & ~Q(status__in=sorted(ACTION_OPEN))
    return Case(
        When(done & Q(completed_at__date__lte=F("deadline")), then=Value("on_time")),
        When(done, then=Value("late")),
        When(deadline__lt=today, then=Value("overdue")),
        default=Value("open"),
        output_field=CharField(),
    )


class _ActionFact(Fact):
    """The key depends on today (overdue is derived from the deadline), so it is built per read."""

    def rows(self, **kwargs: Any) -> Any:
        return Fact(self.queryset, self.date, self.region, self.path, self.dims, key=_action_key()).rows(
            **kwargs
        )


ACTIONS = register(
    Figure(
        name="action_items",
        label="交办单",
        rule="交办单（直接交办和协商共识交办），按交办日期计入：在办理期限当天或之前办结的为按时办结，"
        "期限后办结的为超期办结；未办结且已过期限的为逾期未办（按统计时的日期判断）。",
        facts=[
            _ActionFact(
                lambda: ActionItem.objects.all(), "assigned_at", "region_id", "region_path", ACTION_DIMS
            )
        ],
        keys={"on_time": "按时办结", "late": "超期办结", "overdue": "逾期未办", "open": "办理中"},
    )
)


def _days_taken(row: dict[str, Any]) -> list[tuple[str, int]]:
    start = timezone.localtime(row["assigned_at"]).date()
    end = timezone.localtime(row["completed_at"]).date()
    return [(str(max((end - start).days, 0)), 1)]


ACTION_DAYS = register(
    Figure(
        name="action_days",
        label="办结用时中位数",
        rule="已办结交办单从交办到办结的自然日数的中位数，按办结日期计入。",
        facts=[
            Fact(
                lambda: ActionItem.objects.filter(completed_at__isnull=False).exclude(
                    status__in=sorted(ACTION_OPEN)
                ),
                "completed_at",
                "region_id",
                "region_path",
                ACTION_DIMS,
                fields=("assigned_at", "completed_at"),
                split=_days_taken,
            )
        ],
        unit="天",
        headline=_median_days,
    )
)

EVALUATION_DIMS = {
    "source": Coalesce("topic__source", "item__concern__source"),
    "category": Coalesce("topic__category_id", "item__concern__category_id"),
    "form": "topic__form",
    "committee": "topic__committee_id",
}
SCORE_PARTS = ("composite", "party_score", "democratic_score", "resident_score")


def _evaluation_parts(row: dict[str, Any]) -> list[tuple[str, int]]:
    parts = [("passed" if row["passed"] else "failed", 1)]
    for name in SCORE_PARTS:
        if row[name] is not None:
            # Hundredths of a point: sums stay exact integers.
            parts += [(f"{name}_sum", round(row[name] * 100)), (f"{name}_n", 1)]
    return parts


def _mean(values: Mapping[str, int], name: str) -> float | None:
    count = values.get(f"{name}_n", 0)
    return round(values.get(f"{name}_sum", 0) / count / 100, 1) if count else None


EVALUATIONS = register(
    Figure(
        name="evaluations",
        label="三评通过率",
        rule="已结束的三评（党政点评、民主评议、群众评价）中通过的比例（综合得分≥70 分且群众满意率≥80%），"
        "及各项平均得分；每一轮评价各计一次，按评价结束日期计入。",
        facts=[
            Fact(
                lambda: Evaluation.objects.filter(status=EvaluationStatus.CLOSED),
                "closed_at",
                "region_id",
                "region_path",
                EVALUATION_DIMS,
                fields=("passed", *SCORE_PARTS),
                split=_evaluation_parts,
            )
        ],
        keys={"passed": "通过", "failed": "未通过"},
        unit="%",
        headline=lambda v: _rate(v.get("passed", 0), v.get("passed", 0) + v.get("failed", 0)),
    )
)


def _solved_on(**subject: Any) -> Subquery:
    passed = Evaluation.objects.filter(status=EvaluationStatus.CLOSED, passed=True, **subject)
    return Subquery(passed.values(*subject.keys()).annotate(last=Max("closed_at")).values("last")[:1])


def _solved_topics() -> QuerySet[Topic]:
    topics, _ = evaluation_selectors.problems_solved()
    return topics.annotate(solved_on=_solved_on(topic=OuterRef("pk")))


def _solved_items() -> QuerySet[ActionItem]:
    _, items = evaluation_selectors.problems_solved()
    return items.annotate(solved_on=_solved_on(item=OuterRef("pk")))


PROBLEMS_SOLVED = register(
    Figure(
        name="problems_solved",
        label="解决群众问题",
        rule=evaluation_selectors.PROBLEM_SOLVED_RULE + "按三评通过的日期计入。",
        facts=[
            Fact(_solved_topics, "solved_on", "region_id", "region_path", TOPIC_DIMS),
            Fact(
                _solved_items,
                "solved_on",
                "region_id",
                "region_path",
                {"source": "concern__source", "category": "concern__category_id"},
            ),
        ],
        unit="个",
        trend=True,
    )
)

# --- Outputs --------------------------------------------------------------------------------------

OUTPUT_DIMS = {"committee": "author__organisation_id"}

RECOMMENDATIONS = register(
    Figure(
        name="recommendations_sent",
        label="向党委政府报送建议",
        rule=output_selectors.RECOMMENDATIONS_SENT_RULE + "按报送日期计入，按成果类型分列。",
        facts=[
            Fact(
                output_selectors.recommendations_sent,
                "sent_at",
                "region_id",
                "region_path",
                key="kind",
            )
        ],
        keys={k.value: k.label for k in OutputKind if k in output_selectors.RECOMMENDATION_KINDS},
        unit="件",
        trend=True,
    )
)

INSTRUCTIONS = register(
    Figure(
        name="instructions",
        label="获领导批示",
        rule="报送党委政府的建议获得的领导批示条数，按批示领导层级分列，按批示日期计入。",
        facts=[
            Fact(
                lambda: Instruction.objects.filter(output__in=output_selectors.recommendations_sent()),
                "given_on",
                "output__region_id",
                "output__region_path",
                key="level",
                is_date=True,
            )
        ],
        keys={k.value: k.label for k in LeaderLevel},
        unit="条",
    )
)

# --- Trainings (district-wide) --------------------------------------------------------------------


def _trainings(first: dt.date, last: dt.date) -> list[tuple[dt.date, str, int]]:
    rows: list[tuple[dt.date, str, int]] = []
    for session, members in duty_selectors.training_attendance(first, last):
        rows += [(session.held_on, "sessions", 1), (session.held_on, "person_times", len(members))]
    return rows


TRAININGS = register(
    Figure(
        name="trainings",
        label="委员履职培训",
        rule=duty_selectors.TRAINING_COUNTING_RULE + "培训由全区组织，只在不分街道、村(社区)统计时列出。",
        period_live=_trainings,
        keys={"sessions": "期数", "person_times": "人次"},
        unit="期",
        headline=lambda v: v.get("sessions", 0),
    )
)

# --- Places (a state now, not a count over a period) ----------------------------------------------


def _per_region(rows: Any) -> dict[int | None, dict[str, int]]:
    found: dict[int | None, dict[str, int]] = {}
    for region_id, key, value in rows:
        found.setdefault(region_id, {})[key] = found.get(region_id, {}).get(key, 0) + value
    return found


def _rooms(path_prefix: str) -> dict[int | None, dict[str, int]]:
    rooms = Room.objects.filter(active=True, region__path__startswith=path_prefix)
    return _per_region((region_id, "", 1) for region_id in rooms.values_list("region_id", flat=True))


ROOMS = register(
    Figure(
        name="rooms",
        label="协商议事室",
        rule="启用中的协商议事室数量（统计时点的数量，不随统计期间变化）。",
        stock=_rooms,
        unit="个",
    )
)


def _coverage(path_prefix: str) -> dict[int | None, dict[str, int]]:
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY, path__startswith=path_prefix).annotate(
        covered=Exists(ActivityGroup.objects.filter(community=OuterRef("pk")))
    )
    return _per_region(
        (pk, "covered" if covered else "uncovered", 1)
        for pk, covered in communities.values_list("pk", "covered")
    )


COVERAGE = register(
    Figure(
        name="coverage",
        label="委员联系村(社区)",
        rule="已建立政协委员活动小组的村(社区)数量（统计时点的数量，不随统计期间变化）。",
        stock=_coverage,
        keys={"covered": "已建立活动小组", "uncovered": "尚未建立"},
        unit="个",
        headline=lambda v: v.get("covered", 0),
    )
)

# The public home shows these, in this order.
HOME_FIGURES = (
    "concerns_received",
    "meetings_held",
    "problems_solved",
    "recommendations_sent",
    "rooms",
    "coverage",
)
