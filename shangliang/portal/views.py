from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from shangliang.concerns.rules import mask_personal_text
from shangliang.core.errors import ApplicationError
from shangliang.evaluations import selectors as evaluation_selectors
from shangliang.meetings import selectors as meeting_selectors
from shangliang.places import selectors as places
from shangliang.reports import selectors as report_selectors
from shangliang.text import selectors as text_selectors

# Pages a public search hit opens, by kind of record.
PUBLIC_PAGES = {"concern": "concerns:public-detail"}


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
