"""The statistics pages: staff (scoped to the person's region) and public (the whole platform, no
personal data). Both read ``selectors.statistics``; the chart data goes to the page as JSON."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.forms import BoundField
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import Scope, scope_of
from shangliang.reports import charts, exports, opendata, permissions, records, selectors, services, summary
from shangliang.reports.figures import BREAKDOWNS
from shangliang.reports.forms import StatisticsForm
from shangliang.reports.models import ExportJob, ExportStatus
from shangliang.reports.selectors import Statistics, preset_period, statistics


def filtered(request: HttpRequest, scope: Scope | None) -> tuple[StatisticsForm, Statistics]:
    """The statistics the query string asks for (``scope`` None: the public figures); invalid
    filters fall back to this year's whole scope (the form keeps what was typed and shows the errors)."""
    scope_path = "" if scope is None else permissions.statistics_path(scope)
    if scope_path is None:
        raise PermissionDenied("您的账号没有查看统计分析的权限。")
    form = StatisticsForm(request.GET or None, scope_path=scope_path)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        stats = statistics(
            scope=scope,
            path_prefix=data["path_value"],
            period=data["period_value"],
            breakdown=data.get("breakdown") or "",
        )
    else:
        stats = statistics(scope=scope, path_prefix=scope_path, period=preset_period("year"))
    return form, stats


def _staff_scope(request: HttpRequest, refusal: str) -> Scope:
    """The person's scope, resolved once for the request; 403 without access to the statistics."""
    scope = scope_of(request.user)
    if not permissions.can_view_statistics(scope):
        raise PermissionDenied(refusal)
    return scope


def _fields(form: StatisticsForm) -> list[tuple[BoundField, list[tuple[str, str]] | None]]:
    """The filter fields, each select with its choices rendered by ``{% options %}`` (a widget
    template per option costs more than the page's queries)."""
    return [
        (field, [(str(v), str(label)) for v, label in field.field.choices])  # type: ignore[misc,union-attr]
        if isinstance(field.field, forms.ChoiceField)
        else (field, None)
        for field in form
    ]


def _context(form: StatisticsForm, stats: Statistics, request: HttpRequest) -> dict[str, Any]:
    trend = [f for f in stats.figures if f.months]
    return {
        "form": form,
        "fields": _fields(form),
        "stats": stats,
        "chart_data": charts.chart_data(stats),
        "trend_rows": [
            {"month": month, "values": [f.months[i][1] for f in trend]}
            for i, month in enumerate(stats.months)
        ],
        "breakdown_label": BREAKDOWNS.get(stats.breakdown, ""),
        "not_applicable": [f.label for f in stats.figures if not f.applies],
        "query": request.GET.urlencode(),
    }


@login_required
def staff_statistics(request: HttpRequest) -> HttpResponse:
    form, stats = filtered(request, _staff_scope(request, "您的账号没有查看统计分析的权限。"))
    return render(request, "reports/statistics.html", {**_context(form, stats, request), "public": False})


def public_statistics(request: HttpRequest) -> HttpResponse:
    form, stats = filtered(request, None)
    return render(request, "reports/statistics.html", {**_context(form, stats, request), "public": True})


@login_required
def export_statistics(request: HttpRequest, fmt: str) -> HttpResponse:
    _, stats = filtered(request, _staff_scope(request, "您的账号没有导出统计数据的权限。"))
    name = f"statistics-{stats.period.start:%Y%m%d}-{stats.period.end:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.statistics_xlsx(stats),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(exports.statistics_csv(stats), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    scope = _staff_scope(request, "您的账号没有导出数据的权限。")
    form, stats = filtered(request, scope)
    return render(
        request,
        "reports/exports.html",
        {
            "form": form,
            "stats": stats,
            "datasets": records.DATASETS.values(),
            "query": request.GET.urlencode(),
            "may_see_contacts": permissions.can_export_personal(scope),
            "jobs": selectors.export_jobs_for(scope)[:10],
            "client_token": uuid.uuid4().hex,
        },
    )


@login_required
def export_records(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    scope = _staff_scope(request, "您的账号没有导出数据的权限。")
    scope_path = permissions.statistics_path(scope)
    if scope_path is None or name not in records.DATASETS:
        raise PermissionDenied("您的账号没有导出数据的权限。")
    form = StatisticsForm(request.GET or None, scope_path=scope_path)
    if form.is_bound and form.is_valid():
        path, period = form.cleaned_data["path_value"], form.cleaned_data["period_value"]
    else:
        path, period = scope_path, preset_period("year")
    full = request.GET.get("full") == "1" and permissions.can_export_personal(scope)
    export = records.export_for(
        scope, name, actor=request.user, path_prefix=path, start=period.start, end=period.end, full=full
    )
    filename = f"{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            records.csv_stream(export), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export.rows.count() > records.XLSX_MAX_ROWS:
        return render(
            request,
            "reports/export_too_large.html",
            {
                "limit": records.XLSX_MAX_ROWS,
                "csv_url": request.get_full_path().replace(f"{name}.xlsx", f"{name}.csv"),
                "dataset": name,
                "full": full,
                "query": request.GET.urlencode(),
                "client_token": uuid.uuid4().hex,
            },
            status=413,
        )
    response = HttpResponse(
        records.xlsx_bytes(export.lines(), export.dataset.label),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@login_required
@require_POST
def export_job_create(request: HttpRequest) -> HttpResponse:
    """Start a background export of one dataset (or the statistics tables) with the filters of the
    query string; the person then watches its progress on its page."""
    scope = _staff_scope(request, "您的账号没有导出数据的权限。")
    scope_path = permissions.statistics_path(scope)
    assert scope_path is not None
    form = StatisticsForm(request.GET or None, scope_path=scope_path)
    if form.is_bound and form.is_valid():
        path, period = form.cleaned_data["path_value"], form.cleaned_data["period_value"]
        breakdown = form.cleaned_data.get("breakdown") or ""
    else:
        path, period, breakdown = scope_path, preset_period("year"), ""
    try:
        job, _ = services.export_request(
            data=services.ExportInput(
                dataset=request.POST.get("dataset", ""),
                path_prefix=path,
                start=period.start,
                end=period.end,
                breakdown=breakdown,
                full=request.POST.get("full") == "1",
                client_token=request.POST.get("client_token", ""),
            ),
            scope=scope,
            actor=request.user,
        )
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect(f"{reverse('reports:exports')}?{request.GET.urlencode()}")
    return redirect("reports:export-job", pk=job.pk)


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    """The person's own export; anyone else's is not found."""
    return get_object_or_404(selectors.export_jobs_for(scope_of(request.user)), pk=pk)


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An export's progress; the page asks again every two seconds (htmx) until it is finished."""
    job = _own_job(request, pk)
    template = "reports/_export_job.html" if request.htmx else "reports/export_job.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404("这个导出文件还没有生成好。")
    try:
        stored = default_storage.open(job.file, "rb")
    except FileNotFoundError:
        raise Http404("这个导出文件已经清理，请重新导出。") from None
    return FileResponse(
        stored,
        as_attachment=True,
        filename=job.filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def annual_summary(request: HttpRequest) -> HttpResponse:
    _, stats = filtered(request, _staff_scope(request, "您的账号没有查看统计分析的权限。"))
    title = f"“{settings.SHANGLIANG['BRAND_NAME']}”协商议事工作情况（{stats.period.label}）"
    response = HttpResponse(
        summary.summary_docx(stats, title),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="summary-{stats.period.start:%Y%m%d}.docx"'
    return response


def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/open_data.html",
        {"datasets": opendata.DATASETS.values(), "licence": opendata.licence()},
    )


def open_dataset(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    dataset = opendata.DATASETS.get(name)
    if dataset is None:
        raise Http404("没有这个数据集。")
    if fmt == "json":
        return HttpResponse(opendata.as_json(dataset), content_type="application/json; charset=utf-8")
    response = HttpResponse(opendata.as_csv(dataset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
