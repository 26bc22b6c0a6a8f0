"""The office's pages of the annual assessment: the ranking table (filters, .xlsx, recompute,
publish), a member's 履职档案 (.docx and printable), the self-report queue and appeals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.core.scope import scope_of
from shangliang.duty import documents, forms, permissions, selectors, services
from shangliang.duty.models import Appeal, AppealStatus
from shangliang.duty.views import record_context, signed_in, year_from
from shangliang.places.models import Member


def _ranking_rows(
    request: HttpRequest, year: int
) -> tuple[forms.RankingFilterForm, list[selectors.MemberRow]]:
    form = forms.RankingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.ranking_for(
        scope_of(request.user),
        year,
        sector_id=filters["sector"].pk if filters.get("sector") else None,
        committee_id=filters["committee"].pk if filters.get("committee") else None,
        level=filters.get("level") or "",
    )
    return form, rows


@signed_in
def ranking(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    form, rows = _ranking_rows(request, year)
    grades: dict[str, int] = {}
    for r in rows:
        grades[r.grade] = grades.get(r.grade, 0) + 1
    return render(
        request,
        "duty/ranking.html",
        {
            "year": year,
            "years": sorted({*selectors.years_with_entries(), year}, reverse=True),
            "form": form,
            "rows": rows,
            "grades": sorted(grades.items()),
            "published": selectors.year_published(year),
            "can_manage": permissions.can_manage_assessment(scope_of(request.user)),
            "query": request.GET.urlencode(),
        },
    )


@signed_in
def ranking_xlsx(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    _, rows = _ranking_rows(request, year)
    response = HttpResponse(
        documents.ranking_xlsx(year, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename=duty-ranking-{year}.xlsx"
    return response


@signed_in
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    result = services.ledger_recompute(year=year, scope=scope_of(request.user), actor=request.user)
    messages.success(
        request, f"已重新计算：新增 {result.created} 条，更新 {result.updated} 条，删除 {result.deleted} 条。"
    )
    return redirect(reverse("duty:ranking") + f"?year={year}")


@signed_in
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    try:
        services.assessment_publish(year=year, scope=scope_of(request.user), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{year}年度履职考核结果已向委员公布。")
    return redirect(reverse("duty:ranking") + f"?year={year}")


def _member_or_404(request: HttpRequest, pk: int) -> Member:
    member = selectors.member_get_for_viewer(scope_of(request.user), pk)
    if member is None:
        raise Http404("没有找到该委员。")
    return member


def _archive_context(request: HttpRequest, pk: int) -> dict[str, object]:
    member = _member_or_404(request, pk)
    context = record_context(member, year_from(request))
    context["trend"] = selectors.trend(member)
    context["communities"] = [g.community.name for g in selectors.groups_of(member.pk)]
    return context


@signed_in
def member_record(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "duty/member_record.html", _archive_context(request, pk))


@signed_in
def member_record_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "duty/member_record_print.html", _archive_context(request, pk))


@signed_in
def member_record_docx(request: HttpRequest, pk: int) -> HttpResponse:
    context = _archive_context(request, pk)
    member: Member = context["member"]  # type: ignore[assignment]
    year: int = context["year"]  # type: ignore[assignment]
    body = documents.member_record_docx(
        member=member,
        year=year,
        row=context["row"],  # type: ignore[arg-type]
        communities=context["communities"],  # type: ignore[arg-type]
        entries=[e for e, _ in context["entries"]],  # type: ignore[attr-defined]
        subtotals=context["subtotals"],  # type: ignore[arg-type]
        trend=context["trend"],  # type: ignore[arg-type]
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename=duty-record-{member.pk}-{year}.docx"
    return response


@signed_in
def report_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.can_verify_reports(scope_of(request.user)):
        raise Forbidden("只有政协机关工作人员可以核实履职自报。")
    return render(
        request,
        "duty/report_queue.html",
        {
            "reports": list(selectors.reports_pending_for(scope_of(request.user))[:200]),
            "reject_form": forms.RejectForm(),
        },
    )


@signed_in
@require_POST
def report_verify(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = services.self_report_verify(report_id=pk, scope=scope_of(request.user), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已核实“{report.title}”，计入 {report.member.name} 的履职记分。")
    return redirect("duty:report-queue")


@signed_in
@require_POST
def report_reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.RejectForm(request.POST)
    try:
        report = services.self_report_reject(
            report_id=pk, reason=form.data.get("reason", ""), scope=scope_of(request.user), actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("duty:report-detail", pk=pk)
    messages.success(request, f"已退回“{report.title}”并告知委员原因。")
    return redirect("duty:report-queue")


def _appeal_page(
    request: HttpRequest, failed: tuple[int, forms.AppealDecisionForm] | None = None
) -> HttpResponse:
    """Every appeal, a pending one with its decision form (the one just refused keeps what was typed)."""
    if not permissions.can_manage_assessment(scope_of(request.user)):
        raise Forbidden("只有政协机关工作人员可以处理申诉。")
    appeals = Appeal.objects.select_related("member").order_by("status", "-created_at")[:200]
    rows = [
        (
            a,
            failed[1]
            if failed is not None and failed[0] == a.pk
            else forms.AppealDecisionForm(prefix=f"appeal-{a.pk}")
            if a.status == AppealStatus.PENDING
            else None,
        )
        for a in appeals
    ]
    return render(request, "duty/appeal_list.html", {"rows": rows}, status=400 if failed else 200)


@signed_in
def appeal_list(request: HttpRequest) -> HttpResponse:
    return _appeal_page(request)


@signed_in
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.AppealDecisionForm(request.POST, prefix=f"appeal-{pk}")
    if form.is_valid():
        data = form.cleaned_data
        version = request.POST.get("version", "")
        try:
            appeal = services.appeal_decide(
                appeal_id=pk,
                outcome=data["outcome"],
                decision=data["decision"],
                adjustment=data["adjustment"] or 0,
                expected_version=int(version) if version.isdigit() else None,
                scope=scope_of(request.user),
                actor=request.user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            change = f"，{appeal.year}年度记分{appeal.adjustment:+d}分" if appeal.adjustment else ""
            messages.success(request, f"申诉已处理（{appeal.get_status_display()}{change}）并告知委员。")
            return redirect("duty:appeal-list")
    return _appeal_page(request, failed=(pk, form))
