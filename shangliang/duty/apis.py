"""JSON endpoints of members' work under /api/v1/: the rule table, a member's ledger and totals, the
annual ranking, training figures and committees' plans. Signed-in back-office users only (Django's
session, 401 without it), each answer scoped by the same predicates as the pages (403 or 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from shangliang.core.errors import PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.duty import permissions, selectors
from shangliang.duty.models import DutyRule

router = Router(tags=["委员履职"], auth=django_auth)


class DutyErrorOut(Schema):
    detail: str
    field: str | None = None


class YearIn(Schema):
    year: int | None = None


def _year(query: YearIn) -> int:
    return query.year if query.year and 2000 <= query.year <= 2100 else timezone.localdate().year


class RuleOut(Schema):
    code: str
    item: str
    item_code: str
    label: str
    unit: str
    points: int
    annual_cap: int | None
    key_item: bool
    self_reportable: bool


@router.get(
    "/duty/rules", response={200: list[RuleOut], 401: DutyErrorOut, 403: DutyErrorOut}, summary="履职计分规则"
)
def rules(request: HttpRequest) -> Any:
    """The active rule table: points per unit, the item's annual cap, and whether it is a key item."""
    if not (
        permissions.can_view_ranking(scope_of(request.user))
        or permissions.own_member_id(scope_of(request.user))
    ):
        raise PermissionDenied("您无权查看履职计分规则。")
    return [
        {
            "code": r.code,
            "item": r.item.name,
            "item_code": r.item.code,
            "label": r.label,
            "unit": r.unit,
            "points": r.points,
            "annual_cap": r.item.annual_cap,
            "key_item": r.item.is_key,
            "self_reportable": r.self_reportable,
        }
        for r in DutyRule.objects.filter(active=True).select_related("item")
    ]


class EntryOut(Schema):
    date: dt.date
    rule: str
    rule_label: str
    item: str
    source_type: str
    source_id: int
    label: str
    points: int
    counted: int


class TotalsOut(Schema):
    total: int
    key_total: int
    grade: str
    rank: int
    sector_rank: int
    committee_rank: int


class MemberOut(Schema):
    member_id: int
    name: str
    level: str
    sector: str
    committee: str
    year: int
    published: bool
    totals: TotalsOut
    entries: list[EntryOut]


def _totals(row: selectors.MemberRow) -> dict[str, Any]:
    return {
        "total": row.total,
        "key_total": row.key_total,
        "grade": row.grade,
        "rank": row.rank,
        "sector_rank": row.sector_rank,
        "committee_rank": row.committee_rank,
    }


@router.get(
    "/duty/members/{member_id}",
    response={200: MemberOut, 401: DutyErrorOut, 403: DutyErrorOut, 404: DutyErrorOut},
    summary="委员年度履职记录",
)
def member(request: HttpRequest, member_id: int, query: Query[YearIn]) -> Any:
    """A member's ledger for a year, each entry with its rule, source record and points before and
    after the annual caps, and the totals, grade and ranks."""
    found = selectors.member_get_for_viewer(scope_of(request.user), member_id)
    if found is None:
        return Status(404, {"detail": "没有找到该委员。", "field": None})
    year = _year(query)
    return {
        "member_id": found.pk,
        "name": found.name,
        "level": found.get_level_display(),
        "sector": str(found.sector or ""),
        "committee": str(found.committee or ""),
        "year": year,
        "published": selectors.year_published(year),
        "totals": _totals(selectors.member_row(year, found)),
        "entries": [
            {
                "date": e.occurred_on,
                "rule": e.rule.code,
                "rule_label": e.rule.label,
                "item": e.rule.item.name,
                "source_type": e.source_model,
                "source_id": e.source_id,
                "label": e.label,
                "points": e.points,
                "counted": e.counted,
            }
            for e in selectors.entries_for(found, year)
        ],
    }


class RankingRowOut(TotalsOut):
    member_id: int
    name: str
    level: str
    sector: str
    committee: str


class RankingOut(Schema):
    year: int
    published: bool
    rows: list[RankingRowOut]


@router.get(
    "/duty/ranking", response={200: RankingOut, 401: DutyErrorOut, 403: DutyErrorOut}, summary="年度履职排名"
)
def ranking(request: HttpRequest, query: Query[YearIn]) -> Any:
    """Every active member in scope (a chair: their committee) with totals, grade and ranks."""
    year = _year(query)
    rows = selectors.ranking_for(scope_of(request.user), year)
    return {
        "year": year,
        "published": selectors.year_published(year),
        "rows": [
            {
                "member_id": r.member.pk,
                "name": r.member.name,
                "level": r.member.get_level_display(),
                "sector": str(r.member.sector or ""),
                "committee": str(r.member.committee or ""),
                **_totals(r),
            }
            for r in rows
        ],
    }


class SessionOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    subject: str
    place: str
    organiser: str
    status: str
    meeting_id: int | None
    attended: int


class TrainingsOut(Schema):
    year: int
    sessions: int
    person_times: int
    counting_rule: str
    items: list[SessionOut]


@router.get(
    "/trainings", response={200: TrainingsOut, 401: DutyErrorOut, 403: DutyErrorOut}, summary="履职培训"
)
def trainings(request: HttpRequest, query: Query[YearIn]) -> Any:
    """Sessions and person-times of the year (counted as the rule says), and every session."""
    year = _year(query)
    if not permissions.can_view_ranking(scope_of(request.user)):
        raise PermissionDenied("只有政协机关工作人员和专委会主任可以查看培训台账。")
    figures = selectors.training_figures(scope_of(request.user), year=year)
    return {
        "year": year,
        "sessions": figures.sessions,
        "person_times": figures.person_times,
        "counting_rule": figures.rule,
        "items": [
            {
                "id": s.pk,
                "date": s.held_on,
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "subject": s.subject,
                "place": s.place,
                "organiser": s.organiser,
                "status": s.status,
                "meeting_id": s.meeting_id,
                "attended": attended,
            }
            for s, attended in selectors.sessions_in_year(year)
        ],
    }


class PlannedOut(Schema):
    subject: str
    form: str
    month: int


class HeldOut(Schema):
    meeting_id: int
    title: str
    date: dt.date


class PlanOut(Schema):
    committee_id: int
    committee: str
    has_plan: bool
    planned: list[PlannedOut]
    due: int
    held: list[HeldOut]
    behind: bool
    none_held: bool


class PlansOut(Schema):
    year: int
    committees: list[PlanOut]


@router.get(
    "/committees/plans",
    response={200: PlansOut, 401: DutyErrorOut, 403: DutyErrorOut},
    summary="专委会年度协商计划",
)
def plans(request: HttpRequest, query: Query[YearIn]) -> Any:
    """Each special committee's plan, the consultations due by today, those held (meetings on
    topics carrying the committee), and whether it is behind plan or has held none yet."""
    year = _year(query)
    rows = selectors.plan_rows(scope_of(request.user), year, timezone.localdate())
    return {
        "year": year,
        "committees": [
            {
                "committee_id": r.committee.pk,
                "committee": r.committee.name,
                "has_plan": r.plan is not None,
                "planned": [
                    {"subject": i.subject, "form": i.form, "month": i.month} for i in r.plan.items.all()
                ]
                if r.plan
                else [],
                "due": r.progress.due,
                "held": [
                    {"meeting_id": m.pk, "title": m.title, "date": timezone.localtime(m.starts_at).date()}
                    for m in r.held
                ],
                "behind": r.progress.behind,
                "none_held": r.progress.none_held,
            }
            for r in rows
        ],
    }
