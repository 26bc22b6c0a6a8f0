"""Back-office pages of 三评: the list, opening, the evaluation page with the form each person may
fill (review, ballot, paper counts, a resident's evaluation after a visit), closing, indicators."""

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
from shangliang.actions.models import ActionItem
from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.core.roles import Role
from shangliang.core.scope import scope_of
from shangliang.evaluations import forms, permissions, rules, selectors, services
from shangliang.evaluations.models import Evaluation, EvaluationStatus, InviteeKind, VoteChannel
from shangliang.evaluations.views import score_rows
from shangliang.files.qr import qr_svg
from shangliang.topics.models import Topic


def _evaluation_or_404(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = selectors.evaluation_get_for_user(scope_of(request.user), pk)
    if evaluation is None:
        raise Http404("没有找到该评价。")
    return evaluation


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluations = selectors.evaluations_for_user(scope_of(request.user))
    return render(
        request,
        "evaluations/list.html",
        {
            "open": list(evaluations.filter(status=EvaluationStatus.OPEN)[:100]),
            "closed": list(evaluations.filter(status=EvaluationStatus.CLOSED).order_by("-closed_at")[:50]),
            "topics_ready": list(selectors.topics_ready(scope_of(request.user))[:50]),
            "items_ready": list(selectors.direct_items_ready(scope_of(request.user))[:50]),
        },
    )


def _members_for(region_path: str) -> Any:
    return User.objects.filter(role=Role.MEMBER, is_active=True).order_by("display_name", "username")


def _invitees(form: forms.OpenForm) -> list[services.InviteeInput]:
    invitees = [
        services.InviteeInput(InviteeKind.MEMBER, str(user), user.pk) for user in form.cleaned_data["members"]
    ]
    for line in form.cleaned_data["representatives"].splitlines():
        if line.strip():
            invitees.append(services.InviteeInput(InviteeKind.REPRESENTATIVE, line.strip()))
    return invitees


def _open(request: HttpRequest, *, title: str, region_path: str, **subject: int) -> HttpResponse:
    form = forms.OpenForm(request.POST or None, members=_members_for(region_path))
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_open(actor=request.user, invitees=_invitees(form), **subject)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "三评已发起，已通知应邀评议人，并向留有手机号的居民发送评价链接。")
            return redirect("evaluations:detail", pk=evaluation.pk)
    return render(
        request, "evaluations/open.html", {"form": form, "title": title}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_for_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = Topic.objects.select_related("region").filter(pk=pk).first()
    if topic is None or not permissions.can_manage_in(scope_of(request.user), topic.region):
        raise Http404("没有找到该议题。")
    return _open(request, title=topic.title, region_path=topic.region_path, topic_id=topic.pk)


@login_required
@require_http_methods(["GET", "POST"])
def open_for_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = ActionItem.objects.select_related("region").filter(pk=pk).first()
    if item is None or not permissions.can_manage_in(scope_of(request.user), item.region):
        raise Http404("没有找到该事项。")
    return _open(request, title=item.title, region_path=item.region_path, item_id=item.pk)


def composite_note(preview: rules.Outcome, counted: Any) -> str:
    """Which parts the running composite holds, and whether it could be closed now."""
    parts = (
        ("党政点评", preview.party),
        ("民主评议", preview.democratic if preview.democratic_valid else None),
        ("群众评价", preview.residents),
    )
    counted_in = [label for label, score in parts if score is not None]
    missing = [label for label, score in parts if score is None]
    if not counted_in:
        return "还没有可计入的评价。"
    text = "计入" + "、".join(counted_in)
    if missing:
        text += "，" + "、".join(missing) + "尚未计入"
    if not counted.grades or counted.residents.valid == 0:
        return text + "；还须有党政点评和有效的群众评价才能结束评价。"
    return text + ("；按目前票数可以通过。" if preview.passed else "；按目前票数不能通过。")


def _detail(request: HttpRequest, evaluation: Evaluation, status: int = 200, **bound: Any) -> HttpResponse:
    user = request.user
    counted = services.tally(evaluation)
    preview = counted.outcome(services.current_rules())
    my_invite = (
        evaluation.invitees.filter(user=user).select_related("ballot").first()
        if user.is_authenticated
        else None
    )
    vote_url = request.build_absolute_uri(services.vote_url(evaluation).removeprefix(services.site_url()))
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "items": services.subject_items(evaluation),
            "tally": counted,
            "preview": preview,
            "fmt": rules.fmt,
            "preview_rows": [
                ("党政点评", rules.fmt(preview.party), f"{len(counted.grades)} 位点评人"),
                (
                    "民主评议",
                    rules.fmt(preview.democratic) if preview.democratic_valid else "无效",
                    f"应邀 {counted.invited} 人，参评 {counted.democratic.cast} 人，有效票 {counted.democratic.valid}",
                ),
                (
                    "群众评价",
                    rules.fmt(preview.residents),
                    f"有效票 {counted.residents.valid}，满意率 {rules.percent(preview.resident_satisfaction)}",
                ),
            ],
            "composite": rules.fmt(preview.composite),
            "composite_note": composite_note(preview, counted),
            "final_rows": score_rows(evaluation) if not evaluation.is_open else [],
            "reviews": evaluation.reviews.select_related("reviewer"),
            "invitees": evaluation.invitees.select_related("ballot"),
            "tallies": evaluation.tallies.select_related("entered_by"),
            "resident_votes": evaluation.resident_votes.select_related("entered_by"),
            "events": events_for(evaluation)[:50],
            "vote_url": vote_url,
            "qr": qr_svg(vote_url) if evaluation.is_open else "",
            "can_review": permissions.can_review(scope_of(user), evaluation)
            and not evaluation.reviews.filter(reviewer_id=user.pk).exists(),
            "can_ballot": permissions.can_ballot(scope_of(user), evaluation)
            and my_invite is not None
            and not hasattr(my_invite, "ballot"),
            "can_paper": permissions.can_enter_paper(scope_of(user), evaluation),
            "can_resident": permissions.can_enter_resident_vote(scope_of(user), evaluation),
            "can_close": evaluation.is_open and permissions.can_manage(scope_of(user), evaluation),
            "review_form": bound.get("review_form") or forms.ReviewForm(),
            "ballot_form": bound.get("ballot_form") or forms.BallotForm(),
            "paper_form": bound.get("paper_form") or forms.PaperForm(),
            "resident_form": bound.get("resident_form") or forms.ResidentEntryForm(),
            "close_form": bound.get("close_form") or forms.CloseForm(),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _evaluation_or_404(request, pk))


def _submit(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[Any],
    form_key: str,
    done: str,
    write: Callable[[Evaluation, dict[str, Any]], object],
) -> HttpResponse:
    """One vote form posted: the service writes, or the page comes back with the refusal."""
    evaluation = _evaluation_or_404(request, pk)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            write(evaluation, form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("evaluations:detail", pk=evaluation.pk)
    return _detail(request, evaluation, status=400, **{form_key: form})


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form_class=forms.ReviewForm,
        form_key="review_form",
        done="党政点评已提交。",
        write=lambda ev, data: services.review_submit(evaluation_id=ev.pk, actor=request.user, **data),
    )


@login_required
@require_POST
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form_class=forms.BallotForm,
        form_key="ballot_form",
        done="您的民主评议票已提交。",
        write=lambda ev, data: services.ballot_cast(evaluation_id=ev.pk, actor=request.user, **data),
    )


@login_required
@require_POST
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form_class=forms.PaperForm,
        form_key="paper_form",
        done="纸质评议票已录入。",
        write=lambda ev, data: services.paper_tally_record(
            evaluation_id=ev.pk,
            counts=rules.Counts(data["satisfied"], data["basically"], data["dissatisfied"], data["unknown"]),
            photo=data["photo"],
            note=data["note"],
            actor=request.user,
        ),
    )


@login_required
@require_POST
def resident_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        form_class=forms.ResidentEntryForm,
        form_key="resident_form",
        done="已录入该户的评价。",
        write=lambda ev, data: services.resident_vote_cast(
            evaluation_id=ev.pk, channel=VoteChannel.VISIT, actor=request.user, **data
        ),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation_or_404(request, pk)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        version = request.POST.get("version", "")
        try:
            closed = services.evaluation_close(
                evaluation_id=evaluation.pk,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                expected_version=int(version) if version.isdigit() else None,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if closed.passed:
                messages.success(
                    request, f"评价通过（综合得分 {rules.fmt(closed.composite)}），已办结并公示。"
                )
            else:
                messages.warning(
                    request, f"评价未通过，已重新交办，期限 {closed.rehandle_deadline:%Y年%m月%d日}。"
                )
            return redirect("evaluations:detail", pk=evaluation.pk)
    return _detail(request, evaluation, status=400, close_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest, pk: int) -> HttpResponse:
    topic = Topic.objects.select_related("region").filter(pk=pk).first()
    if topic is None or not permissions.can_manage_in(scope_of(request.user), topic.region):
        raise DjangoPermissionDenied("您无权填报该议题的成效指标。")
    form = forms.IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        raw = request.POST.get("indicator", "")
        try:
            services.indicator_save(
                topic_id=topic.pk,
                actor=request.user,
                indicator_id=int(raw) if raw.isdigit() else None,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "成效指标已保存。")
            return redirect("evaluations:indicators", pk=topic.pk)
    return render(
        request,
        "evaluations/indicators.html",
        {"topic": topic, "form": form, "indicators": topic.indicators.all()},
        status=400 if form.errors else 200,
    )
