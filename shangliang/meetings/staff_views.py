"""Staff pages of meetings: list, plan, the meeting page with its state actions, participants,
check-in, the record of the meeting, attendance, minutes (printable and .docx), consensus → actions.
Thin: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from shangliang.core import audit
from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import Scope, scope_of
from shangliang.core.workdays import add_working_days_db
from shangliang.files.qr import qr_svg
from shangliang.meetings import documents, permissions, record, rules, selectors, services
from shangliang.meetings.forms import (
    AgendaForm,
    AssignForm,
    AttendanceForm,
    CheckinSearchForm,
    ConsensusForm,
    EditForm,
    InviteeForm,
    ParticipantChoiceForm,
    PlanForm,
    SpeechForm,
    SummaryForm,
    TransitionForm,
    UnresolvedForm,
    VoteForm,
    add_service_error,
)
from shangliang.meetings.models import (
    HELD_STATUSES,
    Meeting,
    MeetingMaterial,
    MeetingStatus,
    ParticipantRole,
)
from shangliang.topics.models import Topic
from shangliang.topics.selectors import topics_for_staff

View = Callable[..., HttpResponseBase]


def back_office(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not scope_of(request.user).is_back_office:
            raise Forbidden
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise Forbidden(exc.message) from exc

    return wrapper


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = selectors.meeting_get_for_user(scope_of(request.user), pk)
    if meeting is None:
        raise Http404
    return meeting


@back_office
def staff_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    when = request.GET.get("when", "")
    page = Paginator(selectors.staff_list(scope_of(request.user), status=status, when=when), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/staff_list.html",
        {
            "page": page,
            "status": status,
            "when": when,
            "statuses": MeetingStatus.choices,
            "can_plan": permissions.can_plan(scope_of(request.user)),
        },
    )


def _plannable_topics(scope: Scope) -> Any:
    return (
        topics_for_staff(scope).filter(status__in=services.PLANNABLE_TOPIC_STATUSES).order_by("-created_at")
    )


def _topic_ids(request: HttpRequest) -> list[int]:
    source = request.POST if request.method == "POST" else request.GET
    return [int(v) for v in source.getlist("topics") + source.getlist("topic") if str(v).isdigit()]


def _draft(form: PlanForm) -> services.MeetingDraft:
    data = form.cleaned_data
    starts_at, ends_at = form.times()
    return services.MeetingDraft(
        title=data["title"],
        starts_at=starts_at,
        ends_at=ends_at,
        host_id=data["host"].pk if data.get("host") else None,
        recorder_id=data["recorder"].pk if data.get("recorder") else None,
        topic_ids=[t.pk for t in data.get("topics") or []],
        description=data.get("description", ""),
        form=data["form"],
        purpose=data["purpose"],
        site_kind=data["site_kind"],
        room_id=data["room"].pk if data.get("room") else None,
        address=data.get("address", ""),
        is_public=bool(data.get("is_public")),
        signup_capacity=data.get("signup_capacity"),
    )


def _people_lines(text: str, role: str) -> list[services.Invitee]:
    """ "姓名 [单位] [手机号]" per line; the phone is the last part when it looks like one."""
    invitees = []
    for line in (text or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        phone = parts.pop() if len(parts) > 1 and sum(c.isdigit() for c in parts[-1]) >= 7 else ""
        invitees.append(services.Invitee(role=role, name=parts[0], unit=" ".join(parts[1:]), phone=phone))
    return invitees


def _invitees(form: PlanForm) -> list[services.Invitee]:
    data = form.cleaned_data
    invitees = [
        services.Invitee(role=ParticipantRole.MEMBER, member_id=m.pk)
        for m in {
            m.pk: m for m in [*(data.get("members") or []), *(data.get("other_members") or [])]
        }.values()
    ]
    invitees += [
        services.Invitee(role=ParticipantRole.DEPARTMENT, organisation_id=o.pk)
        for o in {
            o.pk: o for o in [*(data.get("departments") or []), *(data.get("other_departments") or [])]
        }.values()
    ]
    invitees += _people_lines(data.get("residents", ""), ParticipantRole.RESIDENT)
    invitees += _people_lines(data.get("experts", ""), ParticipantRole.EXPERT)
    return invitees


def _typed(data: Any, form_class: type[PlanForm]) -> dict[str, Any]:
    """What was typed into a plan form, as initial values (empty lists of suggestions left out)."""
    typed: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, (forms.ModelMultipleChoiceField, forms.MultipleChoiceField)):
            values = data.getlist(name)
            if values:
                typed[name] = values
        elif name in data and data.get(name) != "":
            typed[name] = data.get(name)
    return typed


@back_office
def create(request: HttpRequest) -> HttpResponse:
    topics_qs = _plannable_topics(scope_of(request.user))
    chosen = list(topics_qs.filter(pk__in=_topic_ids(request)).select_related("community", "category"))
    community_id = next((t.community_id for t in chosen if t.community_id), None)
    suggestions = selectors.participant_suggestions(chosen, community_id)
    initial: dict[str, Any] = {
        "members": [m.pk for m in suggestions.group_members],
        "departments": [d.pk for d in suggestions.departments[:2]],
    }
    if chosen:
        first = chosen[0]
        initial.update(
            topics=[t.pk for t in chosen],
            title=f"“{settings.SHANGLIANG['BRAND_NAME']}”——{first.title}"[:100],
            form=first.form,
            purpose=first.purpose,
        )
        room = first.community.rooms.filter(active=True).first() if first.community else None
        if room is not None:
            initial["room"] = room.pk
    if request.user.is_authenticated:
        initial.setdefault("recorder", request.user.pk)
    if request.method == "POST" and "refine" in request.POST:
        # 按所选议题推荐 / 筛选委员名单: the form again with what was typed, the suggestions of the
        # chosen topics and the filtered member list; nothing is checked or saved yet.
        form = PlanForm(
            topics=topics_qs,
            suggestions=suggestions,
            initial={**initial, **_typed(request.POST, PlanForm)},
            member_query=request.POST.get("member_query", ""),
        )
        return render(
            request,
            "meetings/plan_form.html",
            {"form": form, "suggestions": suggestions, "chosen": chosen, "meeting": None},
        )
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        topics=topics_qs,
        suggestions=suggestions,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                draft=_draft(form),
                actor=request.user,
                invitees=_invitees(form),
                files=form.cleaned_data.get("materials") or [],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "会议草稿已保存，请核对提醒后确认安排。")
            return redirect("meetings:staff-detail", pk=meeting.pk)
    return render(
        request,
        "meetings/plan_form.html",
        {"form": form, "suggestions": suggestions, "chosen": chosen, "meeting": None},
        status=400 if form.errors else 200,
    )


@back_office
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not permissions.can_edit_plan(scope_of(request.user), meeting):
        raise Forbidden
    start = timezone.localtime(meeting.starts_at)
    initial = {
        "title": meeting.title,
        "topics": list(meeting.topics.values_list("pk", flat=True)),
        "form": meeting.form,
        "purpose": meeting.purpose,
        "site_kind": meeting.site_kind,
        "room": meeting.room_id,
        "address": meeting.address,
        "date": start.date(),
        "start_time": start.time(),
        "end_time": timezone.localtime(meeting.ends_at).time(),
        "host": meeting.host_id,
        "recorder": meeting.recorder_id,
        "description": meeting.description,
        "is_public": meeting.is_public,
        "signup_capacity": meeting.signup_capacity,
        "version": meeting.version,
    }
    topics_qs = _plannable_topics(scope_of(request.user)) | Topic.objects.filter(meetings=meeting)
    form = EditForm(request.POST or None, topics=topics_qs.distinct(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                meeting_id=meeting.pk,
                draft=_draft(form),
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "会议安排已修改。")
            return redirect("meetings:staff-detail", pk=meeting.pk)
    return render(
        request,
        "meetings/plan_form.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


def _actions(scope: Scope, meeting: Meeting) -> list[tuple[str, str, bool]]:
    """(action, label, needs a reason) the person may take now."""
    manage = permissions.can_manage_meeting(scope, meeting)
    table = {
        MeetingStatus.DRAFT: [("plan", "确认安排", False), ("cancel", "取消会议", True)],
        MeetingStatus.PLANNED: [
            ("notify", "发送会议通知", False),
            ("postpone", "延期", True),
            ("cancel", "取消会议", True),
        ],
        MeetingStatus.NOTIFIED: [
            ("open", "开始会议", False),
            ("postpone", "延期", True),
            ("cancel", "取消会议", True),
        ],
        MeetingStatus.POSTPONED: [("plan", "重新安排", False), ("cancel", "取消会议", True)],
        MeetingStatus.HELD: [("close", "结束会议，整理纪要", False)],
        MeetingStatus.MINUTES_CONFIRMED: [("publish", "公开纪要", False)],
    }
    return table.get(MeetingStatus(meeting.status), []) if manage else []


@back_office
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    scope = scope_of(request.user)
    check = (
        services.plan_check(meeting)
        if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.POSTPONED)
        else None
    )
    participants = list(
        meeting.participants.select_related("member", "organisation", "user").order_by("role", "pk")
    )
    minutes_due = None
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_DRAFT):
        minutes_due = add_working_days_db(
            timezone.localtime(meeting.starts_at).date(), rules.MINUTES_WORKING_DAYS
        )
    context = {
        "meeting": meeting,
        "topics": list(meeting.topics.all()),
        "participants": participants,
        "registrations": list(meeting.registrations.all())
        if permissions.can_manage_meeting(scope, meeting)
        else [],
        "materials": list(meeting.materials.all()),
        "actions": _actions(scope, meeting),
        "transition_form": TransitionForm(initial={"version": meeting.version}),
        "check": check,
        "invitee_form": InviteeForm()
        if permissions.can_manage_meeting(scope, meeting)
        and meeting.status in (*services.EDITABLE_STATUSES, MeetingStatus.NOTIFIED)
        else None,
        "can_edit": permissions.can_edit_plan(scope, meeting),
        "can_manage": permissions.can_manage_meeting(scope, meeting),
        "can_record": permissions.can_record(scope, meeting),
        "can_checkin": permissions.can_check_in_others(scope, meeting),
        "can_confirm": permissions.can_confirm_minutes(scope, meeting),
        "confirmed_by": [
            pk
            for pk, at in (
                (meeting.host_id, meeting.host_confirmed_at),
                (meeting.recorder_id, meeting.recorder_confirmed_at),
            )
            if at is not None
        ],
        "can_assign": permissions.can_assign_consensus(scope, meeting),
        "attendance_form": AttendanceForm()
        if meeting.status == MeetingStatus.MINUTES_DRAFT and permissions.can_manage_meeting(scope, meeting)
        else None,
        "minutes_due": minutes_due,
        "consensus": list(meeting.consensus_items.select_related("department", "action_item")),
        "events": list(audit.events_for(meeting)[:30]),
        "signup_open": services.signup_open(meeting),
        "is_held": meeting.status in HELD_STATUSES,
    }
    return render(request, "meetings/staff_detail.html", context)


TRANSITIONS: dict[str, Callable[..., Meeting]] = {
    "plan": services.meeting_plan,
    "notify": services.meeting_notify,
    "postpone": services.meeting_postpone,
    "cancel": services.meeting_cancel,
    "open": services.meeting_open,
    "close": services.meeting_close,
    "publish": record.minutes_publish,
}
DONE = {
    "plan": "会议已安排。",
    "notify": "会议通知已发出。",
    "postpone": "会议已延期。",
    "cancel": "会议已取消。",
    "open": "会议已开始，可以签到和记录。",
    "close": "会议已结束，请整理纪要。",
    "publish": "纪要已公开。",
}


@back_office
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = _meeting(request, pk)
    service = TRANSITIONS.get(action)
    if service is None:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    kwargs: dict[str, Any] = {
        "meeting_id": meeting.pk,
        "actor": request.user,
        "expected_version": data.get("version"),
    }
    if action in ("postpone", "cancel"):
        kwargs["reason"] = data.get("reason", "")
    if action == "plan":
        kwargs["confirm_warnings"] = bool(data.get("confirm_warnings"))
    try:
        service(**kwargs)
    except PermissionDenied:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, DONE[action])
    return redirect("meetings:staff-detail", pk=meeting.pk)


@back_office
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = InviteeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        invitee = services.Invitee(
            role=data["role"],
            name=data.get("name", ""),
            member_id=data["member"].pk if data.get("member") else None,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            phone=data.get("phone", ""),
            unit=data.get("unit", ""),
        )
        try:
            if request.POST.get("walk_in"):
                services.walk_in_add(meeting_id=meeting.pk, invitee=invitee, actor=request.user)
            else:
                services.participant_add(meeting_id=meeting.pk, invitee=invitee, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已登记。" if request.POST.get("walk_in") else "已添加参会人员。")
    else:
        messages.error(request, "请检查填写的内容。")
    target = "meetings:staff-checkin" if request.POST.get("walk_in") else "meetings:staff-detail"
    return redirect(target, pk=meeting.pk)


@back_office
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.participant_remove(participant_id=participant_pk, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("meetings:staff-detail", pk=meeting.pk)


@back_office
@require_POST
def materials_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        services.meeting_add_materials(
            meeting_id=meeting.pk, files=request.FILES.getlist("files"), actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "材料已上传。")
    return redirect("meetings:staff-detail", pk=meeting.pk)


def material(request: HttpRequest, pk: int, material_pk: int) -> HttpResponseBase:
    """Staff who see the meeting, or an invitee through their personal link token."""
    item = MeetingMaterial.objects.select_related("meeting").filter(pk=material_pk, meeting_id=pk).first()
    if item is None:
        raise Http404
    token = request.GET.get("t", "")
    allowed = bool(token) and item.meeting.participants.filter(token=token).exists()
    if not allowed and request.user.is_authenticated:
        allowed = selectors.meeting_get_for_user(scope_of(request.user), pk) is not None
    if not allowed:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


@back_office
def checkin_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not permissions.can_check_in_others(
        scope_of(request.user), meeting
    ) and not permissions.can_manage_meeting(scope_of(request.user), meeting):
        raise Forbidden
    search = CheckinSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    context = {
        "meeting": meeting,
        "search": search,
        "participants": list(selectors.checkin_list(meeting, query)),
        "counts": selectors.checkin_counts(meeting),
        "walk_in_form": InviteeForm(initial={"role": ParticipantRole.RESIDENT}),
        "can_checkin": permissions.can_check_in_others(scope_of(request.user), meeting),
    }
    template = (
        "meetings/_checkin_rows.html" if request.headers.get("HX-Request") else "meetings/checkin_staff.html"
    )
    return render(request, template, context)


@back_office
@require_POST
def checkin_one(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        participant, created = services.check_in(participant_id=participant_pk, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{participant.name} 已签到。" if created else f"{participant.name} 此前已签到，未重复登记。",
        )
    return redirect("meetings:staff-checkin", pk=meeting.pk)


@back_office
def qr_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's code, to project on the wall or print on the table."""
    meeting = _meeting(request, pk)
    url = request.build_absolute_uri(reverse("meetings:checkin", kwargs={"token": meeting.checkin_token}))
    return render(
        request, "meetings/qr.html", {"meeting": meeting, "qr": mark_safe(qr_svg(url)), "url": url}
    )  # generated SVG


RECORD_FORMS: dict[str, Any] = {
    "agenda": AgendaForm,
    "speaker": ParticipantChoiceForm,
    "speech": SpeechForm,
    "vote": VoteForm,
    "consensus": ConsensusForm,
    "unresolved": UnresolvedForm,
    "summary": SummaryForm,
}
RECORDED = {
    "agenda": "议程已添加。",
    "speaker": "已加入发言顺序。",
    "speech": "发言已记录。",
    "vote": "表决结果已记录。",
    "consensus": "共识已记录。",
    "unresolved": "未决事项已记录。",
    "summary": "会议概述已保存。",
}


def _record_forms(meeting: Meeting, bound: tuple[str, Any] | None = None) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for kind, form_class in RECORD_FORMS.items():
        if bound is not None and bound[0] == kind:
            forms[kind] = bound[1]
        elif kind in ("speaker", "speech"):
            forms[kind] = form_class(meeting=meeting, prefix=kind)
        elif kind == "summary":
            forms[kind] = form_class(prefix=kind, initial={"summary": meeting.minutes_summary})
        else:
            forms[kind] = form_class(prefix=kind)
    return forms


def _save_record(kind: str, meeting: Meeting, data: dict[str, Any], actor: Any) -> None:
    if kind == "agenda":
        record.agenda_add(
            meeting_id=meeting.pk, title=data["title"], duration_minutes=data["duration_minutes"], actor=actor
        )
    elif kind == "speaker":
        record.speaker_add(meeting_id=meeting.pk, participant_id=data["participant"].pk, actor=actor)
    elif kind == "speech":
        record.speech_add(
            meeting_id=meeting.pk,
            participant_id=data["participant"].pk,
            summary=data["summary"],
            kind=data["kind"],
            actor=actor,
        )
    elif kind == "vote":
        record.vote_add(
            meeting_id=meeting.pk,
            question=data["question"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            votes_abstain=data["votes_abstain"],
            others_present=data.get("others_present"),
            actor=actor,
        )
    elif kind == "consensus":
        record.consensus_add(
            meeting_id=meeting.pk,
            text=data["text"],
            dissent=data.get("dissent", ""),
            department_id=data["department"].pk if data.get("department") else None,
            responsible_person=data.get("responsible_person", ""),
            actor=actor,
        )
    elif kind == "unresolved":
        record.unresolved_add(
            meeting_id=meeting.pk, text=data["text"], next_step=data.get("next_step", ""), actor=actor
        )
    else:
        record.minutes_update(meeting_id=meeting.pk, summary=data.get("summary", ""), actor=actor)


@back_office
def record_page(request: HttpRequest, pk: int, kind: str = "") -> HttpResponse:
    """During the meeting: agenda, speaker list, speeches, votes, consensus, unresolved items."""
    meeting = _meeting(request, pk)
    bound = None
    if request.method == "POST":
        if kind not in RECORD_FORMS:
            raise Http404
        form_class = RECORD_FORMS[kind]
        form = (
            form_class(request.POST, meeting=meeting, prefix=kind)
            if kind in ("speaker", "speech")
            else form_class(request.POST, prefix=kind)
        )
        if form.is_valid():
            try:
                _save_record(kind, meeting, form.cleaned_data, request.user)
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, RECORDED[kind])
                return redirect(reverse("meetings:staff-record", kwargs={"pk": meeting.pk}) + f"#{kind}")
        bound = (kind, form)
    minutes = selectors.minutes_of(meeting)
    return render(
        request,
        "meetings/record.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "forms": _record_forms(meeting, bound),
            "speaker_list": list(meeting.speaker_list.select_related("participant")),
            "can_record": permissions.can_record(scope_of(request.user), meeting),
        },
        status=400 if bound else 200,
    )


@back_office
@require_POST
def record_remove(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        record.record_remove(meeting_id=meeting.pk, kind=kind, item_id=item_pk, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(reverse("meetings:staff-record", kwargs={"pk": meeting.pk}) + f"#{kind}")


@back_office
@require_POST
def attendance(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_set(
                participant_id=participant_pk,
                attendance=form.cleaned_data["attendance"],
                reason=form.cleaned_data.get("reason", ""),
                actor=request.user,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "出席情况已更新。")
    return redirect(reverse("meetings:staff-detail", kwargs={"pk": meeting.pk}) + "#participants")


@back_office
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        meeting = record.minutes_confirm(meeting_id=meeting.pk, actor=request.user)
    except ApplicationError as error:
        if isinstance(error, PermissionDenied):
            raise
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "纪要已由主持人和记录人确认。"
            if meeting.status == MeetingStatus.MINUTES_CONFIRMED
            else "您已确认纪要，等待另一位确认。",
        )
    return redirect("meetings:staff-detail", pk=meeting.pk)


@back_office
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not permissions.can_view_minutes(scope_of(request.user), meeting):
        raise Http404
    return render(
        request, "meetings/minutes.html", {"meeting": meeting, "minutes": selectors.minutes_of(meeting)}
    )


@back_office
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not permissions.can_view_minutes(scope_of(request.user), meeting):
        raise Http404
    body = documents.minutes_docx(selectors.minutes_of(meeting))
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.docx"'
    return response


@back_office
def staff_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    from shangliang.meetings.views import _ics_response

    return _ics_response(meeting, request, reverse("meetings:staff-detail", kwargs={"pk": pk}))


@back_office
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Consensus → action items, in one step for all items not yet assigned."""
    meeting = _meeting(request, pk)
    if not permissions.can_assign_consensus(scope_of(request.user), meeting):
        raise Forbidden
    items = list(meeting.consensus_items.filter(action_item__isnull=True).select_related("department"))
    form = AssignForm(request.POST or None, items=items, deadline=record.default_deadline())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignments = [
            record.Assignment(
                consensus_id=item.pk,
                department_id=data[f"department_{item.pk}"].pk,
                deadline=data[f"deadline_{item.pk}"],
                responsible_person=data.get(f"person_{item.pk}", ""),
            )
            for item in items
        ]
        try:
            created = record.consensus_assign(
                meeting_id=meeting.pk, assignments=assignments, actor=request.user
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已生成 {len(created)} 份交办单，议题转入落实。")
            return redirect("meetings:staff-detail", pk=meeting.pk)
    return render(
        request,
        "meetings/assign.html",
        {"meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )
