"""Back-office pages of the intake: assisted entry (代录), the concern list and detail, room posters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.concerns import permissions, rules, selectors, services
from shangliang.concerns.forms import AssistedConcernForm
from shangliang.concerns.posters import room_poster_pdf
from shangliang.concerns.views import _apply_error
from shangliang.concerns.views import place_context as _place_context
from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.scope import scope_of
from shangliang.places import selectors as place_selectors
from shangliang.places.models import Room

PAGE_SIZE = 30


@login_required
@require_http_methods(["GET", "POST"])
def assist(request: HttpRequest) -> HttpResponse:
    """A keyboard-fast form for typing in concerns collected by phone, door to door or on paper.
    After saving it comes back empty but keeps the channel and place, ready for the next sheet."""
    if not permissions.can_enter_for_resident(scope_of(request.user)):
        raise DjangoPermissionDenied("只有网格员、社区和政协机关工作人员可以代录。")
    scope = scope_of(request.user)
    initial: dict[str, Any] = {
        k: request.GET[k] for k in ("channel", "community", "street") if request.GET.get(k)
    }
    if not initial.get("community") and scope.region_level == "community":
        initial["community"] = scope.region_id
    # What a grid worker collects door to door is 网格筛题 unless they say they type it in for someone.
    initial["source"] = request.GET.get("source") or (
        "grid" if getattr(request.user, "role", "") == "grid_worker" else "resident"
    )
    form = AssistedConcernForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern, created = services.concern_submit(data=form.to_input(), actor=request.user)
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            code = rules.format_tracking_code(concern.tracking_code)
            messages.success(
                request,
                f"已录入，查询码 {code}"
                + ("，请告知居民。" if created else "（重复提交，未新建）。")
                + (f"已向 {concern.phone_masked} 发送短信。" if concern.phone_masked and created else ""),
            )
            query = f"?channel={data['channel']}&community={data['community'].pk}"
            if data.get("source") == "grid":
                query += "&source=grid"
            return redirect(reverse("concerns:assist") + query)
    return render(
        request,
        "concerns/assist.html",
        {
            "form": form,
            **_place_context(form),
        },
        status=400 if form.errors else 200,
    )


@login_required
def concern_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.concerns_for_staff(scope_of(request.user))
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    if request.GET.get("review") == "1":
        qs = qs.filter(needs_review=True)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "concerns/staff_list.html",
        {
            "page": page,
            "status": status,
            "can_assist": permissions.can_enter_for_resident(scope_of(request.user)),
        },
    )


@login_required
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    concern = get_object_or_404(selectors.concerns_for_staff(scope), pk=pk)
    if not permissions.can_view_concern(scope, concern):
        raise DjangoPermissionDenied
    return render(
        request,
        "concerns/staff_detail.html",
        {
            "concern": concern,
            "code": rules.format_tracking_code(concern.tracking_code),
            "events": events_for(concern),
            "photos": concern.photos.all(),
            "followups": concern.followups.prefetch_related("photos"),
            "can_view_contact": permissions.can_view_contact(scope, concern) and bool(concern.phone_masked),
            "can_open_desk": permissions.can_open_desk(scope),
        },
    )


@login_required
@require_POST
def reveal_contact(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_object_or_404(selectors.concerns_for_staff(scope_of(request.user)), pk=pk)
    try:
        contact = services.contact_reveal(
            concern=concern, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ApplicationError as error:
        raise DjangoPermissionDenied(error.message) from error
    return render(request, "concerns/_contact.html", {"contact": contact})


def room_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: anyone may print the poster of an active room."""
    room = get_object_or_404(Room.objects.select_related("region"), pk=pk, active=True)
    community_id = room.region_id if room.region.level == "community" else ""
    url = request.build_absolute_uri(
        reverse("concerns:submit") + (f"?community={community_id}" if community_id else "")
    )
    days = place_selectors.upcoming_open_days(
        place_selectors.public_rooms().filter(pk=room.pk), per_schedule=2, limit=4
    )
    lines = [f"{d.date:%-m月%-d日} {d.starts_at:%H:%M}-{d.ends_at:%H:%M} {d.schedule.name}" for d in days]
    pdf = room_poster_pdf(
        brand=settings.SHANGLIANG["BRAND_NAME"],
        organisation=settings.SHANGLIANG["BRAND_ORG"],
        room_name=room.name,
        address=room.address,
        url=url,
        open_days=lines,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-room-{room.pk}.pdf"'
    return response
