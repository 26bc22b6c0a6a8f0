"""Search ranking and filtering details: the relevance formula counted with string methods, the
window bound, date filters on local days and the highlighter's escaping."""

import datetime as dt
import importlib
import random
from zoneinfo import ZoneInfo

import pytest
from django.utils.html import escape as django_escape

from shangliang.core.scope import scope_of
from shangliang.text import selectors, services
from shangliang.text.highlight import highlight
from shangliang.text.tests.factories import BASE_TIME, concern_record, index

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The module, not the function the package exports under the same name.
search_module = importlib.import_module("shangliang.text.selectors.search")


def _reference(doc_terms: str, query_terms: list[str]) -> tuple[int, int]:
    words = doc_terms.split(" ")
    return sum(words.count(t) for t in query_terms), len(words)


def test_relevance_counts_whole_words_like_a_word_list():
    # given
    rng = random.Random(7)
    vocabulary = ["电梯", "噪音", "电", "梯", "电梯间", "a", "aa", ""]
    cases = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 12))) for _ in range(500)]
    cases += ["电梯 电梯 电梯", "电梯", "", "电梯  电梯", " 电梯 "]
    queries = [["电梯"], ["电梯", "噪音"], ["a"], ["梯", "a", "电梯间"]]
    rows = list(enumerate(cases))
    for terms in queries:
        # when
        scores = search_module._relevance(rows, [f" {t} " for t in terms])
        # then
        expected = {
            pk: round(_reference(doc, terms)[0] / (1 + 0.1 * _reference(doc, terms)[1]) ** 0.5, 4)
            for pk, doc in rows
        }
        assert scores == expected


def test_repeated_words_rank_higher_and_ties_go_newest_first(db, admin_user):
    # given
    once = index("电梯坏了", object_id=1)
    twice = index("电梯坏了 电梯又坏了", object_id=2)
    once_newer = index("电梯坏了", object_id=3)
    # when
    result = selectors.search(query="电梯", scope=scope_of(admin_user))
    # then
    assert [h.id for h in result.hits] == [twice.pk, once_newer.pk, once.pk]
    assert result.hits[0].score > result.hits[1].score == result.hits[2].score


def test_a_filter_finds_the_oldest_of_five_thousand_matches(db, admin_user, district):
    # given: 5,000 records holding the word, the oldest the only one of its category, place and day
    oldest = BASE_TIME - dt.timedelta(days=400)
    docs = [
        services.DocumentInput(
            kind="concern",
            object_id=n,
            text=f"{n}号楼电梯坏了",
            created_at=oldest if n == 1 else BASE_TIME + dt.timedelta(minutes=n),
            category="消防安全" if n == 1 else "物业管理",
            region_id=(district.community_b if n == 1 else district.community_a).pk,
            region_path=(district.community_b if n == 1 else district.community_a).path,
            status="submitted",
        )
        for n in range(1, 5001)
    ]
    services.index_documents(docs)
    # when
    everything = selectors.search(query="电梯", scope=scope_of(admin_user), per_page=100)
    by_category = selectors.search(query="电梯", scope=scope_of(admin_user), category="消防安全")
    by_region = selectors.search(
        query="电梯", scope=scope_of(admin_user), region_path=district.community_b.path
    )
    by_date = selectors.search(query="电梯", scope=scope_of(admin_user), date_to=oldest.date())
    last_page = selectors.search(query="电梯", scope=scope_of(admin_user), per_page=100, page=50)
    # then: every match is counted and the filtered searches find the oldest record
    assert everything.total == 5000
    assert [h.object_id for h in by_category.hits] == [1]
    assert [h.object_id for h in by_region.hits] == [1]
    assert [h.object_id for h in by_date.hits] == [1]
    assert by_category.total == by_region.total == by_date.total == 1
    assert len(last_page.hits) == 100
    assert last_page.has_next is False


def test_date_filters_follow_local_days(db, admin_user):
    # given: 00:30 on 20 March in Shanghai is still 19 March in UTC
    early = index("电梯坏了", object_id=1, created_at=dt.datetime(2026, 3, 20, 0, 30, tzinfo=SHANGHAI))
    before = index("电梯坏了", object_id=2, created_at=dt.datetime(2026, 3, 19, 23, 59, tzinfo=SHANGHAI))
    late = index("电梯坏了", object_id=3, created_at=dt.datetime(2026, 3, 20, 23, 59, tzinfo=SHANGHAI))
    # when
    from_20 = selectors.search(query="电梯", scope=scope_of(admin_user), date_from=dt.date(2026, 3, 20))
    to_19 = selectors.search(query="电梯", scope=scope_of(admin_user), date_to=dt.date(2026, 3, 19))
    only_20 = selectors.search(
        query="电梯", scope=scope_of(admin_user), date_from=dt.date(2026, 3, 20), date_to=dt.date(2026, 3, 20)
    )
    # then
    assert {h.id for h in from_20.hits} == {early.pk, late.pk}
    assert [h.id for h in to_19.hits] == [before.pk]
    assert {h.id for h in only_20.hits} == {early.pk, late.pk}


def test_region_filter_and_staff_scope_both_apply(db, district, street_staff):
    # given
    concern_record(1, district.community_a)
    concern_record(2, district.community_b)
    mine = index("电梯坏了", object_id=1, region=district.community_a)
    index("电梯坏了", object_id=2, region=district.community_b)
    # when
    own = selectors.search(query="电梯", scope=scope_of(street_staff), region_path=district.community_a.path)
    other = selectors.search(
        query="电梯", scope=scope_of(street_staff), region_path=district.community_b.path
    )
    # then
    assert [h.id for h in own.hits] == [mine.pk]
    assert other.hits == []


@pytest.mark.parametrize(
    ("text", "marks"),
    [("<b>\"电梯\"</b> & '噪音'", 1), ("電梯間ＡＢＣ电梯", 2), ("😀电梯😀", 1), ("a&b<c>电梯", 1)],
)
def test_highlight_escapes_like_django_and_marks_original_characters(text, marks):
    # when
    marked = str(highlight(text, ["电梯"]))
    # then
    assert marked.replace("<mark>", "").replace("</mark>", "") == str(django_escape(text))
    assert marked.count("<mark>") == marks
