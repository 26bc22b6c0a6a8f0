import mimetypes
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shangliang.concerns.rules import mask_personal_text
from shangliang.core.errors import ApplicationError
from shangliang.core.scope import ANONYMOUS
from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.files import uploads
from shangliang.meetings import selectors as meeting_selectors
from shangliang.meetings.models import Meeting
from shangliang.places import selectors as places
from shangliang.reports import selectors as report_selectors
from shangliang.text import selectors as text_selectors

# Pages a public search hit opens, by kind of record.
PUBLIC_PAGES = {"concern": "concerns:public-detail", "topic": "topics:public-detail"}


def home(request: HttpRequest) -> HttpResponse:
    rooms = list(places.public_rooms())
    links = {
        "meetings_held": reverse("meetings:public-list"),
        "problems_solved": reverse("evaluations:results"),
    }
    figures = [
        {"label": f.label, "value": f.value, "rule": f.rule, "url": links.get(f.name, "")}
        for f in report_selectors.home_figures()
    ]
    return render(
        request,
        "portal/home.html",
        {
            "figures": figures,
            "open_days": places.upcoming_open_days(rooms, limit=4),
            "meetings": meeting_selectors.with_signup(meeting_selectors.upcoming_public_meetings(limit=4)),
            "results": list(evaluation_selectors.public_results()[:3]),
        },
    )


PER_PAGE = 20


def search(request: HttpRequest) -> HttpResponse:
    """Public search over concerns, topics (with their results) and meetings that anyone may read.
    A query of several words finds what holds any of them, those holding more first; each hit's
    link says what it opens."""
    query = request.GET.get("q", "").strip()
    number = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    error = ""
    hits: list[dict[str, object]] = []
    total = 0
    has_next = False
    meetings: list[Meeting] = []
    if query:
        try:
            page = text_selectors.search(
                query=query,
                scope=ANONYMOUS,
                kinds=list(PUBLIC_PAGES),
                per_page=PER_PAGE,
                page=number,
                any_word=True,
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            total, has_next = page.total, page.has_next
            hits = _public_hits(page.hits)
            meetings = _matching_meetings(page.terms) if number == 1 else []
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "hits": hits,
            "meetings": meetings,
            "total": total,
            "error": error,
            "page": number,
            "has_next": has_next,
        },
    )


def _public_hits(found: list[Any]) -> list[dict[str, object]]:
    """The index's hits as links, each read again from its record: only what anyone may read now,
    a concern by the masked text staff confirmed."""
    from shangliang.concerns.models import PUBLICLY_VISIBLE, Concern
    from shangliang.topics.selectors import public_topics

    concern_ids = [h.object_id for h in found if h.kind == "concern"]
    topic_ids = [h.object_id for h in found if h.kind == "topic"]
    concerns = {
        pk: (public_id, public_text, community)
        for pk, public_id, public_text, community in Concern.objects.filter(
            PUBLICLY_VISIBLE, pk__in=concern_ids
        ).values_list("pk", "public_id", "public_text", "community__name")
    }
    topics = {t.pk: t for t in public_topics().filter(pk__in=topic_ids)}
    with_result = set(
        evaluation_selectors.public_results().filter(pk__in=topic_ids).values_list("pk", flat=True)
    )
    hits: list[dict[str, object]] = []
    for hit in found:
        if hit.kind == "concern" and hit.object_id in concerns:
            public_id, public_text, community = concerns[hit.object_id]
            text = mask_personal_text(public_text)
            hits.append(
                {
                    "url": reverse("concerns:public-detail", args=[public_id]),
                    "label": f"居民反映：{text[:30]}{'…' if len(text) > 30 else ''}",
                    "kind": "居民反映",
                    "snippet": f"{community} · {text[:80]}",
                    "created_at": hit.created_at,
                }
            )
        elif hit.kind == "topic" and hit.object_id in topics:
            topic = topics[hit.object_id]
            hits.append(
                {
                    "url": reverse("topics:public-detail", args=[topic.pk]),
                    "label": f"协商议题：{topic.title}",
                    "kind": "协商议题",
                    "snippet": mask_personal_text(hit.snippet),
                    "created_at": hit.created_at,
                    "result_url": reverse("evaluations:result", args=[topic.pk])
                    if topic.pk in with_result
                    else "",
                    "result_label": f"成果公示：{topic.title}",
                }
            )
    return hits


def _matching_meetings(terms: list[str]) -> list[Meeting]:
    """Public meetings whose title or description holds any of the words (a district holds a few
    dozen a year: read from the table)."""
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition |= Q(title__icontains=term) | Q(description__icontains=term)
    return list(meeting_selectors.public_meetings().filter(condition).order_by("-starts_at", "-pk")[:20])


@require_GET
def file(request: HttpRequest, token: str) -> FileResponse:
    """A stored file (a photo on a tracking, result or staff page) through the signed address that
    page gave (``files.uploads.file_url``): the proxy serves no uploads itself."""
    name = uploads.file_name(token, reader=request.user)
    if name is None or not default_storage.exists(name):
        raise Http404("该文件不存在或链接已过期，请刷新原页面后再打开。")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
