"""The SQLite backend converts a statement's placeholders as Django does, once per statement."""

from __future__ import annotations

import pytest
from django.db import connection

from shangliang.core.sqlite.base import to_qmark


def test_placeholders_become_question_marks_and_doubled_percents_stay_literal():
    # given / when
    converted = to_qmark("SELECT %s, '100%%', name FROM t WHERE a LIKE %s ESCAPE '\\' AND b = %s")
    # then
    assert converted == "SELECT ?, '100%', name FROM t WHERE a LIKE ? ESCAPE '\\' AND b = ?"


def test_a_statement_is_converted_once():
    # given
    to_qmark.cache_clear()
    statement = "SELECT %s + %s"
    # when
    for _ in range(3):
        to_qmark(statement)
    # then
    assert (to_qmark.cache_info().misses, to_qmark.cache_info().hits) == (1, 2)


@pytest.mark.django_db
def test_queries_run_through_it_bind_their_values_and_are_counted(django_assert_num_queries):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backend's own cursor")
    # when
    with django_assert_num_queries(2), connection.cursor() as cursor:
        cursor.execute("SELECT %s || '%%', %s", ["50", 7])
        first = cursor.fetchone()
        cursor.execute("SELECT %(a)s || %(b)s", {"a": "x", "b": "y"})
        second = cursor.fetchone()
        kind = type(cursor.cursor)
    # then
    assert first == ("50%", 7)
    assert second == ("xy",)
    assert kind.__module__ == "shangliang.core.sqlite.base"
