"""Staff pages for places, people and rooms. Thin: parse the form, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shangliang.core.errors import ApplicationError, PermissionDenied
from shangliang.core.scope import Scope, scope_of
from shangliang.places import permissions as perms
from shangliang.places import selectors, services
from shangliang.places.forms import (
    ActivityGroupForm,
    MemberFilterForm,
    RegionChildForm,
    RoomForm,
    ScheduleForm,
    StandardCheckForm,
    add_service_error,
)
from shangliang.places.models import (
    CHILD_LEVEL,
    ActivityGroup,
    Member,
    OrganisationKind,
    Region,
    RegionLevel,
    RoomSchedule,
    RoomStandardCheck,
    StandardItem,
)
from shangliang.privacy.personal import mask_phone

View = Callable[..., HttpResponseBase]


def back_office(view: View) -> View:
    """Signed-in back-office users only; a refusal from a service or selector becomes a 403 page."""

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


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden


# --- Regions ------------------------------------------------------------------------------------------


@back_office
def region_tree(request: HttpRequest) -> HttpResponse:
    regions = selectors.region_tree_for_user(scope_of(request.user))
    return render(request, "places/region_tree.html", {"regions": regions})


@back_office
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = selectors.region_get_for_user(scope_of(request.user), pk)
    can_add = perms.can_create_region(scope_of(request.user), region) and region.level != RegionLevel.GRID
    form = RegionChildForm(request.POST or None, initial={"level": _child_level(region)})
    if request.method == "POST":
        _require(can_add)
        if form.is_valid():
            try:
                child = services.region_create(actor=request.user, parent=region, **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"已添加下级区域“{child.name}”。")
                return redirect("places:region-detail", pk=region.pk)
    context = {
        "region": region,
        "ancestors": Region.objects.filter(pk__in=_ancestor_ids(region)).order_by("path"),
        "children": selectors.region_children(region),
        # A region above one's own shows its rooms without links to pages outside one's scope.
        "rooms": [
            (room, perms.can_view_room(scope_of(request.user), room))
            for room in region.rooms.order_by("name")
        ],
        "form": form if can_add else None,
    }
    return render(request, "places/region_detail.html", context, status=400 if form.errors else 200)


def _child_level(region: Region) -> str:
    return CHILD_LEVEL.get(region.level, "")


def _ancestor_ids(region: Region) -> list[int]:
    return [int(p) for p in region.path.strip("/").split("/")[:-1] if p]


# --- Organisations and members ------------------------------------------------------------------------


@back_office
def organisation_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in OrganisationKind.values:
        kind = ""
    context = {
        "organisations": selectors.organisations_list(kind=kind),
        "kinds": OrganisationKind.choices,
        "kind": kind,
    }
    return render(request, "places/organisation_list.html", context)


@back_office
def member_list(request: HttpRequest) -> HttpResponse:
    sectors, committees = selectors.member_bodies()
    form = MemberFilterForm(request.GET or None, sectors=sectors, committees=committees)
    page = Paginator(selectors.members_list(**form.filters()), 50).get_page(request.GET.get("page"))
    rows = [(m, mask_phone(m.phone) if m.phone else "") for m in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "can_reveal": perms.can_view_full_phone(scope_of(request.user)),
    }
    return render(request, "places/member_list.html", context)


@back_office
@require_POST
def member_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one member's full number; logged as a sensitive access."""
    member = get_object_or_404(Member, pk=pk)
    phone = services.member_phone_reveal(member=member, actor=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(f'<a href="tel:{phone}">{phone}</a>')
    return render(request, "places/member_phone.html", {"member": member, "phone": phone})


# --- Activity groups and coverage ---------------------------------------------------------------------


@back_office
def group_list(request: HttpRequest) -> HttpResponse:
    groups = selectors.activity_groups_for_user(scope_of(request.user))
    return render(request, "places/group_list.html", {"groups": groups})


@back_office
def group_edit(request: HttpRequest, community_pk: int) -> HttpResponse:
    community = get_object_or_404(Region, pk=community_pk, level=RegionLevel.COMMUNITY)
    _require(perms.can_manage_activity_group(scope_of(request.user), community))
    group = ActivityGroup.objects.filter(community=community).first()
    initial: dict[str, Any] = {}
    if group is not None:
        rows = list(group.activitygroupmembership_set.all())
        initial = {
            "name": group.name,
            "members": [r.member_id for r in rows],
            "leader": next((r.member_id for r in rows if r.is_leader), None),
            "version": group.version,
        }
    form = ActivityGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_group_set_members(
                community=community,
                members=list(data["members"]),
                leader=data["leader"],
                name=data["name"],
                actor=request.user,
                expected_version=data["version"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存“{community.name}”的委员活动小组。")
            return redirect("places:group-list")
    context = {"community": community, "group": group, "form": form}
    return render(request, "places/group_edit.html", context, status=400 if form.errors else 200)


@back_office
def coverage(request: HttpRequest) -> HttpResponse:
    _require(perms.can_view_coverage(scope_of(request.user)))
    rows = selectors.coverage_for_user(scope_of(request.user))
    gaps = [r for r in rows if r.status != "ok"]
    counts = {
        status: sum(1 for r in rows if r.status == status) for status in ("missing", "short", "over", "ok")
    }
    return render(
        request, "places/coverage.html", {"rows": rows, "gaps": gaps, "counts": counts, "total": len(rows)}
    )


# --- Rooms ------------------------------------------------------------------------------------------------


@back_office
def room_list(request: HttpRequest) -> HttpResponse:
    rooms = selectors.rooms_for_user(scope_of(request.user))
    context = {"rooms": rooms, "item_count": len(StandardItem.values)}
    return render(request, "places/room_list.html", context)


def _room_regions(scope: Scope) -> Any:
    prefix = scope.region_path
    if prefix is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=prefix).exclude(level=RegionLevel.GRID).order_by("path")


@back_office
def room_create(request: HttpRequest) -> HttpResponse:
    form = RoomForm(request.POST or None, regions=_room_regions(scope_of(request.user)))
    if request.method == "POST" and form.is_valid():
        try:
            room = services.room_create(actor=request.user, **form.values())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已创建议事室“{room.name}”。")
            return redirect("places:room-detail", pk=room.pk)
    return render(request, "places/room_form.html", {"form": form}, status=400 if form.errors else 200)


@back_office
def room_detail(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.room_get_for_user(scope_of(request.user), pk)
    return _render_room(request, room, check_forms={})


def _render_room(
    request: HttpRequest, room: Any, *, check_forms: dict[str, StandardCheckForm]
) -> HttpResponse:
    can_change = perms.can_change_room(scope_of(request.user), room)
    checklist = selectors.room_checklist(room)
    rows = [
        (
            row,
            check_forms.get(row.item)
            or StandardCheckForm(
                prefix=row.item,
                initial={
                    "satisfied": row.satisfied,
                    "note": row.check.note if row.check else "",
                    "checked_on": row.check.checked_on if row.check else None,
                },
            ),
        )
        for row in checklist
    ]
    context = {
        "room": room,
        "convener_phone": mask_phone(room.convener_phone) if room.convener_phone else "",
        "can_change": can_change,
        "checks": rows,
        "satisfied_count": sum(1 for row in checklist if row.satisfied),
        "schedules": selectors.room_schedules_with_dates(room),
    }
    status = 400 if any(f.errors for f in check_forms.values()) else 200
    return render(request, "places/room_detail.html", context, status=status)


@back_office
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.room_get_for_user(scope_of(request.user), pk)
    _require(perms.can_change_room(scope_of(request.user), room))
    form = RoomForm(
        request.POST or None,
        initial=RoomForm.initial_for(room),
        regions=_room_regions(scope_of(request.user)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.room_update(
                room=room, actor=request.user, expected_version=form.cleaned_data["version"], **form.values()
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已保存议事室信息。")
            return redirect("places:room-detail", pk=room.pk)
    context = {"form": form, "room": room}
    return render(request, "places/room_form.html", context, status=400 if form.errors else 200)


@back_office
@require_POST
def room_check(request: HttpRequest, pk: int, item: str) -> HttpResponse:
    room = selectors.room_get_for_user(scope_of(request.user), pk)
    _require(perms.can_change_room(scope_of(request.user), room))
    if item not in StandardItem.values:
        raise Http404
    form = StandardCheckForm(request.POST, request.FILES, prefix=item)
    if form.is_valid():
        try:
            services.room_standard_check_set(room=room, item=item, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存“{StandardItem(item).label}”核查结果。")
            return redirect("places:room-detail", pk=room.pk)
    return _render_room(request, room, check_forms={item: form})


@back_office
def evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Evidence files are not public: served only to those who may see the room."""
    check = get_object_or_404(RoomStandardCheck.objects.select_related("room__region"), pk=pk)
    _require(perms.can_view_evidence(scope_of(request.user), check.room))
    if not check.evidence:
        raise Http404
    return FileResponse(
        check.evidence.open("rb"),
        as_attachment=True,
        filename=check.evidence_name or str(check.evidence.name),
    )


@back_office
def schedule_create(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.room_get_for_user(scope_of(request.user), pk)
    _require(perms.can_change_room(scope_of(request.user), room))
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_schedule_create(room=room, actor=request.user, **form.values())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已添加固定议事日。")
            return redirect("places:room-detail", pk=room.pk)
    context = {"form": form, "room": room}
    return render(request, "places/schedule_form.html", context, status=400 if form.errors else 200)


@back_office
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(RoomSchedule.objects.select_related("room__region"), pk=pk)
    room = schedule.room
    _require(perms.can_change_room(scope_of(request.user), room))
    initial = {name: getattr(schedule, name) for name in ScheduleForm.FIELDS} | {"version": schedule.version}
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_schedule_update(
                schedule=schedule,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已保存固定议事日。")
            return redirect("places:room-detail", pk=room.pk)
    context = {"form": form, "room": room, "schedule": schedule}
    return render(request, "places/schedule_form.html", context, status=400 if form.errors else 200)
