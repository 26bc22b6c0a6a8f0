from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from shangliang.concerns.models import Concern
from shangliang.concerns.rules import mask_personal_text
from shangliang.core.errors import ApplicationError
from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.meetings import selectors as meeting_selectors
from shangliang.outputs import selectors as output_selectors
from shangliang.places import selectors as places
from shangliang.text import selectors as text_selectors

# Pages a public search hit opens, by kind of record.
PUBLIC_PAGES = {"concern": "concerns:public-detail"}


def home(request: HttpRequest) -> HttpResponse:
    rooms = list(places.public_rooms())
    covered = places.communities().filter(activity_group__isnull=False).count()
    figures = [
        {
            "label": "收到群众反映",
            "value": Concern.objects.count(),
            "rule": "居民自行提交和工作人员代录的诉求总数，不含“我也遇到”的附议。",
        },
        {
            "label": "召开协商议事会",
            "value": meeting_selectors.meetings_held_count(),
            "rule": meeting_selectors.MEETINGS_HELD_RULE,
            "url": reverse("meetings:public-list"),
        },
        {
            "label": "解决群众问题",
            "value": evaluation_selectors.problems_solved_count(),
            "rule": evaluation_selectors.PROBLEM_SOLVED_RULE,
            "url": reverse("evaluations:results"),
        },
        {
            "label": "向党委政府报送建议",
            "value": output_selectors.recommendations_sent_count(),
            "rule": output_selectors.RECOMMENDATIONS_SENT_RULE,
        },
        {"label": "协商议事室", "value": len(rooms), "rule": "启用中的协商议事室数量。"},
        {
            "label": "委员联系村(社区)",
            "value": covered,
            "rule": "已建立政协委员活动小组的村(社区)数量。",
        },
    ]
    return render(
        request,
        "portal/home.html",
        {
            "figures": figures,
            "open_days": places.upcoming_open_days(rooms, limit=4),
            "meetings": meeting_selectors.upcoming_public_meetings(limit=4),
            "results": list(evaluation_selectors.public_results()[:3]),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """Public search: only public records, with personal numbers masked in the snippets."""
    query = request.GET.get("q", "").strip()
    error = ""
    hits = []
    total = 0
    if query:
        try:
            page = text_selectors.search(query=query, user=None, kinds=list(PUBLIC_PAGES), per_page=20)
        except ApplicationError as exc:
            error = exc.message
        else:
            total = page.total
            hits = [
                {
                    "url": reverse(PUBLIC_PAGES[hit.kind], args=[hit.object_id]),
                    "kind": hit.kind_label,
                    "snippet": mask_personal_text(hit.snippet),
                    "created_at": hit.created_at,
                }
                for hit in page.hits
            ]
    return render(
        request, "portal/search.html", {"query": query, "hits": hits, "total": total, "error": error}
    )
