"""Public pages of meetings: upcoming public meetings, the announcement with sign-up and the public
minutes, room calendars, the personal invitation link, the meeting's check-in link, .ics files."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import scope_of
from shangliang.meetings import documents, selectors, services
from shangliang.meetings.forms import ReplyForm, SignUpForm, add_service_error
from shangliang.meetings.models import Meeting, MeetingStatus, Participant, Registration
from shangliang.places import selectors as place_selectors


def public_list(request: HttpRequest) -> HttpResponse:
    upcoming = selectors.with_signup(selectors.upcoming_public_meetings(limit=50))
    published = list(
        selectors.public_meetings().filter(status=MeetingStatus.PUBLISHED).order_by("-starts_at")[:20]
    )
    return render(request, "meetings/public_list.html", {"upcoming": upcoming, "published": published})


@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.public_meeting_get(pk)
    if meeting is None:
        raise Http404
    form = SignUpForm(request.POST or None)
    registration = None
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                meeting_id=meeting.pk, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"]
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("meetings:registration", token=registration.token)
    minutes = selectors.minutes_of(meeting) if meeting.status == MeetingStatus.PUBLISHED else None
    from shangliang.evaluations.selectors import public_results
    from shangliang.topics.selectors import public_topics

    topics = list(public_topics().filter(meetings=meeting).order_by("pk"))
    with_results = set(public_results().filter(pk__in=[t.pk for t in topics]).values_list("pk", flat=True))
    context = {
        "meeting": meeting,
        "topics": [(t, t.pk in with_results) for t in topics],
        "now": timezone.now(),
        "form": form,
        "signup_open": services.signup_open(meeting),
        "confirmed": meeting.registrations.filter(status="confirmed").count(),
        "minutes": minutes,
        "attendance": selectors.attendance_by_role(minutes.present) if minutes else [],
        "speaker_label": selectors.public_speaker_label,
        "speeches": [(selectors.public_speaker_label(s.participant), s) for s in minutes.speeches]
        if minutes
        else [],
    }
    return render(request, "meetings/public_detail.html", context, status=400 if form.errors else 200)


def registration(request: HttpRequest, token: str) -> HttpResponse:
    reg = get_object_or_404(Registration.objects.select_related("meeting", "meeting__room"), token=token)
    return render(request, "meetings/registration.html", {"registration": reg, "meeting": reg.meeting})


@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.registration_cancel(token=token)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已取消报名。")
    return redirect("meetings:registration", token=token)


def _ics_response(meeting: Meeting, request: HttpRequest, url: str) -> HttpResponse:
    body = documents.meeting_ics(
        meeting, url=request.build_absolute_uri(url), host=request.get_host().split(":")[0]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def public_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.public_meeting_get(pk)
    if meeting is None:
        raise Http404
    return _ics_response(meeting, request, reverse("meetings:public-detail", kwargs={"pk": pk}))


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


def room_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """A room's month or week: open days anyone may come to, and meetings (private ones only as busy)."""
    room = place_selectors.room_get_public(pk)
    view = request.GET.get("view", "month")
    if view == "week":
        try:
            day = dt.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        first, last = selectors.week_bounds(day)
        days = selectors.room_calendar(room, first, last)
        context = {
            "view": "week",
            "prev": (first - dt.timedelta(days=7)).isoformat(),
            "next": (first + dt.timedelta(days=7)).isoformat(),
            "heading": f"{first:%Y年%m月%d日} — {last:%m月%d日}",
        }
    else:
        year, month = _month(request.GET.get("month", ""))
        first, last = selectors.month_bounds(year, month)
        days = selectors.room_calendar(room, first, last, pad_month=month)
        previous = dt.date(year, month, 1) - dt.timedelta(days=1)
        following = dt.date(year, month, 28) + dt.timedelta(days=5)
        context = {
            "view": "month",
            "prev": f"{previous:%Y-%m}",
            "next": f"{following:%Y-%m}",
            "heading": f"{year}年{month}月",
        }
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return render(
        request,
        "meetings/room_calendar.html",
        {"room": room, "weeks": weeks, "days": days, "weekdays": "一二三四五六日", **context},
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link of an invitee: the meeting, and a reply (attend, or leave with a reason)."""
    participant = get_object_or_404(
        Participant.objects.select_related("meeting", "meeting__room", "meeting__host"), token=token
    )
    meeting = participant.meeting
    if meeting.status == MeetingStatus.DRAFT:
        raise Http404
    form = ReplyForm(
        request.POST or None, initial={"answer": "accept" if participant.rsvp != "declined" else "decline"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_respond(
                token=token,
                accept=form.cleaned_data["answer"] == "accept",
                reason=form.cleaned_data.get("reason", ""),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                "已收到您的回复，谢谢。" if form.cleaned_data["answer"] == "accept" else "已为您登记请假。",
            )
            return redirect("meetings:invitation", token=token)
    can_reply = (
        meeting.status in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED)
        and meeting.starts_at > timezone.now()
    )
    return render(
        request,
        "meetings/invitation.html",
        {
            "participant": participant,
            "meeting": meeting,
            "form": form,
            "can_reply": can_reply,
            # A calendar entry only for a meeting still to come.
            "offers_calendar": meeting.ends_at > timezone.now(),
            "materials": list(meeting.materials.all()),
        },
        status=400 if form.errors else 200,
    )


def invitation_ics(request: HttpRequest, token: str) -> HttpResponse:
    participant = get_object_or_404(Participant.objects.select_related("meeting"), token=token)
    if participant.meeting.status == MeetingStatus.DRAFT:
        raise Http404
    return _ics_response(
        participant.meeting, request, reverse("meetings:invitation", kwargs={"token": token})
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The meeting's code leads here: a signed-in invitee confirms with one tap (a GET changes nothing)."""
    meeting = get_object_or_404(Meeting.objects.select_related("room"), checkin_token=token)
    result = None
    error = ""
    if request.method == "POST":
        try:
            participant, created = services.check_in_self(checkin_token=token, actor=request.user)
        except PermissionDenied as exc:
            error = exc.message
        except ApplicationError as exc:
            error = exc.message
        else:
            result = {"participant": participant, "created": created}
    return render(
        request,
        "meetings/checkin.html",
        {"meeting": meeting, "result": result, "error": error},
        status=403 if error and request.method == "POST" else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:  # for the type checker; login_required ensures it
        raise Forbidden
    invitations = list(selectors.my_invitations(scope_of(request.user)))
    return render(request, "meetings/mine.html", {"invitations": invitations})
