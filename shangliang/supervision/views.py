"""Staff pages of supervision: the board, one item with its 督办 history, extension decisions and
verification visits. Thin: every write is a service call."""

from __future__ import annotations

from typing import Any

from django import forms as forms_lib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.actions import services as action_services
from shangliang.actions.models import ActionItem
from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.core.scope import scope_of
from shangliang.places.models import Organisation, OrganisationKind, Region, RegionLevel
from shangliang.supervision import forms, permissions, selectors, services
from shangliang.topics.models import Topic


def _item_or_404(request: HttpRequest, pk: int) -> ActionItem:
    item = selectors.item_for_user(scope_of(request.user), pk)
    if item is None:
        raise Http404("没有找到该交办单。")
    return item


def _filter_form(request: HttpRequest) -> forms.BoardFilterForm:
    form = forms.BoardFilterForm(request.GET or None)
    scope = scope_of(request.user)
    regions = Region.objects.filter(level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY])
    if scope.region_path:
        regions = regions.filter(path__startswith=scope.region_path)
    departments = Organisation.objects.filter(
        kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.GOVERNMENT], active=True
    )
    in_scope = selectors.items_in_scope(scope_of(request.user))
    topics = Topic.objects.filter(pk__in=in_scope.filter(topic__isnull=False).values("topic_id"))
    choices = {
        "department": departments.values_list("pk", "name"),
        "region": regions.order_by("path").values_list("pk", "name"),
        "topic": topics.values_list("pk", "title"),
    }
    for name, values in choices.items():
        field = form.fields[name]
        assert isinstance(field, forms_lib.ChoiceField)
        field.choices = [("", "全部"), *values]
    return form


@login_required
def board(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_board(scope_of(request.user)):
        raise DjangoPermissionDenied("只有政协机关工作人员和领导可以查看督办台。")
    form = _filter_form(request)
    filters = selectors.BoardFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.BoardFilters(
            department=data["department"],
            region=data["region"],
            topic=data["topic"],
            source=data["source"],
            colour=data["colour"],
        )
    items = list(selectors.board(scope_of(request.user), filters)[:500])
    return render(
        request,
        "supervision/board.html",
        {
            "form": form,
            "items": items,
            "counts": selectors.board_counts(scope_of(request.user)),
            "labels": selectors.RAG_LABELS,
            "extensions": list(selectors.extension_requests(scope_of(request.user))[:50]),
            "amber_days": selectors.config()["AMBER_WORKING_DAYS"],
        },
    )


def _detail_context(request: HttpRequest, item: ActionItem, **forms_in: Any) -> dict[str, Any]:
    user = request.user
    return {
        "item": item,
        "rag": selectors.rag(item.deadline, today=selectors.today(), amber_limit=selectors.amber_until())
        if item.is_open
        else "",
        "labels": selectors.RAG_LABELS,
        "records": item.supervision_records.select_related("author"),
        "escalations": item.escalations.all(),
        "visits": item.verifications.select_related("visitor", "applied_by").prefetch_related("photos"),
        "events": events_for(item)[:50],
        "can_record": permissions.can_add_record(scope_of(user), item),
        "can_decide": permissions.can_decide_extension(scope_of(user), item),
        "can_visit": permissions.can_record_visit(scope_of(user), item),
        "can_apply": permissions.can_apply_visit(scope_of(user), item),
        "record_form": forms_in.get("record_form") or forms.RecordForm(),
        "extension_form": forms_in.get("extension_form") or forms.ExtensionForm(),
    }


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    return render(request, "supervision/item.html", _detail_context(request, item))


@login_required
@require_POST
def add_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    form = forms.RecordForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_record_add(item_id=item.pk, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "督办记录已保存，已通知承办单位。")
            return redirect("supervision:item", pk=item.pk)
    return render(
        request, "supervision/item.html", _detail_context(request, item, record_form=form), status=400
    )


@login_required
@require_POST
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    form = forms.ExtensionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if not permissions.can_decide_extension(scope_of(request.user), item):
                raise ApplicationError("该交办单没有您可以审批的延期申请。")
            action_services.action_decide_extension(
                item_id=item.pk,
                approve=approve,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=_version(request),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已同意延期。" if approve else "已不同意延期，承办单位将收到理由。")
            return redirect("supervision:item", pk=item.pk)
    item.refresh_from_db()
    return render(
        request, "supervision/item.html", _detail_context(request, item, extension_form=form), status=400
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
def verify_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_verify(scope_of(request.user)):
        raise DjangoPermissionDenied("只有网格员和政协机关工作人员可以回访核实。")
    return render(
        request,
        "supervision/verify_list.html",
        {"items": list(selectors.to_verify(scope_of(request.user))[:200])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_or_404(request, pk)
    if not permissions.can_record_visit(scope_of(request.user), item):
        messages.error(request, "该交办单当前不需要回访核实，或您无权回访。")
        return redirect("supervision:item", pk=item.pk)
    form = forms.VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.visit_record(item_id=item.pk, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if done.status == "applied":
                messages.success(request, "回访核实已完成。")
            else:
                messages.success(request, "回访情况已提交，待政协机关工作人员确认。")
            return redirect("supervision:verify-list")
    return render(
        request, "supervision/visit.html", {"item": item, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def apply_visit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        visit_row = services.visit_apply(visit_id=pk, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        item_id = request.POST.get("item", "")
        return (
            redirect("supervision:item", pk=int(item_id))
            if item_id.isdigit()
            else redirect("supervision:board")
        )
    messages.success(request, "已按回访结论处理。")
    return redirect("supervision:item", pk=visit_row.item_id)
