"""The member's own pages: 我的履职 (year, entries with their sources, rank, grade), self-reports and
appeals. Thin: every write is a service, every read a selector."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.forms import add_service_error
from shangliang.core.scope import scope_of
from shangliang.duty import forms, permissions, selectors, services
from shangliang.duty.models import Appeal
from shangliang.places.models import Member

View = Callable[..., HttpResponseBase]


def signed_in(view: View) -> View:
    """Signed-in users; a refusal from a service or selector becomes a 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise Forbidden(exc.message) from exc

    return wrapper


def year_from(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def year_choices(current: int) -> list[int]:
    years = set(selectors.years_with_entries()) | {timezone.localdate().year, current}
    return sorted(years, reverse=True)


def own_member(request: HttpRequest) -> Member:
    member_id = permissions.own_member_id(scope_of(request.user))
    member = (
        Member.objects.select_related("sector", "committee").filter(pk=member_id).first()
        if member_id
        else None
    )
    if member is None:
        raise Forbidden("“我的履职”只对关联了委员身份的账号开放。")
    return member


def record_context(member: Member, year: int) -> dict[str, Any]:
    """What 我的履职 and the 履职档案 both show for a member and year."""
    entries = selectors.entries_for(member, year)
    return {
        "member": member,
        "year": year,
        "years": year_choices(year),
        "row": selectors.member_row(year, member),
        "entries": [(e, selectors.entry_link(e)) for e in entries],
        "subtotals": selectors.item_subtotals(entries),
        "published": selectors.year_published(year),
        "groups": selectors.groups_of(member.pk),
    }


@signed_in
def mine(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    year = year_from(request)
    context = record_context(member, year)
    context.update(
        report_form=forms.SelfReportForm(initial={"client_token": uuid.uuid4().hex}),
        appeal_form=forms.AppealForm(),
        reports=list(selectors.reports_of(member)[:50]),
        appeals=list(Appeal.objects.filter(member=member, year=year)),
        trainings=list(selectors.sessions_open_to(member, timezone.localdate())[:10]),
        my_trainings=list(selectors.sessions_of(member)[:10]),
    )
    return render(request, "duty/mine.html", context)


@signed_in
@require_POST
def report_submit(request: HttpRequest) -> HttpResponse:
    member = own_member(request)
    form = forms.SelfReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _, created = services.self_report_submit(
                data=services.ReportInput(
                    rule_id=data["rule"].pk,
                    occurred_on=data["occurred_on"],
                    title=data["title"],
                    description=data["description"],
                    evidence=data["evidence"],
                    client_token=data["client_token"],
                ),
                scope=scope_of(request.user),
                actor=request.user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, "自报已提交，工作人员核实后计入履职记分。" if created else "该自报已提交过。"
            )
            return redirect("duty:mine")
    year = timezone.localdate().year
    context = record_context(member, year)
    context.update(
        report_form=form,
        appeal_form=forms.AppealForm(),
        reports=list(selectors.reports_of(member)[:50]),
        appeals=[],
        trainings=[],
        my_trainings=[],
    )
    return render(request, "duty/mine.html", context, status=400)


@signed_in
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_viewer(scope_of(request.user), pk)
    if report is None:
        raise Http404("没有找到该自报。")
    return render(
        request,
        "duty/report_detail.html",
        {
            "report": report,
            "can_decide": permissions.can_decide_report(scope_of(request.user), report),
            "reject_form": forms.RejectForm(),
            "events": events_for(report),
        },
    )


@signed_in
def report_evidence(request: HttpRequest, pk: int) -> FileResponse:
    report = selectors.report_get_for_viewer(scope_of(request.user), pk)
    if report is None or not report.evidence:
        raise Http404("没有找到该材料。")
    return FileResponse(
        report.evidence.open("rb"), as_attachment=True, filename=report.evidence_name or "佐证材料"
    )


@signed_in
@require_POST
def appeal_file(request: HttpRequest) -> HttpResponse:
    own_member(request)
    year = year_from(request)
    form = forms.AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_file(
                year=year,
                reason=form.cleaned_data["reason"],
                scope=scope_of(request.user),
                actor=request.user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "申诉已提交，处理结果会通知您。")
    else:
        messages.error(request, "请填写申诉理由。")
    return redirect(reverse("duty:mine") + f"?year={year}")
