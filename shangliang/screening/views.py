"""The screening desk: the inbox (filters, sorting, pagination, keyboard, bulk actions), one
concern's screening page (photos, similar concerns and topics, merge, decisions), hot issues."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shangliang.concerns import rules
from shangliang.concerns import services as concern_services
from shangliang.concerns.models import NEVER_PUBLIC, Concern, ConcernSource, ConcernStatus
from shangliang.core.audit import events_for
from shangliang.core.errors import ApplicationError
from shangliang.core.options import render_options
from shangliang.core.scope import Scope, scope_of
from shangliang.places.models import Region, RegionLevel
from shangliang.screening import permissions, selectors, services
from shangliang.screening.forms import BulkForm, DecisionForm, MergeForm
from shangliang.screening.models import DecisionKind, DeclineReason
from shangliang.text.models import Category
from shangliang.topics.forms import apply_error
from shangliang.topics.services import TopicDraft


def _desk_user(request: HttpRequest) -> None:
    if not permissions.can_use_desk(scope_of(request.user)):
        raise DjangoPermissionDenied("只有网格员、社区书记和政协机关工作人员可以使用研判台。")


FILTER_CACHE_SECONDS = 300


def _filter_choices(scope: Scope) -> dict[str, Any]:
    """Streets, communities and grids inside the person's scope, and the active categories, as
    (id, name) pairs for the filter lists. Cached a few minutes per scope: they rarely change and
    the desk is opened all day."""
    path = scope.region_path

    def load() -> dict[str, Any]:
        qs = Region.objects.filter(level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID])
        if path:
            qs = qs.filter(path__startswith=path)
        rows = list(qs.order_by("path").values_list("id", "name", "level", "parent_id"))
        grids: dict[int, list[tuple[int, str]]] = {}
        for pk, name, level, parent in rows:
            if level == RegionLevel.GRID:
                grids.setdefault(parent, []).append((pk, name))
        # Rendered once: escaping hundreds of options on every view costs more than the queries.
        return {
            "streets": render_options(
                (pk, name) for pk, name, level, _ in rows if level == RegionLevel.STREET
            ),
            "communities": render_options(
                (pk, name) for pk, name, level, _ in rows if level == RegionLevel.COMMUNITY
            ),
            "grids_of": {community: render_options(pairs) for community, pairs in grids.items()},
            "categories": render_options(Category.objects.filter(active=True).values_list("id", "name")),
            "decline_reasons": render_options(
                DeclineReason.objects.filter(active=True).values_list("id", "text")
            ),
        }

    choices = cast(dict[str, Any], cache.get_or_set(f"screening:filters:{path}", load, FILTER_CACHE_SECONDS))
    return choices


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    filters = selectors.InboxFilters.from_query(request.GET)
    page = selectors.inbox(scope_of(request.user), filters)
    choices = _filter_choices(scope_of(request.user))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/inbox.html",
        {
            "page": page,
            "next": request.get_full_path(),
            "f": filters,
            "query": query.urlencode(),
            "sources": ConcernSource.choices,
            "statuses": [("waiting", "待研判"), ("decided", "已研判"), ("merged", "已合并"), ("all", "全部")],
            "sorts": [("new", "最新提交"), ("old", "最早提交"), ("due", "答复期限"), ("support", "反映人数")],
            # Row links are built from one reversed prefix: reversing per row costs more than the rows.
            "concern_url": reverse("screening:concern", args=[0])[:-2],
            **{name: options for name, options in choices.items() if name != "grids_of"},
            # A district has hundreds of grids: offer those of the chosen community (or of the
            # person's own community, when that is their scope).
            "grids": choices["grids_of"].get(filters.community or 0)
            or (next(iter(choices["grids_of"].values())) if len(choices["grids_of"]) == 1 else []),
        },
    )


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    form = BulkForm(request.POST)
    back = _back(request, reverse("screening:inbox"))
    if not form.is_valid():
        messages.error(request, "请先勾选诉求，再选择批量操作。")
        return redirect(back)
    data = form.cleaned_data
    ids: list[int] = data["ids"]
    action = data["action"]
    try:
        if action == "topic":
            topic = services.concerns_to_new_topic(
                concern_ids=ids,
                draft=TopicDraft(title=data.get("topic_title") or _default_title(ids)),
                reason=data.get("reason", ""),
                actor=request.user,
            )
            messages.success(request, f"已将 {len(ids)} 条诉求合并立题：{topic.title}（待审批）。")
            return redirect("topics:staff-detail", pk=topic.pk)
        if action == "merge":
            if len(ids) < 2:
                raise ApplicationError("请至少勾选两条诉求再合并。")
            result = services.bulk_merge(concern_ids=ids[1:], into_concern_id=ids[0], actor=request.user)
        elif action == "decline":
            result = services.bulk_decide(
                concern_ids=ids,
                decision=services.DecisionInput(
                    kind=DecisionKind.DECLINE,
                    reason=data.get("reason", ""),
                    decline_reason_id=data["decline_reason"].pk if data.get("decline_reason") else None,
                ),
                actor=request.user,
            )
        else:
            result = services.bulk_start_screening(concern_ids=ids, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    if result.done:
        messages.success(request, f"已处理 {len(result.done)} 条。")
    for _pk, message in result.refused[:5]:
        messages.error(request, message)
    return redirect(back)


def _default_title(ids: list[int]) -> str:
    first = Concern.objects.filter(pk__in=ids).order_by("pk").first()
    return first.text[:30] if first else ""


def _concern_or_404(request: HttpRequest, pk: int) -> Concern:
    concern = selectors.desk_concerns(scope_of(request.user)).filter(pk=pk).first()
    if concern is None or not permissions.can_screen(scope_of(request.user), concern):
        raise Http404
    return concern


def _page(
    request: HttpRequest, concern: Concern, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    topics = list(selectors.joinable_topics(scope_of(user), concern))
    active_topic = services.active_topic_of(concern)
    return render(
        request,
        "screening/concern.html",
        {
            "concern": concern,
            "code": rules.format_tracking_code(concern.tracking_code),
            "photos": concern.photos.all(),
            "similar": selectors.similar_for(scope_of(user), concern)
            if concern.status in ("submitted", "screening")
            else [],
            "merged": selectors.merged_into_this(concern),
            "topic": active_topic,
            "topics": topics,
            "form": form or DecisionForm(initial={"version": concern.version}, topics=topics),
            "can_decide": any(
                permissions.can_decide(scope_of(user), concern, k) for k in DecisionKind.values
            ),
            "decision_kinds": [
                k for k in DecisionKind.values if permissions.can_decide(scope_of(user), concern, k)
            ],
            "can_merge": permissions.can_merge(scope_of(user), concern),
            "can_screen": permissions.can_screen(scope_of(user), concern),
            "categories": Category.objects.filter(active=True).order_by("sort_order", "name"),
            "can_split": permissions.can_split(scope_of(user), concern),
            "first_level": permissions.gives_first_level_opinion(scope_of(user)),
            "first_level_required": permissions.first_level_required(),
            "decisions": concern.decisions.select_related(
                "actor", "topic", "action_item", "output", "referral_body"
            ),
            "events": events_for(concern),
            "waiting": concern.status in (ConcernStatus.SUBMITTED, ConcernStatus.SCREENING),
            "public_proposal": concern.public_text or rules.propose_public_text(concern.text),
            "can_publish": concern.is_public and concern.status not in NEVER_PUBLIC,
        },
        status=status,
    )


@login_required
def concern_page(request: HttpRequest, pk: int) -> HttpResponse:
    _desk_user(request)
    return _page(request, _concern_or_404(request, pk))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _desk_user(request)
    concern = _concern_or_404(request, pk)
    form = DecisionForm(request.POST, topics=list(selectors.joinable_topics(scope_of(request.user), concern)))
    if form.is_valid():
        try:
            decision = services.concern_decide(
                concern_id=concern.pk,
                decision=form.to_input(),
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except ApplicationError as error:
            concern.refresh_from_db()
            if concern.status in (ConcernStatus.SUBMITTED, ConcernStatus.SCREENING):
                apply_error(form, error)
            else:  # decided meanwhile: the form is gone from the page, say it above
                messages.error(request, error.message)
            return _page(request, concern, form, status=409 if error.code == "concurrent_change" else 400)
        label = decision.get_kind_display()
        messages.success(
            request, f"已记录研判{'初审意见' if decision.level == 'first' else '结果'}：{label}。"
        )
        return redirect(_back(request, reverse("screening:concern", args=[concern.pk])))
    concern.refresh_from_db()
    return _page(request, concern, form, status=400)


def _simple(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    _desk_user(request)
    concern = _concern_or_404(request, pk)
    form = MergeForm(request.POST)
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
    try:
        call(concern, form, version)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_back(request, reverse("screening:concern", args=[concern.pk])))


@login_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    def call(concern: Concern, form: MergeForm, version: int | None) -> None:
        form.is_valid()
        data = form.cleaned_data
        services.concern_merge(
            concern_id=concern.pk,
            into_concern_id=data.get("into_concern"),
            into_topic_id=data.get("into_topic"),
            actor=request.user,
            expected_version=version,
        )

    return _simple(request, pk, call, "已合并。如合并有误，可在本页“拆分”撤销。")


@login_required
@require_POST
def split(request: HttpRequest, pk: int) -> HttpResponse:
    def call(concern: Concern, form: MergeForm, version: int | None) -> None:
        services.concern_split(concern_id=concern.pk, actor=request.user, expected_version=version)

    return _simple(request, pk, call, "已拆分，该诉求回到待研判。")


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    def call(concern: Concern, form: MergeForm, version: int | None) -> None:
        services.concern_start_screening(concern_id=concern.pk, actor=request.user, expected_version=version)

    return _simple(request, pk, call, "已标记为研判中。")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    def call(concern: Concern, form: MergeForm, version: int | None) -> None:
        kind, object_id = request.POST.get("kind", ""), request.POST.get("object_id", "")
        if kind not in ("concern", "topic") or not object_id.isdigit():
            raise ApplicationError("请选择相似的记录。")
        services.concern_dismiss_similar(
            concern_id=concern.pk, other_kind=kind, other_object_id=int(object_id), actor=request.user
        )

    return _simple(request, pk, call, "已记录：不是同一问题，本页不再列出该记录。")


@login_required
@require_POST
def set_category(request: HttpRequest, pk: int) -> HttpResponse:
    def call(concern: Concern, form: MergeForm, version: int | None) -> None:
        category = request.POST.get("category", "")
        if not category.isdigit():
            raise ApplicationError("请选择有效的问题类别。")
        services.concern_set_category(
            concern_id=concern.pk, category_id=int(category), actor=request.user, expected_version=version
        )

    return _simple(request, pk, call, "类别已更正。")


@login_required
def hot(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    days = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else 30
    try:
        clusters = selectors.hot_issues(scope_of(request.user), days=min(max(days, 1), 366))
    except ApplicationError as error:
        messages.error(request, error.message)
        clusters = []
    concern_ids = {pk for c in clusters for pk in c.object_ids}
    concerns = {c.pk: c for c in selectors.desk_concerns(scope_of(request.user)).filter(pk__in=concern_ids)}
    rows = [(c, [concerns[pk] for pk in c.object_ids if pk in concerns]) for c in clusters]
    return render(
        request,
        "screening/hot.html",
        {
            "rows": [r for r in rows if r[1]],
            "days": days,
            "inbox_url": reverse("screening:inbox") + "?" + urlencode({"dup": "1"}),
        },
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (or withdraw) the masked text that makes a screened concern public."""
    _desk_user(request)
    concern = _concern_or_404(request, pk)
    try:
        if request.POST.get("action") == "unpublish":
            concern_services.concern_unpublish(concern=concern, actor=request.user)
            messages.success(request, "已撤下公开。")
        else:
            concern_services.concern_publish(
                concern=concern, public_text=request.POST.get("public_text", ""), actor=request.user
            )
            messages.success(request, "已确认公开的文字。")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(reverse("screening:concern", args=[concern.pk]) + "#publish")
