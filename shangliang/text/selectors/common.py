"""What every text read shares: input limits, the similarity thresholds and row visibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from shangliang.core.scope import Scope
from shangliang.text import similarity
from shangliang.text.models import SearchDocument

MAX_QUERY_CHARS = 200
MAX_SIMILAR_CHARS = 10_000
MAX_QUERY_TERMS = 8


class DocumentRow(NamedTuple):
    """A document read with ``LIST_FIELDS`` (in that order): lighter than a model instance for
    rows that are scored and dropped within one request."""

    id: int
    kind: str
    object_id: int
    title: str
    body: str
    terms: str
    community_id: int | None
    region_path: str
    category: str
    status: str
    is_public: bool
    source_created_at: dt.datetime


LIST_FIELDS = DocumentRow._fields


def thresholds(default: similarity.SimilarityThresholds | None = None) -> similarity.SimilarityThresholds:
    """The pair-model probability thresholds: ``default`` (the model's own calibration) unless the
    settings override them."""
    conf = getattr(settings, "SHANGLIANG_TEXT", {})
    default = default or similarity.SimilarityThresholds()
    return similarity.SimilarityThresholds(
        likely_same=float(conf.get("LIKELY_SAME", default.likely_same)),
        possibly_related=float(conf.get("POSSIBLY_RELATED", default.possibly_related)),
    )


# What a back-office person may see of each kind of record, registered by the app that owns the
# records (``register_visibility`` in its ``AppConfig.ready``): the very queryset its staff lists
# read, so that a search shows what the lists show.
VisibleRecords = Callable[[Scope], QuerySet[Any]]
_visible_records: dict[str, VisibleRecords] = {}


def register_visibility(kind: str, records: VisibleRecords) -> None:
    _visible_records[kind] = records


# What anyone may read of each kind of record (registered by the owning app with
# ``register_public_face``): for some record ids, those a person without a back-office account may
# see, each with the title and text it is shown under there (never the record's own text).
PublicFace = Callable[[list[int]], dict[int, tuple[str, str]]]
_public_faces: dict[str, PublicFace] = {}


def register_public_face(kind: str, face: PublicFace) -> None:
    _public_faces[kind] = face


def public_faces(kind: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(title, text) of the records among ``ids`` that anyone may read; none of an unregistered kind."""
    face = _public_faces.get(kind)
    return face(ids) if face is not None and ids else {}


def _visible_kinds(scope: Scope) -> list[tuple[str, QuerySet[Any]]]:
    return [(kind, records(scope).order_by().values("pk")) for kind, records in _visible_records.items()]


def visible_to(scope: Scope) -> Q:
    """The documents ``scope`` may see, as a filter: everything for an administrator, the records
    of the owning apps' staff lists for the back office, the public records for everyone else."""
    if scope.is_admin:
        return Q()
    if not scope.is_back_office:
        return Q(is_public=True)
    condition = Q(pk__in=[])
    for kind, ids in _visible_kinds(scope):
        condition |= Q(kind=kind, object_id__in=ids)
    return condition


def _visibility_sql(scope: Scope) -> tuple[list[str], list[Any]]:
    """``visible_to`` as SQL on the alias ``d`` with its parameters."""
    if scope.is_admin:
        return [], []
    if not scope.is_back_office:
        return ["d.is_public = %s"], [True]
    alternatives: list[str] = []
    params: list[Any] = []
    for kind, ids in _visible_kinds(scope):
        try:
            sql, ids_params = ids.query.sql_with_params()
        except EmptyResultSet:  # the person sees none of this kind
            continue
        alternatives.append(f"(d.kind = %s AND d.object_id IN ({sql}))")
        params.extend((kind, *ids_params))
    return [f"({' OR '.join(alternatives) or '1 = 0'})"], params


@dataclass(frozen=True)
class DocumentFilters:
    """Optional conditions on the documents a read returns (empty ones do not apply)."""

    kinds: tuple[str, ...] = ()
    region_path: str = ""
    category: str = ""
    status: str = ""
    since: dt.datetime | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def document_conditions(scope: Scope, f: DocumentFilters) -> tuple[list[str], list[Any]]:
    """What ``documents`` applies (visibility and filters) as SQL on the alias ``d`` with its
    parameters, for reads that join documents in a statement of their own. A date filter is a
    comparison with the start of a local day (the same rows as the ``__date`` lookups, and it can
    use an index)."""
    conditions, params = _visibility_sql(scope)
    if f.region_path:
        conditions.append("substr(d.region_path, 1, %s) = %s")
        params.extend((len(f.region_path), f.region_path))
    if f.kinds:
        conditions.append(f"d.kind IN ({', '.join(['%s'] * len(f.kinds))})")
        params.extend(f.kinds)
    for column, value in (("category", f.category), ("status", f.status)):
        if value:
            conditions.append(f"d.{column} = %s")
            params.append(value)
    bounds = (
        (">=", f.since),
        (">=", _local_midnight(f.date_from) if f.date_from else None),
        ("<", _local_midnight(f.date_to + dt.timedelta(days=1)) if f.date_to else None),
    )
    for operator, moment in bounds:
        if moment is not None:
            conditions.append(f"d.source_created_at {operator} %s")
            params.append(connection.ops.adapt_datetimefield_value(moment))
    return conditions, params


def document_rows(fetched: list[tuple[Any, ...]]) -> list[DocumentRow]:
    """Rows of ``LIST_FIELDS`` read with plain SQL, with the values the ORM would give (SQLite
    keeps times in UTC without a zone)."""
    if connection.vendor != "sqlite":
        return [DocumentRow._make(values) for values in fetched]
    rows = []
    for values in fetched:
        moment = values[11]
        if isinstance(moment, str):
            moment = dt.datetime.fromisoformat(moment)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        rows.append(DocumentRow._make((*values[:10], bool(values[10]), moment)))
    return rows


# Ids read per statement: far below every backend's limit on parameters.
ID_BATCH = 500


def documents(
    ids: list[int], *, scope: Scope, fields: tuple[str, ...], filters: DocumentFilters | None = None
) -> list[tuple[Any, ...]]:
    """``fields`` of the documents among ``ids`` that ``scope`` may see and ``filters`` keep (in no
    particular order)."""
    ids = list(ids)
    f = filters or DocumentFilters()
    qs = SearchDocument.objects.filter(visible_to(scope))
    if f.kinds:
        qs = qs.filter(kind__in=list(f.kinds))
    # Each condition its own filter: two ``startswith`` on one column in one call would merge.
    for lookup, value in (
        ("region_path__startswith", f.region_path),
        ("category", f.category),
        ("status", f.status),
        ("source_created_at__gte", f.since),
        ("source_created_at__date__gte", f.date_from),
        ("source_created_at__date__lte", f.date_to),
    ):
        if value:
            qs = qs.filter(**{lookup: value})
    qs = qs.order_by()
    return [
        row
        for start in range(0, len(ids), ID_BATCH)
        for row in qs.filter(id__in=ids[start : start + ID_BATCH]).values_list(*fields)
    ]
