"""Action item pages: the department inbox (/actions/: an officer sees their organisation's items
only), an item with its history, and one POST per step. Each step is a form and a service call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shangliang.actions import permissions, selectors, services
from shangliang.actions.forms import (
    CompleteForm,
    DecideExtensionForm,
    EmptyForm,
    ExtensionForm,
    InboxFilterForm,
    OptionalReasonForm,
    ProgressForm,
    ReasonForm,
    ReassignForm,
    ReopenForm,
    VerifyForm,
)
from shangliang.actions.models import ACTION_TRANSITIONS, ActionItem, ActionStatus
from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.scope import Scope, scope_of
from shangliang.topics.forms import apply_error

PAGE_SIZE = 30


@dataclass(frozen=True)
class Step:
    label: str
    form: type
    call: Callable[..., Any]
    # The state the item must be able to reach (the button is shown when the table allows it).
    target: str
    done: str


def _args(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("version", "confirm")}


# The day-to-day steps, shown open at the top of the page; the others open from their label.
PRIMARY_STEPS = ("accept", "progress", "complete", "verify")


STEPS: dict[str, Step] = {
    "accept": Step("签收", EmptyForm, services.action_accept, ActionStatus.ACCEPTED, "已签收。"),
    "return": Step(
        "申请退回", ReasonForm, services.action_request_return, ActionStatus.RETURN_REQUESTED, "已申请退回。"
    ),
    "progress": Step(
        "填报进展", ProgressForm, services.action_report_progress, ActionStatus.IN_PROGRESS, "进展已填报。"
    ),
    "extension": Step(
        "申请延期",
        ExtensionForm,
        services.action_request_extension,
        ActionStatus.EXTENSION_REQUESTED,
        "已申请延期。",
    ),
    "complete": Step(
        "办结", CompleteForm, services.action_complete, ActionStatus.DONE, "已办结，等待回访核实。"
    ),
    "reassign": Step("改派", ReassignForm, services.action_reassign, ActionStatus.REASSIGNED, "已改派。"),
    "refuse_return": Step(
        "不同意退回", ReasonForm, services.action_refuse_return, ActionStatus.ASSIGNED, "已驳回退回申请。"
    ),
    "decide_extension": Step(
        "审批延期",
        DecideExtensionForm,
        services.action_decide_extension,
        ActionStatus.EXTENDED,
        "延期申请已处理。",
    ),
    "verify": Step("回访核实", VerifyForm, services.action_verify, ActionStatus.VERIFIED, "核实结果已记录。"),
    "close": Step("关闭", OptionalReasonForm, services.action_close, ActionStatus.CLOSED, "交办单已关闭。"),
    "reopen": Step("重新办理", ReopenForm, services.action_reopen, ActionStatus.REOPENED, "已重新交办。"),
}


def _service_kwargs(name: str, data: dict[str, Any]) -> dict[str, Any]:
    kwargs = _args(data)
    if name == "reassign":
        kwargs["department_id"] = kwargs.pop("department").pk
    if name == "close":
        kwargs.pop("reason", None)
    return kwargs


def available_steps(scope: Scope, item: ActionItem) -> list[str]:
    allowed = ACTION_TRANSITIONS.get(item.status, frozenset())
    names = []
    for name, step in STEPS.items():
        if name == "progress":
            if permissions.can_report_progress(scope, item):
                names.append(name)
        elif step.target in allowed and permissions.can_transition_item(scope, item, step.target):
            names.append(name)
    return names


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    view = (form.cleaned_data.get("view") or "open") if form.is_valid() else "open"
    qs = selectors.filtered(scope_of(request.user), view).order_by("deadline", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actions/inbox.html", {"page": page, "form": form, "view": view})


def _item_or_404(request: HttpRequest, pk: int) -> ActionItem:
    item = selectors.item_get_for_user(scope_of(request.user), pk)
    if item is None:
        raise Http404
    return item


def _detail(
    request: HttpRequest, item: ActionItem, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    names = available_steps(scope_of(request.user), item)
    bound = forms or {}
    ordered = [n for n in names if n in PRIMARY_STEPS] + [n for n in names if n not in PRIMARY_STEPS]
    step_forms = [
        (
            name,
            STEPS[name].label,
            bound.get(name) or STEPS[name].form(initial={"version": item.version}, auto_id=f"{name}-%s"),
            name in PRIMARY_STEPS,
        )
        for name in ordered
    ]
    return render(
        request,
        "actions/detail.html",
        {
            "item": item,
            "steps": step_forms,
            "reports": item.reports.select_related("author").prefetch_related("photos"),
            "events": events_for(item),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _item_or_404(request, pk))


@login_required
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    item = _item_or_404(request, pk)
    if name not in STEPS:
        raise Http404
    spec = STEPS[name]
    # Each step's form has its own ids: several are on one page.
    form = spec.form(request.POST, request.FILES, auto_id=f"{name}-%s")
    if form.is_valid():
        try:
            spec.call(
                item_id=item.pk,
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
                **_service_kwargs(name, form.cleaned_data),
            )
        except ApplicationError as error:
            apply_error(form, error)
            item.refresh_from_db()
            return _detail(
                request, item, {name: form}, status=409 if error.code == "concurrent_change" else 400
            )
        messages.success(request, spec.done)
        return redirect("actions:detail", pk=item.pk)
    return _detail(request, item, {name: form}, status=400)
