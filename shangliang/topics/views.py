"""Topic pages: the staff list and topic page (with lineage, documents, timeline and transitions),
委员荐题, 党委政府点题, and the public list and page (no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.actions import permissions as action_permissions
from shangliang.core.errors import ApplicationError
from shangliang.core.roles import Role
from shangliang.core.scope import Scope, scope_of
from shangliang.evaluations import permissions as evaluation_permissions
from shangliang.meetings import permissions as meeting_permissions
from shangliang.meetings import services as meeting_services
from shangliang.outputs import permissions as output_permissions
from shangliang.outputs.forms import DRAFT_KINDS
from shangliang.screening import permissions as screening_permissions
from shangliang.topics import permissions, selectors, services
from shangliang.topics.forms import (
    AssignForm,
    DocumentForm,
    RecommendForm,
    TopicEditForm,
    TransitionForm,
    apply_error,
)
from shangliang.topics.models import (
    MANUAL_TRANSITIONS,
    TOPIC_TRANSITIONS,
    Topic,
    TopicDocument,
    TopicSource,
    TopicStatus,
)

PAGE_SIZE = 30


def _topic_or_404(request: HttpRequest, pk: int) -> Topic:
    topic = selectors.topic_get_for_user(scope_of(request.user), pk)
    if topic is None:
        raise Http404
    return topic


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.topics_for_staff(scope_of(request.user))
    status = request.GET.get("status", "")
    if status in TopicStatus.values:
        qs = qs.filter(status=status)
    source = request.GET.get("source", "")
    if source in TopicSource.values:
        qs = qs.filter(source=source)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "topics/staff_list.html",
        {
            "page": page,
            "status": status,
            "source": source,
            "statuses": TopicStatus.choices,
            "sources": TopicSource.choices,
            "can_recommend": permissions.can_recommend_topics(scope_of(request.user)),
            "can_assign": permissions.can_assign_topics(scope_of(request.user)),
        },
    )


def _can_move(scope: Scope, topic: Topic, new: str) -> bool:
    return new in TOPIC_TRANSITIONS.get(topic.status, ()) and permissions.can_transition_topic(
        scope, topic, new
    )


def _concern_url(scope: Scope) -> str:
    """Where a concern of the lineage opens for this person ("" where it does not)."""
    if screening_permissions.can_use_desk(scope):
        return reverse("screening:concern", args=[0])[:-2]
    if scope.has_role(Role.MEMBER, Role.CHAIR):
        return reverse("concerns:staff-detail", args=[0])[:-2]
    return ""


def _can_open_item(scope: Scope, topic: Topic, row: selectors.ActionItemRow) -> bool:
    if scope.is_admin:
        return True
    if scope.has_role(Role.OFFICER):
        return row.department_id is not None and scope.organisation_id == row.department_id
    return scope.has_role(*action_permissions.VIEW_ROLES) and scope.covers_region(topic.region)


def _detail_context(request: HttpRequest, topic: Topic, **extra: Any) -> dict[str, Any]:
    scope = scope_of(request.user)
    rows = selectors.link_rows(topic)
    context = {
        "topic": topic,
        "links": rows,
        "supporters": selectors.supporters(topic, rows=rows),
        "sources": selectors.sources_of(topic, rows=rows),
        "timeline": selectors.timeline(topic, public=False),
        "documents": selectors.documents_of(topic),
        "can_approve": topic.status == TopicStatus.PROPOSED and _can_move(scope, topic, TopicStatus.APPROVED),
        "can_cancel": _can_move(scope, topic, TopicStatus.CANCELLED),
        "steps": step_actions(scope, topic),
        "draft_kinds": DRAFT_KINDS if output_permissions.can_draft_in(scope, topic.region) else (),
        "meetings": meeting_rows(scope, topic),
        "can_edit": permissions.can_edit_topic(scope, topic),
        # A form shown again with what was typed and its errors; empty forms need no values.
        "document_form": None,
        "cancel_form": None,
        "action_items": [
            (row, _can_open_item(scope, topic, row)) for row in selectors.action_items_of(topic)
        ],
        "is_on_public_site": permissions.can_view_topic_public(topic),
        # Row links from one reversed prefix: reversing per row costs more than the row.
        "concern_url": _concern_url(scope),
    }
    context.update(extra)
    return context


def _render_detail(request: HttpRequest, topic: Topic, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(
        request, "topics/staff_detail.html", _detail_context(request, topic, **extra), status=status
    )


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _topic_or_404(request, pk))


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """批准立题 and 撤销 only: every other state follows its own step (meeting, 交办, 三评)."""
    topic = _topic_or_404(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid() and form.cleaned_data["new"] not in MANUAL_TRANSITIONS:
        messages.error(request, "议题状态随协商、交办和三评的实际办理推进，不能直接变更。")
        return redirect("topics:staff-detail", pk=topic.pk)
    if form.is_valid():
        try:
            services.topic_transition(
                topic_id=topic.pk,
                new=form.cleaned_data["new"],
                reason=form.cleaned_data.get("reason", ""),
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            topic.refresh_from_db()
            status = 409 if error.code == "concurrent_change" else 400
            if form.cleaned_data["new"] == TopicStatus.CANCELLED:
                return _cancel_page(request, topic, form, status=status)
            return _render_detail(request, topic, status=status)
        messages.success(request, f"议题状态已更新为“{TopicStatus(form.cleaned_data['new']).label}”。")
    return redirect("topics:staff-detail", pk=topic.pk)


def _cancel_page(request: HttpRequest, topic: Topic, form: Any, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "topics/cancel.html",
        {
            "topic": topic,
            "form": form,
            "supporters": selectors.supporters(topic),
            "resident_text": services.public_text(
                old=topic.status, new=TopicStatus.CANCELLED, title=topic.title, reason="撤销原因"
            ),
        },
        status=status,
    )


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销议题: a confirmation page that says what residents will be told; it posts to ``transition``."""
    topic = _topic_or_404(request, pk)
    if not _can_move(scope_of(request.user), topic, TopicStatus.CANCELLED):
        raise DjangoPermissionDenied("您不能撤销该议题。")
    return _cancel_page(
        request, topic, TransitionForm(initial={"new": TopicStatus.CANCELLED, "version": topic.version})
    )


@dataclass(frozen=True)
class StepAction:
    label: str
    url: str
    note: str = ""


def step_actions(scope: Scope, topic: Topic) -> list[StepAction]:
    """The next real step of the topic that this person may take, as links to where it is done."""
    steps: list[StepAction] = []
    if topic.status in meeting_services.PLANNABLE_TOPIC_STATUSES and meeting_permissions.can_plan_in(
        scope, topic.region
    ):
        steps.append(StepAction("安排协商会议", reverse("meetings:staff-create") + f"?topic={topic.pk}"))
    if topic.status in (
        TopicStatus.IMPLEMENTING,
        TopicStatus.REOPENED,
    ) and evaluation_permissions.can_manage_in(scope, topic.region):
        open_evaluation = topic.evaluations.filter(status="open").first()
        if open_evaluation is None:
            steps.append(
                StepAction(
                    "发起三评", reverse("evaluations:open-topic", args=[topic.pk]), "交办事项全部办结后可发起"
                )
            )
    if topic.status == TopicStatus.EVALUATING:
        open_evaluation = topic.evaluations.filter(status="open").first()
        if open_evaluation is not None and evaluation_permissions.can_view(scope, open_evaluation):
            steps.append(StepAction("查看三评", reverse("evaluations:detail", args=[open_evaluation.pk])))
    return steps


@dataclass(frozen=True)
class MeetingRow:
    title: str
    status_label: str
    starts_at: Any
    url: str


def meeting_rows(scope: Scope, topic: Topic) -> list[MeetingRow]:
    """The topic's meetings, linked where this person may open them."""
    rows = []
    for meeting in topic.meetings.select_related("region").order_by("starts_at"):
        visible = meeting_permissions.can_view_meeting(scope, meeting)
        rows.append(
            MeetingRow(
                title=meeting.title,
                status_label=meeting.get_status_display(),
                starts_at=meeting.starts_at,
                url=reverse("meetings:staff-detail", args=[meeting.pk]) if visible else "",
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic_or_404(request, pk)
    if not permissions.can_edit_topic(scope_of(request.user), topic):
        raise DjangoPermissionDenied("您无权修改该议题。")
    initial = {
        "title": topic.title,
        "description": topic.description,
        "form": topic.form,
        "purpose": topic.purpose,
        "category": topic.category_id,
        "committee": topic.committee_id,
        "activity_group": topic.activity_group_id,
        "required_by": topic.required_by,
        "research_notes": topic.research_notes,
        "is_public": topic.is_public,
        "version": topic.version,
    }
    form = TopicEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_update(
                topic_id=topic.pk,
                draft=form.to_draft(),
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, "议题已保存。")
            return redirect("topics:staff-detail", pk=topic.pk)
    return render(
        request, "topics/edit.html", {"form": form, "topic": topic}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _topic_or_404(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.topic_add_document(
                topic_id=topic.pk,
                files=form.cleaned_data["attachments"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, "材料已上传。")
            return redirect("topics:staff-detail", pk=topic.pk)
    return _render_detail(request, topic, document_form=form, status=400)


@login_required
def document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    topic = _topic_or_404(request, pk)
    doc = get_object_or_404(TopicDocument, pk=doc_pk, topic=topic)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


def _create(request: HttpRequest, form: Any, heading: str, create: Any, done: str) -> HttpResponse:
    """The 委员荐题 and 党委政府点题 pages: a form whose valid input ``create`` turns into a topic."""
    if request.method == "POST" and form.is_valid():
        try:
            topic = create(form)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, done)
            return redirect("topics:staff-detail", pk=topic.pk)
    return render(
        request, "topics/create.html", {"form": form, "heading": heading}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest) -> HttpResponse:
    """委员荐题."""
    if not permissions.can_recommend_topics(scope_of(request.user)):
        raise DjangoPermissionDenied("只有政协委员可以荐题。")
    ids = None if scope_of(request.user).is_admin else set(scope_of(request.user).community_ids)
    form = RecommendForm(request.POST or None, request.FILES or None, community_ids=ids)
    return _create(
        request,
        form,
        "委员荐题",
        lambda f: services.topic_recommend(
            draft=f.to_draft(),
            community_id=f.cleaned_data["community"].pk,
            text=f.cleaned_data["text"],
            actor=request.user,
        ),
        "议题已推荐，等待审批。",
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    """党委政府点题."""
    if not permissions.can_assign_topics(scope_of(request.user)):
        raise DjangoPermissionDenied("只有党委政府和政协机关可以点题。")
    form = AssignForm(request.POST or None, request.FILES or None)
    return _create(
        request,
        form,
        "党委政府点题",
        lambda f: services.topic_assign(
            draft=f.to_draft(),
            region_id=f.cleaned_data["region"].pk,
            text=f.cleaned_data["text"],
            actor=request.user,
        ),
        "点题已立题。",
    )


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_topics().order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "topics/public_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A public topic with what leads from it: its public concerns, its meetings (and their sign-up),
    its result; anyone may follow it by phone."""
    from shangliang.evaluations import selectors as evaluation_selectors
    from shangliang.meetings import selectors as meeting_selectors
    from shangliang.meetings.services import signup_open
    from shangliang.privacy.ratelimit import client_ip

    topic = get_object_or_404(selectors.public_topics(), pk=pk)
    follow_error: ApplicationError | None = None
    followed = False
    if request.method == "POST":
        try:
            services.topic_follow(
                topic_id=topic.pk,
                phone=request.POST.get("phone", "")[:20],
                consent=bool(request.POST.get("consent")),
                ip=client_ip(request),
            )
        except ApplicationError as error:
            follow_error = error
        else:
            followed = True
    meetings = list(meeting_selectors.public_meetings().filter(topics=topic).order_by("starts_at", "pk"))
    return render(
        request,
        "topics/public_detail.html",
        {
            "topic": topic,
            "supporters": selectors.supporters(topic),
            "sources": selectors.sources_of(topic),
            "timeline": selectors.timeline(topic, public=True),
            "concerns": selectors.public_concerns_of(topic),
            "meetings": [(m, signup_open(m)) for m in meetings],
            "has_result": evaluation_selectors.public_results().filter(pk=topic.pk).exists(),
            "followed": followed,
            "follow_error": follow_error,
            "phone": request.POST.get("phone", "")[:20] if follow_error else "",
        },
        status=400 if follow_error else 200,
    )
