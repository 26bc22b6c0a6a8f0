from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shangliang.places import selectors as places


def home(request: HttpRequest) -> HttpResponse:
    rooms = list(places.public_rooms())
    covered = places.communities().filter(activity_group__isnull=False).count()
    figures = [
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
        {"figures": figures, "open_days": places.upcoming_open_days(rooms, limit=6), "rooms": rooms},
    )
