"""Reads compiled to SQL once per process and run again with new values.

The ORM turns a queryset into SQL anew on every evaluation, and for the small indexed reads of a
busy page that costs several times the query itself (a ``select_related`` lookup by key: about
0.7 ms compiling, 0.08 ms in SQLite). A ``PreparedRead`` keeps the ORM as the one description of
the read: ``build`` receives a placeholder for each named value and returns a ``values_list``
queryset; the first call per thread and database compiles it and finds where each placeholder
went among the SQL parameters; later calls put the new values there, run the SQL through Django's
cursor (query counting and logging still see it) and apply the same conversions as the ORM
(datetimes, booleans, decimals).

Placeholders are integers and strings compared with ``exact`` or listed in ``in`` (a list of
fixed length, padded with 0, which no key has; ``in_batches`` runs longer lists), strings
compared with ``startswith``,
and dates and datetimes: each reaches the SQL as the ORM adapts it, and a new value is adapted
the same way. Compiling refuses anything else (a value used twice, transformed otherwise, or a
column read twice), so a read that does not fit fails in tests rather than giving wrong rows.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# Placeholders: values no real row has, inside every integer column's range on every backend.
_INT_BASE = 1_987_654_000
_STR_MARK = "\ue000placeholder:{}\ue000"
# A string value compared with ``__startswith``: it reaches the SQL as a LIKE pattern.
PREFIX = "prefix"
Kind = type | str | tuple[type, int]


def _placeholder(base: type | str, serial: int) -> Any:
    if base is int:
        return _INT_BASE + serial
    if base is str or base == PREFIX:
        return _STR_MARK.format(serial)
    if base is dt.datetime:
        return dt.datetime(2999, 12, 31, 23, 59, 59, serial, tzinfo=dt.UTC)
    if base is dt.date:
        return dt.date(2900 + serial, 12, 31)
    raise ImproperlyConfigured(f"{base!r} values cannot be prepared")


def _adapt(base: type | str, value: Any, connection: Any) -> Any:
    """``value`` as the ORM passes it to the database for a lookup of this kind."""
    if base == PREFIX:
        return connection.ops.prep_for_like_query(value) + "%"
    if base is dt.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if base is dt.date:
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # (parameter index, value name, index in a list value or -1, kind)
    slots: tuple[tuple[int, str, int, Any], ...]
    compiler: Any
    converters: dict[int, Any]
    width: int  # columns the caller asked for (ordering may add more)


class PreparedRead:
    """A ``values_list`` read compiled once; ``rows(**values)`` runs it with ``values``.

    ``kinds`` names each value with its kind: ``int``, ``str``, ``datetime.datetime``,
    ``datetime.date``, ``PREFIX`` (a string compared with ``__startswith``), or ``(int, n)`` for a
    list of up to ``n`` integers (an ``__in`` lookup; padded to ``n`` with 0)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: Kind) -> None:
        self.build = build
        self.kinds = kinds
        self._lists = [(name, kind[1]) for name, kind in kinds.items() if isinstance(kind, tuple)]
        self._local = threading.local()

    @staticmethod
    def _split(kind: Kind) -> tuple[type | str, int]:
        return (kind[0], kind[1]) if isinstance(kind, tuple) else (kind, 0)

    def _placeholders(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        serial = 0
        for name, kind in self.kinds.items():
            base, length = self._split(kind)
            made = []
            for _ in range(max(length, 1)):
                made.append(_placeholder(base, serial))
                serial += 1
            values[name] = made if length else made[0]
        return values

    def _compile(self, alias: str) -> _Compiled:
        placeholders = self._placeholders()
        queryset = self.build(**placeholders)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet as error:  # pragma: no cover - a build that can never match
            raise ImproperlyConfigured("a prepared read must be able to match rows") from error
        params = tuple(params)
        slots = []
        for name, value in placeholders.items():
            base, _ = self._split(self.kinds[name])
            for position, item in enumerate(value if isinstance(value, list) else [value]):
                expected = _adapt(base, item, compiler.connection)
                found = [i for i, p in enumerate(params) if p == expected]
                if len(found) != 1:
                    raise ImproperlyConfigured(
                        f"{name} does not reach the SQL as its kind says, exactly once"
                    )
                slots.append((found[0], name, position if isinstance(value, list) else -1, base))
        width = compiler.col_count
        asked = getattr(queryset, "_fields", None)
        if asked and len(asked) != width:
            # The ORM reads one column once: two names for one column (``region_id`` and
            # ``region__id``) would shift every value after them.
            raise ImproperlyConfigured(f"{len(asked)} values asked for, {width} columns read")
        converters = compiler.get_converters([column[0] for column in compiler.select[:width]])
        return _Compiled(sql, params, tuple(slots), compiler, converters, width)

    def _compiled(self, alias: str) -> _Compiled:
        cache = self._local.__dict__.setdefault("by_alias", {})
        compiled = cache.get(alias)
        if compiled is None:
            compiled = cache[alias] = self._compile(alias)
        return compiled

    def _params(self, compiled: _Compiled, connection: Any, values: dict[str, Any]) -> list[Any]:
        params = list(compiled.params)
        for name, length in self._lists:
            if len(values[name]) > length:
                raise ValueError(f"{name}: more than {length} values (use in_batches)")
            values[name] = padded(values[name], length)
        for index, name, position, base in compiled.slots:
            value = values[name]
            params[index] = _adapt(base, value[position] if position >= 0 else value, connection)
        return params

    def count(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> int:
        """How many rows ``rows(**values)`` would return, counted by the database (a sliced read
        is counted up to its limit)."""
        compiled = self._compiled(using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({compiled.sql}) counted", self._params(compiled, connection, values)
            )
            return int(cursor.fetchone()[0])

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        compiled = self._compiled(using)
        connection = connections[using]
        params = self._params(compiled, connection, values)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched: Sequence[Any] = cursor.fetchall()
        if compiled.width and fetched and len(fetched[0]) > compiled.width:
            fetched = [row[: compiled.width] for row in fetched]
        if compiled.converters:
            return [tuple(row) for row in compiled.compiler.apply_converters(fetched, compiled.converters)]
        return [tuple(row) for row in fetched]

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> tuple[Any, ...] | None:
        found = self.rows(using, **values)
        return found[0] if found else None


def padded(values: Sequence[int], length: int, filler: int = 0) -> list[int]:
    """``values`` as a list of exactly ``length`` (extra values dropped, the rest ``filler``)."""
    items = list(values[:length])
    return items + [filler] * (length - len(items))


def in_batches(read: PreparedRead, name: str, ids: Iterable[int], **values: Any) -> list[tuple[Any, ...]]:
    """The rows of ``read`` for all of ``ids`` (its list value ``name``), run over as many batches
    of the list's length as they need: for reads whose rows do not depend on one another (no
    ordering or limit across the list)."""
    kind = read.kinds[name]
    if not isinstance(kind, tuple):
        raise ImproperlyConfigured(f"{name} is not a list value")
    listed = list(ids)
    batches: list[dict[str, Any]] = [
        {**values, name: listed[start : start + kind[1]]} for start in range(0, len(listed), kind[1])
    ]
    return [row for batch in batches for row in read.rows(**batch)]


def all_columns(model: type[Model]) -> list[str]:
    """The column attributes of all of ``model``'s concrete fields."""
    return [field.attname for field in model._meta.concrete_fields]


def instance(model: type[M], names: Sequence[str], values: Sequence[Any]) -> M:
    """A model instance from read values, as the ORM makes it: fields not in ``names`` are deferred
    and load from the database if something asks for them."""
    given = dict(zip(names, values, strict=True))
    # ``from_db`` takes a subset of the values in the model's field order.
    ordered = [field.attname for field in model._meta.concrete_fields if field.attname in given]
    if len(ordered) != len(given):
        raise ImproperlyConfigured(f"{model.__name__}: not column attributes: {set(given) - set(ordered)}")
    return model.from_db(DEFAULT_DB_ALIAS, ordered, [given[name] for name in ordered])


class PreparedModelRead:
    """Instances of ``model`` from a prepared read, each with related objects attached as
    ``select_related`` would (only the named columns of each are read; the rest load on access).

    ``where`` receives the placeholders and returns the filter keywords; ``related`` maps a relation
    path (``"community"``, ``"community__parent"``) to the columns to read of it besides its key
    (which the owner's foreign key gives)."""

    def __init__(
        self,
        model: type[Model],
        where: Callable[..., dict[str, Any]],
        *,
        related: dict[str, Sequence[str]] | None = None,
        order_by: Sequence[str] = (),
        columns: Sequence[str] = (),
        **kinds: Kind,
    ) -> None:
        self.model = model
        # Its own columns: all unless named (the others stay deferred).
        self.own = list(columns) or all_columns(model)
        self.related = {path: list(names) for path, names in (related or {}).items()}
        # Each relation as (path, owner's path, its field on the owner's model), owners first.
        self.steps: list[tuple[str, str, Any]] = []
        models: dict[str, Any] = {"": model}
        for path in self.related:
            owner_path, _, name = path.rpartition("__")
            field = models[owner_path]._meta.get_field(name)
            models[path] = field.related_model
            self.steps.append((path, owner_path, field))
            if owner_path and field.attname not in self.related[owner_path]:
                # A nested relation's key is a column of its owner: read it with the owner.
                self.related[owner_path].append(field.attname)
        wanted = [*self.own, *(f"{path}__{c}" for path, names in self.related.items() for c in names)]
        self.read = PreparedRead(
            lambda **values: (
                model._default_manager.filter(**where(**values)).order_by(*order_by).values_list(*wanted)
            ),
            **kinds,
        )

    def _make(self, row: Sequence[Any]) -> Model:
        values = iter(row)
        made = instance(self.model, self.own, [next(values) for _ in self.own])
        taken = {path: [next(values) for _ in names] for path, names in self.related.items()}
        attached: dict[str, Model | None] = {"": made}
        for path, owner_path, field in self.steps:
            owner = attached[owner_path]
            key = None if owner is None else getattr(owner, field.attname)
            if owner is None or key is None:
                attached[path] = None
                continue
            related = instance(field.related_model, ["id", *self.related[path]], [key, *taken[path]])
            setattr(owner, field.name, related)
            attached[path] = related
        return made

    def all(self, **values: Any) -> list[Any]:
        return [self._make(row) for row in self.read.rows(**values)]

    def first(self, **values: Any) -> Any | None:
        row = self.read.first(**values)
        return None if row is None else self._make(row)
