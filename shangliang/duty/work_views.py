"""Pages of members' activities: training sessions, committees' annual plans, activity-group visits
and coverage, members' 社情民意 and 提案. Thin: every write is a service."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.forms import add_service_error
from shangliang.core.scope import scope_of
from shangliang.duty import forms, permissions, selectors, services
from shangliang.duty.models import TrainingSession, TrainingStatus, Visit, WritingStatus
from shangliang.duty.views import signed_in, year_from
from shangliang.files.qr import qr_svg
from shangliang.meetings.models import Meeting, MeetingStatus
from shangliang.places.models import ActivityGroup, Organisation, OrganisationKind

# --- Training -------------------------------------------------------------------------------------


@signed_in
def training_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not permissions.can_manage_training(scope) and not permissions.is_chair(scope):
        raise Forbidden("只有政协机关工作人员和专委会主任可以查看培训台账。")
    year = year_from(request)
    return render(
        request,
        "duty/training_list.html",
        {
            "year": year,
            "years": sorted({year, timezone.localdate().year, timezone.localdate().year - 1}, reverse=True),
            "sessions": selectors.sessions_in_year(year),
            "figures": selectors.training_figures(scope_of(request.user), year=year),
            "can_manage": permissions.can_manage_training(scope_of(request.user)),
        },
    )


def _meeting_choices() -> list[tuple[int, str]]:
    meetings = Meeting.objects.exclude(status=MeetingStatus.CANCELLED).filter(training__isnull=True)
    return [(m.pk, f"{m.starts_at:%Y-%m-%d} {m.title}") for m in meetings.order_by("-starts_at")[:100]]


@signed_in
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_training(scope_of(request.user)):
        raise Forbidden("只有政协机关工作人员可以安排履职培训。")
    form = forms.TrainingForm(request.POST or None, request.FILES or None, meetings=_meeting_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.training_create(
                data=services.TrainingInput(
                    kind=data["kind"],
                    subject=data["subject"],
                    held_on=data["held_on"],
                    place=data["place"],
                    organiser=data["organiser"],
                    materials=data["materials"],
                    meeting_id=data["meeting"],
                    material_file=data["material_file"],
                ),
                scope=scope_of(request.user),
                actor=request.user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "培训已安排。")
            return redirect("duty:training-detail", pk=session.pk)
    return render(request, "duty/training_form.html", {"form": form}, status=400 if form.errors else 200)


def _session_or_404(request: HttpRequest, pk: int) -> TrainingSession:
    if not permissions.can_view_trainings(scope_of(request.user)):
        raise Http404("没有找到该培训。")
    session = TrainingSession.objects.select_related("meeting").filter(pk=pk).first()
    if session is None:
        raise Http404("没有找到该培训。")
    return session


@signed_in
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    can_manage = permissions.can_manage_training(scope_of(request.user))
    attended = {
        m
        for s, ms in selectors.training_attendance(session.held_on, session.held_on, status=session.status)
        if s.pk == session.pk
        for m in ms
    }
    attendees = list(session.attendees.select_related("member").order_by("member__name"))
    if not can_manage:
        own = permissions.own_member_id(scope_of(request.user))
        attendees = [a for a in attendees if a.member_id == own]
    return render(
        request,
        "duty/training_detail.html",
        {
            "session": session,
            "attendees": attendees,
            "attended": len(attended),
            "can_manage": can_manage,
            "invite_form": forms.InviteForm(),
            "checkin_form": forms.CheckInForm(),
            "cancel_form": forms.ReasonForm(),
            "planned": session.status == TrainingStatus.PLANNED,
            "events": events_for(session) if can_manage else [],
        },
    )


@signed_in
def training_material(request: HttpRequest, pk: int) -> FileResponse:
    session = _session_or_404(request, pk)
    if not session.material_file:
        raise Http404("没有培训材料。")
    return FileResponse(
        session.material_file.open("rb"),
        as_attachment=True,
        filename=(session.material_file.name or "培训材料").rsplit("/", 1)[-1],
    )


def _after(request: HttpRequest, pk: int, done: str, call: Any) -> HttpResponse:
    try:
        call()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("duty:training-detail", pk=pk)


@signed_in
@require_POST
def training_invite(request: HttpRequest, pk: int) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    return _after(
        request,
        pk,
        "已邀请并通知所选委员。",
        lambda: services.training_invite(
            session_id=pk, member_ids=ids, scope=scope_of(request.user), actor=request.user
        ),
    )


@signed_in
@require_POST
def training_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get("member", "")
    member_id = int(raw) if raw.isdigit() else 0
    return _after(
        request,
        pk,
        "已签到。",
        lambda: services.training_check_in(
            session_id=pk, member_id=member_id, scope=scope_of(request.user), actor=request.user
        ),
    )


@signed_in
def training_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's code, to project in the room or print on the table."""
    if not permissions.can_manage_training(scope_of(request.user)):
        raise Forbidden("只有政协机关工作人员可以查看培训签到码。")
    session = get_object_or_404(TrainingSession, pk=pk, meeting__isnull=True)
    url = request.build_absolute_uri(
        reverse("duty:training-check-in-self", kwargs={"token": session.checkin_token})
    )
    # qr_svg writes the SVG itself from the URL: nothing typed by anyone goes into it.
    return render(
        request, "duty/training_qr.html", {"session": session, "qr": mark_safe(qr_svg(url)), "url": url}
    )


@signed_in
@require_http_methods(["GET", "POST"])
def training_check_in_self(request: HttpRequest, token: str) -> HttpResponse:
    """The session's code leads here: a signed-in member confirms with one tap (a GET changes nothing)."""
    session = get_object_or_404(TrainingSession, checkin_token=token)
    result = None
    error = ""
    if request.method == "POST":
        try:
            attendee, created = services.training_check_in_self(
                checkin_token=token, scope=scope_of(request.user), actor=request.user
            )
        except ApplicationError as exc:  # a refusal (PermissionDenied) included
            error = exc.message
        else:
            result = {"attendee": attendee, "created": created}
    return render(
        request,
        "duty/training_checkin.html",
        {"session": session, "result": result, "error": error},
        status=403 if error else 200,
    )


@signed_in
@require_POST
def training_held(request: HttpRequest, pk: int) -> HttpResponse:
    return _after(
        request,
        pk,
        "已登记为已举办，签到委员计入履职记分。",
        lambda: services.training_mark_held(session_id=pk, scope=scope_of(request.user), actor=request.user),
    )


@signed_in
@require_POST
def training_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _after(
        request,
        pk,
        "培训已取消。",
        lambda: services.training_cancel(
            session_id=pk, reason=reason, scope=scope_of(request.user), actor=request.user
        ),
    )


@signed_in
@require_POST
def training_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.training_sign_up(session_id=pk, scope=scope_of(request.user), actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "报名成功。")
    return redirect("duty:mine")


# --- Committees' plans ----------------------------------------------------------------------------


@signed_in
def plan_list(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    today = timezone.localdate()
    rows = selectors.plan_rows(scope_of(request.user), year, today)
    return render(
        request,
        "duty/plan_list.html",
        {
            "year": year,
            "years": sorted({year, today.year, today.year - 1, today.year + 1}, reverse=True),
            "rows": rows,
            "none_held": [r for r in rows if r.progress.none_held],
            "behind": [r for r in rows if r.progress.behind],
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, committee_id: int) -> HttpResponse:
    committee = Organisation.objects.filter(pk=committee_id, kind=OrganisationKind.SPECIAL_COMMITTEE).first()
    if committee is None or not permissions.can_edit_plan(scope_of(request.user), committee):
        raise Http404("没有找到该专委会。")
    year = year_from(request)
    plan = committee.annual_plans.filter(year=year).first()
    initial: dict[str, Any] = {"note": plan.note if plan else ""}
    if plan is not None:
        for n, item in enumerate(plan.items.all()):
            initial.update({f"subject_{n}": item.subject, f"form_{n}": item.form, f"month_{n}": item.month})
    form = forms.PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        items = [
            services.PlannedItem(data[f"subject_{n}"], data[f"form_{n}"], data[f"month_{n}"])
            for n in range(form.rows)
        ]
        try:
            services.plan_save(
                committee_id=committee.pk,
                year=year,
                items=items,
                note=data["note"],
                scope=scope_of(request.user),
                actor=request.user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{committee.name}{year}年度协商计划已保存。")
            return redirect(reverse("duty:plan-list") + f"?year={year}")
    rows = [(form[f"subject_{n}"], form[f"form_{n}"], form[f"month_{n}"]) for n in range(form.rows)]
    return render(
        request,
        "duty/plan_form.html",
        {"form": form, "rows": rows, "committee": committee, "year": year},
        status=400 if form.errors else 200,
    )


# --- Visits ---------------------------------------------------------------------------------------


@signed_in
def visit_list(request: HttpRequest) -> HttpResponse:
    visits = list(selectors.visits_for(scope_of(request.user))[:200])
    own = permissions.own_member_id(scope_of(request.user))
    groups = (
        ActivityGroup.objects.select_related("community").order_by("community__path")
        if permissions.is_office(scope_of(request.user))
        else selectors.groups_of(own)
    )
    return render(request, "duty/visit_list.html", {"visits": visits, "groups": list(groups)})


@signed_in
@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, group_id: int) -> HttpResponse:
    group = ActivityGroup.objects.select_related("community").filter(pk=group_id).first()
    if group is None:
        raise Http404("没有找到该活动小组。")
    members = list(group.members.order_by("name"))
    if not permissions.can_record_visit(scope_of(request.user), group, {m.pk for m in members}):
        raise Forbidden("您只能登记本人所在活动小组的走访。")
    choices = [(m.pk, m.name) for m in members]
    form = forms.VisitForm(
        request.POST or None, request.FILES or None, choices=choices, initial={"group": group.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                data=services.VisitInput(
                    group_id=group.pk,
                    visited_on=data["visited_on"],
                    member_ids=[int(v) for v in data["members"]],
                    heard=data["heard"],
                    photos=data["photos"],
                    concern_texts=[line for line in data["concerns"].splitlines() if line.strip()],
                ),
                scope=scope_of(request.user),
                actor=request.user,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "走访已登记，参加的委员计入履职记分。")
            return redirect("duty:visit-detail", pk=visit.pk)
    return render(
        request, "duty/visit_form.html", {"form": form, "group": group}, status=400 if form.errors else 200
    )


def _visit_or_404(request: HttpRequest, pk: int) -> Visit:
    visit = selectors.visits_for(scope_of(request.user)).filter(pk=pk).first()
    if visit is None:
        raise Http404("没有找到该走访记录。")
    return visit


@signed_in
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_or_404(request, pk)
    return render(
        request,
        "duty/visit_detail.html",
        {
            "visit": visit,
            "photos": list(visit.photos.all()),
            "concerns": list(visit.concerns.all()),
            "form": forms.ReasonForm(),
        },
    )


@signed_in
def visit_photo(request: HttpRequest, pk: int, photo_id: int, size: str = "full") -> FileResponse:
    """A visit's photo (or its thumbnail) for those who may see the visit, checked on every request."""
    visit = _visit_or_404(request, pk)
    photo = visit.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404("没有找到该照片。")
    stored = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.file
    if not stored.name or not stored.storage.exists(stored.name):
        raise Http404("没有找到该照片。")
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@signed_in
@require_POST
def visit_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _visit_or_404(request, pk)
    try:
        services.visit_withdraw(
            visit_id=pk,
            reason=request.POST.get("reason", ""),
            scope=scope_of(request.user),
            actor=request.user,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "走访记录已撤回，相应记分已扣除。")
    return redirect("duty:visit-detail", pk=pk)


@signed_in
def coverage(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    rows = selectors.coverage(scope_of(request.user), year)
    current_quarter = (timezone.localdate().month - 1) // 3 + 1 if year == timezone.localdate().year else 4
    return render(
        request,
        "duty/coverage.html",
        {
            "year": year,
            "years": sorted({year, timezone.localdate().year, timezone.localdate().year - 1}, reverse=True),
            "rows": rows,
            "not_visited": [r for r in rows if not r.visited],
            "quarters": range(1, current_quarter + 1),
        },
    )


# --- Members' writing -----------------------------------------------------------------------------


@signed_in
def writing_list(request: HttpRequest) -> HttpResponse:
    if not (
        permissions.can_write(scope_of(request.user))
        or permissions.can_review_writings(scope_of(request.user))
    ):
        raise Forbidden("只有政协委员和机关工作人员可以查看。")
    writings = selectors.writings_for(scope_of(request.user))
    status = request.GET.get("status", "")
    if status in WritingStatus.values:
        writings = writings.filter(status=status)
    return render(
        request,
        "duty/writing_list.html",
        {
            "writings": list(writings[:200]),
            "statuses": WritingStatus.choices,
            "status": status,
            "can_write": permissions.can_write(scope_of(request.user)),
        },
    )


@signed_in
@require_http_methods(["GET", "POST"])
def writing_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    writing = selectors.writing_get_for_viewer(scope_of(request.user), pk) if pk else None
    if pk and (writing is None or not permissions.can_write(scope_of(request.user), writing)):
        raise Http404("没有找到可修改的草稿。")
    if not permissions.can_write(scope_of(request.user)):
        raise Forbidden("只有政协委员可以撰写社情民意信息和提案。")
    initial: dict[str, Any] = {"kind": request.GET.get("kind", "social_opinion")}
    topic_id = int(request.GET["topic"]) if request.GET.get("topic", "").isdigit() else None
    if writing is not None:
        initial = {
            "kind": writing.kind,
            "title": writing.title,
            "body": writing.body,
            "version": writing.version,
        }
    form = forms.WritingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.writing_save(
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                scope=scope_of(request.user),
                actor=request.user,
                writing_id=writing.pk if writing else None,
                topic_id=topic_id,
                expected_version=data["version"] if writing else None,
            )
            if "submit" in request.POST:
                services.writing_submit(writing_id=saved.pk, scope=scope_of(request.user), actor=request.user)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "已提交机关审核。" if "submit" in request.POST else "草稿已保存。")
            return redirect("duty:writing-detail", pk=saved.pk)
    return render(
        request,
        "duty/writing_form.html",
        {"form": form, "writing": writing},
        status=400 if form.errors else 200,
    )


@signed_in
def writing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    writing = selectors.writing_get_for_viewer(scope_of(request.user), pk)
    if writing is None:
        raise Http404("没有找到该稿件。")
    can_review = permissions.can_review_writings(scope_of(request.user))
    return render(
        request,
        "duty/writing_detail.html",
        {
            "writing": writing,
            "can_edit": permissions.can_write(scope_of(request.user), writing),
            "can_review": can_review and writing.status == WritingStatus.SUBMITTED,
            "can_reply": can_review
            and writing.kind == "proposal"
            and writing.status == WritingStatus.ADOPTED,
            "decision_form": forms.WritingDecisionForm(
                initial={"title": writing.title, "body": writing.body}
            ),
            "return_form": forms.ReturnForm(),
            "reply_form": forms.ReplyForm(
                initial={"reply_text": writing.reply_text, "replied_on": writing.replied_on}
            ),
            "reply_due": selectors.reply_due(writing),
            "today": timezone.localdate(),
            "events": events_for(writing),
        },
    )


def _writing_action(request: HttpRequest, pk: int, done: str, call: Any) -> HttpResponse:
    try:
        call()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("duty:writing-detail", pk=pk)


@signed_in
@require_POST
def writing_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _writing_action(
        request,
        pk,
        "已提交机关审核。",
        lambda: services.writing_submit(writing_id=pk, scope=scope_of(request.user), actor=request.user),
    )


@signed_in
@require_POST
def writing_return(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _writing_action(
        request,
        pk,
        "已退回委员修改。",
        lambda: services.writing_return(
            writing_id=pk, note=note, scope=scope_of(request.user), actor=request.user
        ),
    )


@signed_in
@require_POST
def writing_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.WritingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写审核结果、标题和正文。")
        return redirect("duty:writing-detail", pk=pk)
    data = form.cleaned_data
    return _writing_action(
        request,
        pk,
        "审核结果已登记。",
        lambda: services.writing_decide(
            writing_id=pk,
            adopted=data["adopted"],
            level=data["level"],
            note=data["note"],
            title=data["title"],
            body=data["body"],
            scope=scope_of(request.user),
            actor=request.user,
        ),
    )


@signed_in
@require_POST
def writing_reply(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复内容和答复日期。")
        return redirect("duty:writing-detail", pk=pk)
    return _writing_action(
        request,
        pk,
        "答复已登记。",
        lambda: services.writing_reply(
            writing_id=pk,
            text=form.cleaned_data["reply_text"],
            replied_on=form.cleaned_data["replied_on"],
            scope=scope_of(request.user),
            actor=request.user,
        ),
    )
