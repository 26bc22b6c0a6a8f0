"""JSON endpoints of the text engine, mounted at /api/v1/text/. Thin: they call the selectors.

Errors are JSON ``{"detail": "<中文说明>"}`` with status 400 (bad input) or 403 (not allowed);
the parameter validation of django-ninja answers 422.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from shangliang.core.errors import ApplicationError
from shangliang.core.scope import scope_of
from shangliang.text import selectors
from shangliang.text.models import DocumentKind
from shangliang.text.normalize import normalize
from shangliang.text.permissions import can_search_documents
from shangliang.text.selectors.common import public_faces
from shangliang.text.selectors.similar import SimilarHit

router = Router(tags=["文本"])


class TextErrorOut(Schema):
    detail: str


class SimilarIn(Schema):
    text: str = ""
    community: int | None = None
    category: str = ""
    days: int | None = None
    limit: int = 10


class SimilarOut(Schema):
    kind: str
    object_id: int
    title: str
    text: str
    community_id: int | None
    category: str
    status: str
    created_at: dt.datetime
    score: float
    shared_words: list[str]
    level: str


class SearchIn(Schema):
    q: str = ""
    kind: DocumentKind | None = None
    region: str = ""
    category: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1
    per_page: int = 20


class SearchHitOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    title: str
    snippet_html: str
    category: str
    status: str
    created_at: dt.datetime
    score: float


_SIMILAR_FIELDS = tuple(SimilarOut.model_fields)
_SEARCH_HIT_FIELDS = tuple(f for f in SearchHitOut.model_fields if f != "snippet_html")


class SearchOut(Schema):
    terms: list[str]
    total: int
    page: int
    has_next: bool
    hits: list[SearchHitOut]


class CategoryOut(Schema):
    name: str
    confidence: float


class ClusterOut(Schema):
    label: str
    size: int
    object_ids: list[int]
    community_ids: list[int]
    first_at: dt.datetime
    last_at: dt.datetime
    samples: list[str]


def _json(data: object) -> HttpResponse:
    """The response written directly: the outputs are built from the selectors' own typed values,
    and validating them again through the response schema cost more than the lookup."""
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
    )


def _bad(exc: ApplicationError) -> Status:
    return Status(400, {"detail": exc.message})


def _forbidden() -> Status:
    return Status(403, {"detail": "仅工作人员可以使用此功能，请先登录。"})


@router.get("/similar", response={200: list[SimilarOut], 400: TextErrorOut}, summary="相似诉求")
def similar(request: HttpRequest, params: Query[SimilarIn]) -> Any:
    """Staff find the records of their scope with their own texts; everyone else only records
    anyone may read, under their public text (a concern's: the text staff confirmed at screening)."""
    if params.days is not None and not 1 <= params.days <= 3660:
        return Status(400, {"detail": "时间范围应在1到3660天之间。"})
    since = timezone.now() - dt.timedelta(days=params.days) if params.days else None
    scope = scope_of(request.user)
    try:
        hits = selectors.similar(
            text=params.text,
            community_id=params.community,
            category=params.category,
            since=since,
            limit=params.limit,
            scope=scope,
        )
    except ApplicationError as exc:
        return _bad(exc)
    if not scope.is_back_office:
        return _json(_public_rows(hits))
    return _json([{name: getattr(hit, name) for name in _SIMILAR_FIELDS} for hit in hits])


def _public_rows(hits: list[SimilarHit]) -> list[dict[str, Any]]:
    """The hits anyone may read, each under its public title and text, with only the shared words
    that text holds; a hit that shares none with it is left out, so what the public text hides
    (a name, a number) is never revealed by matching it."""
    faces: dict[tuple[str, int], tuple[str, str]] = {}
    for kind in dict.fromkeys(hit.kind for hit in hits):
        ids = [hit.object_id for hit in hits if hit.kind == kind]
        faces.update(((kind, pk), face) for pk, face in public_faces(kind, ids).items())
    rows = []
    for hit in hits:
        face = faces.get((hit.kind, hit.object_id))
        if face is None:
            continue
        shown = normalize(" ".join(face))
        shared = [word for word in hit.shared_words if word in shown]
        if shared:
            row = {name: getattr(hit, name) for name in _SIMILAR_FIELDS}
            rows.append({**row, "title": face[0], "text": face[1], "shared_words": shared})
    return rows


@router.get("/search", response={200: SearchOut, 400: TextErrorOut, 403: TextErrorOut}, summary="全文检索")
def search(request: HttpRequest, params: Query[SearchIn]) -> Any:
    if not can_search_documents(scope_of(request.user)):
        return _forbidden()
    try:
        result = selectors.search(
            query=params.q,
            scope=scope_of(request.user),
            kinds=[params.kind] if params.kind else None,
            region_path=params.region,
            category=params.category,
            status=params.status,
            date_from=params.date_from,
            date_to=params.date_to,
            page=params.page,
            per_page=params.per_page,
        )
    except ApplicationError as exc:
        return _bad(exc)
    return _json(
        {
            "terms": result.terms,
            "total": result.total,
            "page": result.page,
            "has_next": result.has_next,
            "hits": [
                {
                    **{name: getattr(hit, name) for name in _SEARCH_HIT_FIELDS},
                    "snippet_html": str(hit.snippet),
                }
                for hit in result.hits
            ],
        }
    )


@router.get("/category-suggestions", response={200: list[CategoryOut], 400: TextErrorOut}, summary="类别推荐")
def category_suggestions(request: HttpRequest, text: str = "") -> Any:
    try:
        return selectors.suggest_category(text)
    except ApplicationError as exc:
        return _bad(exc)


@router.get(
    "/hot-clusters",
    response={200: list[ClusterOut], 400: TextErrorOut, 403: TextErrorOut},
    summary="热点问题",
)
def hot_clusters(request: HttpRequest, region: str = "", days: int = 30) -> Any:
    if not can_search_documents(scope_of(request.user)):
        return _forbidden()
    try:
        return selectors.hot_clusters(region_path=region, days=days, scope=scope_of(request.user))
    except ApplicationError as exc:
        return _bad(exc)
