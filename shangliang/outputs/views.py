"""Back-office pages of outputs: list, draft from a topic, edit, approval, sending, follow-up
(批示, replies, adoption), the .docx and the printable page. Thin: every write is a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.accounts.models import User
from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.outputs import documents, forms, permissions, selectors, services
from shangliang.outputs.models import Output, OutputStatus
from shangliang.places.models import Organisation, OrganisationKind
from shangliang.topics.models import Topic


def _output_or_404(request: HttpRequest, pk: int) -> Output:
    output = selectors.output_get_for_user(scope_of(request.user), pk)
    if output is None:
        raise Http404("没有找到该成果。")
    return output


@login_required
def output_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_list(scope_of(request.user)):
        raise DjangoPermissionDenied("只有政协机关工作人员和专委会主任可以查看成果列表。")
    qs = selectors.outputs_for_staff(scope_of(request.user))
    status = request.GET.get("status", "")
    if status in OutputStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "outputs/list.html",
        {"outputs": list(qs[:200]), "statuses": OutputStatus.choices, "status": status},
    )


@login_required
def received(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outputs/received.html",
        {"outputs": list(selectors.received_by(scope_of(request.user))[:200])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_from_topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = Topic.objects.select_related("region").filter(pk=topic_id).first()
    if topic is None or not permissions.can_draft_in(scope_of(request.user), topic.region):
        raise Http404("没有找到该议题。")
    form = forms.DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            output = services.output_draft_from_topic(
                topic_id=topic.pk, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已按议题的诉求、调研、协商和落实情况生成草稿，请修改完善。")
            return redirect("outputs:edit", pk=output.pk)
    return render(
        request, "outputs/draft.html", {"form": form, "topic": topic}, status=400 if form.errors else 200
    )


def _send_form(data: Any = None) -> forms.SendForm:
    return forms.SendForm(
        data,
        organisations=Organisation.objects.filter(
            kind__in=[OrganisationKind.PARTY, OrganisationKind.GOVERNMENT, OrganisationKind.DEPARTMENT],
            active=True,
        ),
        users=User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("display_name"),
    )


def _detail(request: HttpRequest, output: Output, status: int = 200, **bound: Any) -> HttpResponse:
    user = request.user
    return render(
        request,
        "outputs/detail.html",
        {
            "output": output,
            "layout": documents.layout(output),
            "warning": services.length_warning(output),
            "needs_approval": services.needs_approval(output.kind),
            "instructions": output.instructions.all(),
            "replies": output.replies.select_related("organisation"),
            "events": events_for(output)[:30],
            "can_edit": permissions.can_edit(scope_of(user), output),
            "can_approve": permissions.can_approve(scope_of(user), output),
            "can_send": permissions.can_send(scope_of(user), output)
            and (
                output.status == OutputStatus.APPROVED
                or (output.status == OutputStatus.DRAFT and not services.needs_approval(output.kind))
            ),
            "can_follow_up": permissions.can_follow_up(scope_of(user), output),
            "can_reply": permissions.can_reply(scope_of(user), output),
            "decide_form": bound.get("decide_form") or forms.DecideForm(),
            "send_form": bound.get("send_form") or _send_form(),
            "instruction_form": bound.get("instruction_form") or forms.InstructionForm(),
            "reply_form": bound.get("reply_form") or forms.ReplyForm(),
            "adoption_form": bound.get("adoption_form")
            or forms.AdoptionForm(initial={"adoption": output.adoption}),
            "error": bound.get("error", ""),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _output_or_404(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    output = _output_or_404(request, pk)
    if not permissions.can_edit(scope_of(request.user), output):
        messages.error(request, "只有草稿可以修改。")
        return redirect("outputs:detail", pk=output.pk)
    initial = {
        "title": output.title,
        "body": output.body,
        "signatory": output.signatory,
        "issued_on": output.issued_on,
    }
    form = forms.EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        try:
            services.output_update(
                output_id=output.pk,
                actor=request.user,
                expected_version=int(version) if version.isdigit() else None,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("outputs:detail", pk=output.pk)
    return render(
        request,
        "outputs/edit.html",
        {"form": form, "output": output, "warning": services.length_warning(output)},
        status=400 if form.errors else 200,
    )


def _post(
    request: HttpRequest,
    pk: int,
    *,
    form: Any,
    key: str,
    done: str,
    write: Callable[[Output, dict[str, Any]], object],
) -> HttpResponse:
    output = _output_or_404(request, pk)
    if form.is_valid():
        try:
            write(output, form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("outputs:detail", pk=output.pk)
    output.refresh_from_db()
    return _detail(request, output, status=400, **{key: form})


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    output = _output_or_404(request, pk)
    try:
        services.output_submit(output_id=output.pk, actor=request.user)
    except ApplicationError as error:
        return _detail(request, output, status=400, error=error.message)
    messages.success(request, "已提交审定。")
    return redirect("outputs:detail", pk=output.pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        form=forms.DecideForm(request.POST),
        key="decide_form",
        done="审定结果已登记。",
        write=lambda o, d: services.output_decide(
            output_id=o.pk,
            approve=d["decision"] == "approve",
            body=d["approval_body"],
            reason=d["reason"],
            actor=request.user,
        ),
    )


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        form=_send_form(request.POST),
        key="send_form",
        done="已报送，报送对象将在站内通知中收到。",
        write=lambda o, d: services.output_send(
            output_id=o.pk,
            actor=request.user,
            organisation_ids=[x.pk for x in d["organisations"]],
            user_ids=[x.pk for x in d["users"]],
        ),
    )


@login_required
@require_POST
def instruction(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        form=forms.InstructionForm(request.POST),
        key="instruction_form",
        done="批示已登记。",
        write=lambda o, d: services.output_record_instruction(output_id=o.pk, actor=request.user, **d),
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        form=forms.ReplyForm(request.POST),
        key="reply_form",
        done="答复已登记。",
        write=lambda o, d: services.output_record_reply(output_id=o.pk, actor=request.user, **d),
    )


@login_required
@require_POST
def adoption(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        form=forms.AdoptionForm(request.POST),
        key="adoption_form",
        done="采纳情况已登记。",
        write=lambda o, d: services.output_set_adoption(output_id=o.pk, actor=request.user, **d),
    )


@login_required
def docx(request: HttpRequest, pk: int) -> HttpResponse:
    output = _output_or_404(request, pk)
    try:
        content = documents.output_docx(output)
    except ApplicationError as error:
        return _detail(request, output, status=400, error=error.message)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="output-{output.pk}.docx"'
    return response


@login_required
def printable(request: HttpRequest, pk: int) -> HttpResponse:
    output = _output_or_404(request, pk)
    return render(request, "outputs/print.html", {"output": output, "layout": documents.layout(output)})
