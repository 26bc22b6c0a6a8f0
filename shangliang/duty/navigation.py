"""What members' work adds to the staff layout: navigation entries, the staff, chair and member home
items (self-reports to verify, drafts to review, appeals, the year's training figures, committees
with no consultation yet or behind plan), and the hourly recomputation of the current year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shangliang.core.registry import TodoItem, register_nav, register_todo
from shangliang.core.roles import Role
from shangliang.core.scope import Scope
from shangliang.duty import permissions, selectors
from shangliang.duty.models import Appeal, AppealStatus, MemberWriting, WritingStatus
from shangliang.duty.tasks import recompute_current_year
from shangliang.ops.periodic import register_periodic

OFFICE = [Role.STAFF, Role.ADMIN]


def _plan_items(scope: Scope) -> Iterator[TodoItem]:
    today = timezone.localdate()
    rows = selectors.plan_rows(scope, today.year, today)
    url = reverse("duty:plan-list")
    none_held = [r.committee.name for r in rows if r.progress.none_held]
    if none_held:
        yield TodoItem(
            title="本年度尚未开展协商议事的专委会",
            url=url,
            count=len(none_held),
            detail="、".join(none_held[:6])
            + ("等" if len(none_held) > 6 else "")
            + "（每个专委会每年至少一次）",
            severity="warning",
            order=70,
        )
    behind = [r.committee.name for r in rows if r.progress.behind]
    if behind:
        yield TodoItem(
            title="协商进度落后于年度计划的专委会",
            url=url,
            count=len(behind),
            detail="、".join(behind[:6]) + ("等" if len(behind) > 6 else ""),
            severity="warning",
            order=71,
        )


def todo(scope: Scope) -> Iterator[TodoItem]:
    if permissions.is_office(scope):
        reports = selectors.reports_pending_for(scope).count()
        if reports:
            yield TodoItem(
                title="待核实的履职自报", url=reverse("duty:report-queue"), count=reports, order=66
            )
        drafts = MemberWriting.objects.filter(status=WritingStatus.SUBMITTED).count()
        if drafts:
            yield TodoItem(
                title="待审核的委员社情民意和提案",
                url=reverse("duty:writing-list") + "?status=submitted",
                count=drafts,
                order=67,
            )
        appeals = Appeal.objects.filter(status=AppealStatus.PENDING).count()
        if appeals:
            yield TodoItem(title="待处理的考核申诉", url=reverse("duty:appeal-list"), count=appeals, order=68)
        overdue = [w for w, due in selectors.proposals_awaiting_reply() if due < timezone.localdate()]
        if overdue:
            yield TodoItem(
                title="超过 3 个月未答复的委员提案",
                url=reverse("duty:writing-list") + "?status=adopted",
                count=len(overdue),
                detail="、".join(w.title for w in overdue[:3]),
                severity="danger",
                order=69,
            )
        year = timezone.localdate().year
        figures = selectors.training_figures(scope, year=year)
        yield TodoItem(
            title=f"{year}年履职培训：{figures.sessions} 期，{figures.person_times} 人次",
            url=reverse("duty:training-list"),
            detail=figures.rule,
            order=90,
        )
    if permissions.is_office(scope) or permissions.is_chair(scope):
        yield from _plan_items(scope)
    member_id = permissions.own_member_id(scope)
    if member_id is not None:
        from shangliang.places.models import Member

        member = Member.objects.filter(pk=member_id).first()
        if member is not None:
            year = timezone.localdate().year
            row = selectors.member_row(year, member)
            yield TodoItem(
                title=f"我的履职：{year}年度 {row.total} 分"
                + (f"，全区第 {row.rank} 名" if row.rank else ""),
                url=reverse("duty:mine"),
                detail="查看履职记录、提交履职自报。",
                order=5,
            )


def register() -> None:
    register_nav("我的履职", "duty:mine", [Role.MEMBER], order=5)
    register_nav("社情民意/提案", "duty:writing-list", [Role.MEMBER, *OFFICE], order=45)
    register_nav("活动小组走访", "duty:visit-list", [Role.MEMBER, *OFFICE, Role.CHAIR], order=46)
    register_nav("履职排名", "duty:ranking", [*OFFICE, Role.CHAIR], order=40)
    register_nav("履职自报核实", "duty:report-queue", OFFICE, order=41)
    register_nav("履职培训", "duty:training-list", [*OFFICE, Role.CHAIR], order=42)
    register_nav("专委会年度计划", "duty:plan-list", [*OFFICE, Role.CHAIR], order=43)
    register_nav("走访覆盖", "duty:coverage", [*OFFICE, Role.CHAIR], order=44)
    register_todo(todo)
    register_periodic("duty.recompute_current_year", recompute_current_year, every=timedelta(hours=1))
