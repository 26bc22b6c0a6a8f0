"""Public pages about rooms: where they are and when they are open. No personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shangliang.places import selectors


def room_public_list(request: HttpRequest) -> HttpResponse:
    rooms = list(selectors.public_rooms().order_by("region__path", "name"))
    return render(request, "places/room_public_list.html", {"rooms": rooms})


def room_public(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.room_get_public(pk)
    open_days = selectors.upcoming_open_days([room], per_schedule=6, limit=8)
    return render(request, "places/room_public.html", {"room": room, "open_days": open_days})
