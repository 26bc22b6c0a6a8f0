"""The duty ledger: what each member earned in a year, derived from the records the platform keeps.

Sources (each entry names its source record; ``SOURCE_LABELS`` says what they are):

- ``meetings.memberdutyfact``: attendance, speeches, convening and unexcused absence, written when a
  meeting's minutes are confirmed. A fact of a meeting no longer held (withdrawn, cancelled) counts
  nothing.
- ``topics.topic``: a topic the member recommended (委员荐题) that was closed (办结), on its closing day.
- ``duty.visit``: an activity-group visit, for each member present; a withdrawn visit counts nothing.
- ``duty.trainingsession``: a held session, for each member checked in (a 以会代训 session attached
  to a meeting: each member present at the meeting; attendance corrected to 请假 or 缺席 after a
  check-in withdraws the entry at the next recomputation).
- ``duty.memberwriting``: a member's 社情民意 or 提案 once submitted, and its adoption by level.
- ``duty.selfreport``: a self-report the office verified.
- ``duty.appeal``: the adjustment of an upheld (or partly upheld) appeal, its points the decision's,
  dated the last day of the assessed year.

``recompute`` is idempotent: it computes the wanted entries, deletes those no longer wanted,
updates those that changed and inserts the new ones with ``ignore_conflicts`` under the unique key
(member, rule, source record), so two recomputations running at once cannot duplicate an entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shangliang.core import audit
from shangliang.core.models import AuditEvent
from shangliang.duty import rules
from shangliang.duty.models import (
    Appeal,
    AppealStatus,
    AssessmentYear,
    DutyEntry,
    DutyItem,
    DutyRule,
    MemberWriting,
    ReportStatus,
    SelfReport,
    TrainingStatus,
    Visit,
    VisitStatus,
)
from shangliang.meetings.models import HELD_STATUSES, MemberDutyFact
from shangliang.topics.models import Topic, TopicSource, TopicStatus

SOURCE_LABELS = {
    "meetings.memberdutyfact": "协商议事会",
    "topics.topic": "委员荐题",
    "duty.visit": "活动小组走访",
    "duty.trainingsession": "履职培训",
    "duty.memberwriting": "社情民意/提案",
    "duty.selfreport": "履职自报",
    "duty.appeal": "考核申诉",
}

ADJUSTMENT_RULE = "appeal_adjustment"


def rule_table() -> tuple[dict[str, rules.RuleValue], dict[str, rules.ItemValue], dict[str, int]]:
    """The active rules and their items as plain values, and each rule's id by code."""
    items = {i.code: rules.ItemValue(i.code, i.annual_cap, i.is_key) for i in DutyItem.objects.all()}
    values: dict[str, rules.RuleValue] = {}
    ids: dict[str, int] = {}
    # An appeal's adjustment is the office's decision: it counts even if the rule is switched off.
    for rule in DutyRule.objects.filter(Q(active=True) | Q(code=ADJUSTMENT_RULE)).select_related("item"):
        values[rule.code] = rules.RuleValue(rule.code, rule.item.code, rule.points)
        ids[rule.code] = rule.pk
    return values, items, ids


def _in_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _members_filter(field: str, member_ids: Iterable[int] | None) -> Q:
    return Q(**{f"{field}__in": list(member_ids)}) if member_ids is not None else Q()


def earned_in_year(year: int, member_ids: Iterable[int] | None = None) -> list[rules.Earned]:
    ids = list(member_ids) if member_ids is not None else None
    first, last = _in_year(year)
    earned: list[rules.Earned] = []

    facts = MemberDutyFact.objects.filter(
        _members_filter("member_id", ids),
        occurred_on__range=(first, last),
        meeting__status__in=HELD_STATUSES,
    ).select_related("meeting")
    for fact in facts:
        code = rules.fact_rule(fact.kind, fact.meeting_form)
        if code:
            earned.append(
                rules.Earned(
                    fact.member_id,
                    code,
                    "meetings.memberdutyfact",
                    fact.pk,
                    fact.occurred_on,
                    fact.meeting.title,
                )
            )

    topics = list(
        Topic.objects.filter(
            _members_filter("created_by__member_id", ids),
            source=TopicSource.MEMBER,
            status=TopicStatus.CLOSED,
            created_by__member__isnull=False,
        ).values_list("pk", "title", "created_by__member_id")
    )
    closed_on = {
        int(e.object_id): timezone.localtime(e.created_at).date()
        for e in AuditEvent.objects.filter(
            content_type__app_label="topics",
            content_type__model="topic",
            event_type="topic.closed",
            object_id__in=[str(pk) for pk, _, _ in topics],
        ).order_by("created_at")
    }
    for pk, title, member_id in topics:
        day = closed_on.get(pk)
        if day is not None and first <= day <= last:
            earned.append(rules.Earned(member_id, "topic_resolved", "topics.topic", pk, day, title))

    visits = (
        Visit.objects.filter(status=VisitStatus.RECORDED, visited_on__range=(first, last))
        .prefetch_related("members")
        .select_related("community")
    )
    for visit in visits:
        for member in visit.members.all():
            if ids is None or member.pk in ids:
                earned.append(
                    rules.Earned(
                        member.pk,
                        "visit",
                        "duty.visit",
                        visit.pk,
                        visit.visited_on,
                        f"走访{visit.community.name}",
                    )
                )

    earned.extend(_training_earned(first, last, ids))

    writings = MemberWriting.objects.filter(
        _members_filter("member_id", ids), submitted_on__range=(first, last)
    )
    for w in writings:
        for code in rules.writing_rules(w.kind, w.status, w.level):
            day = w.decided_on if "adopted" in code and w.decided_on else w.submitted_on
            assert day is not None
            earned.append(rules.Earned(w.member_id, code, "duty.memberwriting", w.pk, day, w.title))

    reports = SelfReport.objects.filter(
        _members_filter("member_id", ids), status=ReportStatus.VERIFIED, occurred_on__range=(first, last)
    ).select_related("rule")
    for r in reports:
        earned.append(rules.Earned(r.member_id, r.rule.code, "duty.selfreport", r.pk, r.occurred_on, r.title))

    appeals = Appeal.objects.filter(
        _members_filter("member_id", ids),
        year=year,
        status__in=[AppealStatus.UPHELD, AppealStatus.PARTLY_UPHELD],
    ).exclude(adjustment=0)
    for appeal in appeals:
        earned.append(
            rules.Earned(
                appeal.member_id,
                ADJUSTMENT_RULE,
                "duty.appeal",
                appeal.pk,
                last,
                f"申诉{appeal.get_status_display()}：{appeal.decision}",
                points=appeal.adjustment,
            )
        )
    return earned


def _training_earned(first: dt.date, last: dt.date, ids: list[int] | None) -> list[rules.Earned]:
    from shangliang.duty.selectors import training_attendance

    return [
        rules.Earned(
            member_id, "training", "duty.trainingsession", session.pk, session.held_on, session.subject
        )
        for session, member_ids in training_attendance(first, last, status=TrainingStatus.HELD)
        for member_id in member_ids
        if ids is None or member_id in ids
    ]


@dataclass(frozen=True)
class RecomputeResult:
    created: int
    updated: int
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def recompute(year: int, member_ids: Iterable[int] | None = None, actor: Any = None) -> RecomputeResult:
    """Bring the ledger of ``year`` (for the given members, or everyone) in line with its sources."""
    ids = list(member_ids) if member_ids is not None else None
    values, items, rule_ids = rule_table()
    scored = rules.score(earned_in_year(year, ids), values, items)
    wanted = {
        (s.earned.member_id, rule_ids[s.earned.rule_code], s.earned.source_model, s.earned.source_id): s
        for s in scored
    }
    with transaction.atomic():
        existing = DutyEntry.objects.filter(_members_filter("member_id", ids), year=year)
        current = {(e.member_id, e.rule_id, e.source_model, e.source_id): e for e in existing}
        stale = [e.pk for key, e in current.items() if key not in wanted]
        DutyEntry.objects.filter(pk__in=stale).delete()
        changed: list[DutyEntry] = []
        new: list[DutyEntry] = []
        for key, s in wanted.items():
            fields = {
                "occurred_on": s.earned.occurred_on,
                "label": s.earned.label[:200],
                "points": s.points,
                "counted": s.counted,
            }
            entry = current.get(key)
            if entry is None:
                new.append(
                    DutyEntry(
                        member_id=key[0],
                        rule_id=key[1],
                        source_model=key[2],
                        source_id=key[3],
                        year=year,
                        **fields,
                    )
                )
            elif any(getattr(entry, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(entry, name, value)
                changed.append(entry)
        if changed:
            DutyEntry.objects.bulk_update(changed, ["occurred_on", "label", "points", "counted"])
        created = DutyEntry.objects.bulk_create(new, ignore_conflicts=True)
        result = RecomputeResult(created=len(created), updated=len(changed), deleted=len(stale))
        if result.changed:
            assessment, _ = AssessmentYear.objects.get_or_create(year=year)
            audit.record(
                target=assessment,
                event_type="duty.ledger_recomputed",
                actor=actor,
                actor_label="" if actor is not None else "系统",
                new={"created": result.created, "updated": result.updated, "deleted": result.deleted},
            )
    return result
