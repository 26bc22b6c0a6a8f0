"""Admin screens for places and people. They validate with the services' rules and save through the
services, so a change made here is checked, versioned and audited like one made in the staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import scope_of
from shangliang.places import models as m
from shangliang.places import permissions as perms
from shangliang.places import services
from shangliang.places.rules import check_group_size, check_region_level


def _as_validation_error(error: ApplicationError) -> ValidationError:
    return ValidationError({error.field: error.message} if error.field else error.message)


class RequestForm(forms.ModelForm):
    """A model form that knows who is editing (set by ``ServiceAdmin.get_form``)."""

    request: HttpRequest | None = None

    @property
    def actor(self) -> Any:
        return self.request.user if self.request is not None else None


class AdminRolePermissions:
    """The administrator role manages places without per-model Django permissions being granted."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_of(request.user).is_admin or super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_of(request.user).is_admin or super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return scope_of(request.user).is_admin or super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_of(request.user).is_admin or super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_of(request.user).is_admin or super().has_delete_permission(request, obj)  # type: ignore[misc]


class ServiceAdmin(AdminRolePermissions, admin.ModelAdmin):
    """Binds the request to the form so that ``clean`` can check the editor's permission."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    @staticmethod
    def changes(form: forms.ModelForm, fields: tuple[str, ...]) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}

    @staticmethod
    def values(form: forms.ModelForm, fields: tuple[str, ...]) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}


# --- Regions -------------------------------------------------------------------------------------------


class RegionForm(RequestForm):
    class Meta:
        model = m.Region
        fields = ("name", "level", "parent", "code", "community_kind", "leader_name", "sort_order")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        level, parent = data.get("level"), data.get("parent")
        if level is None:
            return data
        try:
            check_region_level(level=level, parent_level=parent.level if parent else None)
        except ApplicationError as exc:
            raise _as_validation_error(exc) from exc
        instance = self.instance
        if instance.pk and parent is not None and parent.path.startswith(instance.path):
            raise ValidationError({"parent": "不能把区域移到它自己或它的下级区域之下。"})
        allowed = (
            perms.can_change_region(scope_of(self.actor), instance)
            if instance.pk
            else perms.can_create_region(scope_of(self.actor), parent)
        )
        if not allowed:
            raise ValidationError("您没有权限在此位置修改区域。")
        return data


@admin.register(m.Region)
class RegionAdmin(ServiceAdmin):
    form = RegionForm
    list_display = ("name", "level", "parent", "leader_name", "code")
    list_filter = ("level",)
    search_fields = ("name", "code", "leader_name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    list_select_related = ("parent",)

    def save_model(self, request: HttpRequest, obj: m.Region, form: Any, change: bool) -> None:
        if change:
            services.region_update(
                region=obj, actor=request.user, **self.changes(form, services.REGION_FIELDS)
            )
        else:
            created = services.region_create(actor=request.user, **self.values(form, services.REGION_FIELDS))
            obj.pk, obj.path = created.pk, created.path


# --- Organisations and members -------------------------------------------------------------------


@admin.register(m.Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ("name", "kind", "parent", "region", "categories", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "short_name", "categories")
    autocomplete_fields = ("region", "parent")
    list_select_related = ("parent", "region")

    def save_model(self, request: HttpRequest, obj: m.Organisation, form: Any, change: bool) -> None:
        fields = services.ORGANISATION_FIELDS
        if change:
            services.organisation_update(organisation=obj, actor=request.user, **self.changes(form, fields))
        else:
            obj.pk = services.organisation_create(actor=request.user, **self.values(form, fields)).pk


@admin.register(m.Member)
class MemberAdmin(ServiceAdmin):
    list_display = ("name", "level", "sector", "committee", "term", "is_standing", "active")
    list_filter = ("level", "is_standing", "active", "sector", "committee")
    search_fields = ("name", "work_unit")
    list_select_related = ("sector", "committee")

    def save_model(self, request: HttpRequest, obj: m.Member, form: Any, change: bool) -> None:
        fields = services.MEMBER_FIELDS
        if change:
            services.member_update(member=obj, actor=request.user, **self.changes(form, fields))
        else:
            obj.pk = services.member_create(actor=request.user, **self.values(form, fields)).pk


# --- Activity groups -------------------------------------------------------------------------------


class MembershipFormSet(BaseInlineFormSet):
    def kept_forms(self) -> list[Any]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("member")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = self.kept_forms()
        try:
            check_group_size(len({form.cleaned_data["member"].pk for form in kept}))
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        if sum(1 for form in kept if form.cleaned_data.get("is_leader")) > 1:
            raise ValidationError("每个小组只能有一名组长。")


class MembershipInline(AdminRolePermissions, admin.TabularInline):
    model = m.ActivityGroupMembership
    formset = MembershipFormSet
    autocomplete_fields = ("member",)
    extra = 3
    max_num = 6


@admin.register(m.ActivityGroup)
class ActivityGroupAdmin(ServiceAdmin):
    inlines = (MembershipInline,)
    list_display = ("name", "community", "member_count")
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community",)
    list_select_related = ("community",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.ActivityGroup]:
        return super().get_queryset(request).annotate(_member_count=Count("activitygroupmembership"))

    @admin.display(description="委员人数", ordering="_member_count")
    def member_count(self, obj: Any) -> int:
        return int(obj._member_count)

    def save_model(self, request: HttpRequest, obj: m.ActivityGroup, form: Any, change: bool) -> None:
        # The members come with the inline; ``save_related`` hands both to the service.
        if not change:
            obj.save()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            if isinstance(formset, MembershipFormSet):
                kept = formset.kept_forms()
                leader = next(
                    (f.cleaned_data["member"] for f in kept if f.cleaned_data.get("is_leader")), None
                )
                services.activity_group_set_members(
                    community=form.cleaned_data["community"],
                    members=[f.cleaned_data["member"] for f in kept],
                    leader=leader,
                    name=form.cleaned_data["name"],
                    actor=request.user,
                )
                # What the admin's change message reads; the service has written the audit event.
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change)


# --- Rooms, checks and schedules ---------------------------------------------------------------------


class RoomForm(RequestForm):
    # The version the form was opened on ("version" itself is the model's non-editable field).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = m.Room
        fields = services.ROOM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        version = data.get("loaded_version")
        if self.instance.pk and version is not None:
            current = m.Room.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != version:
                raise ValidationError("该记录刚刚已被他人修改，请刷新页面查看最新内容后再操作。")
        region = data.get("region")
        if region is not None and not perms.can_create_room(scope_of(self.actor), region):
            raise ValidationError({"region": "您没有权限在该区域设立或修改议事室。"})
        return data


class StandardCheckForm(forms.ModelForm):
    class Meta:
        model = m.RoomStandardCheck
        fields = ("item", "satisfied", "evidence", "note", "checked_on")


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = m.RoomSchedule
        fields = ("name", "preset", "rule", "start_time", "end_time", "starts_on", "ends_on", "active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].required = False
        self.fields["name"].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        probe = m.RoomSchedule(**{name: data.get(name) for name in self.Meta.fields})
        probe.name, probe.rule = probe.name or "", probe.rule or ""
        try:
            services.schedule_prepare(probe)
        except ApplicationError as exc:
            raise _as_validation_error(exc) from exc
        data["rule"], data["name"] = probe.rule, probe.name
        return data


class StandardCheckInline(AdminRolePermissions, admin.StackedInline):
    model = m.RoomStandardCheck
    form = StandardCheckForm
    extra = 0
    max_num = len(m.StandardItem.values)
    readonly_fields = ("evidence_name",)


class ScheduleInline(AdminRolePermissions, admin.StackedInline):
    model = m.RoomSchedule
    form = ScheduleForm
    extra = 0


def _save_check(request: HttpRequest, room: m.Room, form: Any) -> None:
    data = form.cleaned_data
    evidence = data.get("evidence") if "evidence" in form.changed_data else None
    services.room_standard_check_set(
        room=room,
        item=data["item"],
        satisfied=data["satisfied"],
        evidence=evidence or None,
        note=data.get("note") or "",
        checked_on=data.get("checked_on"),
        actor=request.user,
    )


def _save_schedule(request: HttpRequest, room: m.Room, form: Any) -> None:
    values = {name: form.cleaned_data[name] for name in ScheduleForm.Meta.fields}
    if form.instance.pk:
        services.room_schedule_update(
            schedule=form.instance, actor=request.user, expected_version=None, **values
        )
    else:
        services.room_schedule_create(room=room, actor=request.user, **values)


@admin.register(m.Room)
class RoomAdmin(ServiceAdmin):
    form = RoomForm
    inlines = (StandardCheckInline, ScheduleInline)
    list_display = ("name", "kind", "region", "capacity", "convener_name", "satisfied", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "address", "convener_name")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[m.Room]:
        return (
            super()
            .get_queryset(request)
            .annotate(_satisfied=Count("standard_checks", filter=Q(standard_checks__satisfied=True)))
        )

    @admin.display(description="“四有”达标项", ordering="_satisfied")
    def satisfied(self, obj: Any) -> str:
        return f"{obj._satisfied}/{len(m.StandardItem.values)}"

    def save_model(self, request: HttpRequest, obj: m.Room, form: Any, change: bool) -> None:
        fields = services.ROOM_FIELDS
        if change:
            services.room_update(
                room=obj,
                actor=request.user,
                expected_version=form.cleaned_data.get("loaded_version"),
                **self.changes(form, fields),
            )
        else:
            obj.pk = services.room_create(actor=request.user, **self.values(form, fields)).pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        room = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        save = _save_check if formset.model is m.RoomStandardCheck else _save_schedule
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not hasattr(inline_form, "cleaned_data"):
                continue
            if inline_form.cleaned_data.get("DELETE"):
                if inline_form.instance.pk and formset.model is m.RoomSchedule:
                    services.room_schedule_delete(schedule=inline_form.instance, actor=request.user)
                elif inline_form.instance.pk:
                    inline_form.instance.delete()
                continue
            save(request, room, inline_form)


@admin.register(m.RoomStandardCheck)
class RoomStandardCheckAdmin(ServiceAdmin):
    form = StandardCheckForm
    fields = ("room", "item", "satisfied", "evidence", "evidence_name", "note", "checked_on")
    readonly_fields = ("evidence_name",)
    list_display = ("room", "item", "satisfied", "evidence_name", "checked_on")
    list_filter = ("item", "satisfied")
    search_fields = ("room__name",)
    autocomplete_fields = ("room",)
    list_select_related = ("room",)

    def save_model(self, request: HttpRequest, obj: m.RoomStandardCheck, form: Any, change: bool) -> None:
        room = form.cleaned_data.get("room") or obj.room
        _save_check(request, room, form)
        obj.pk = m.RoomStandardCheck.objects.get(room=room, item=form.cleaned_data["item"]).pk


@admin.register(m.RoomSchedule)
class RoomScheduleAdmin(ServiceAdmin):
    form = ScheduleForm
    fields = ("room", *ScheduleForm.Meta.fields)
    list_display = ("name", "room", "preset", "start_time", "end_time", "starts_on", "ends_on", "active")
    list_filter = ("preset", "active")
    search_fields = ("name", "room__name")
    autocomplete_fields = ("room",)
    list_select_related = ("room",)

    def save_model(self, request: HttpRequest, obj: m.RoomSchedule, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in ScheduleForm.Meta.fields}
        if change:
            services.room_schedule_update(schedule=obj, actor=request.user, expected_version=None, **values)
        else:
            obj.pk = services.room_schedule_create(
                room=form.cleaned_data["room"], actor=request.user, **values
            ).pk
