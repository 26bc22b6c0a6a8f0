"""Search ranking and filtering details: relevance ranked in the database (occurrences up, length
damping, words held first with any word, newest first on ties), every match counted, date filters
on local days and the highlighter's escaping."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils.html import escape as django_escape

from shangliang.core.scope import scope_of
from shangliang.text import selectors, services
from shangliang.text.highlight import highlight
from shangliang.text.tests.factories import BASE_TIME, concern_record, index

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_repeated_words_rank_higher_and_ties_go_newest_first(db, admin_user):
    # given: records of the same length in words (电梯 坏 楼道灯 楼道 道灯 亮 / 电梯 坏 电梯门 电梯 梯门 关)
    once = index("电梯坏了，楼道灯也不亮", object_id=1)
    twice = index("电梯坏了，电梯门也不关", object_id=2)
    once_newer = index("电梯坏了，楼道灯也不亮", object_id=3)
    # when
    result = selectors.search(query="电梯", scope=scope_of(admin_user))
    # then
    assert [h.id for h in result.hits] == [twice.pk, once_newer.pk, once.pk]
    assert result.hits[0].score > result.hits[1].score == result.hits[2].score


def test_a_longer_document_with_the_word_as_often_ranks_lower(db, admin_user):
    # given
    short = index("电梯坏了", object_id=1)
    long = index("电梯坏了，楼道的灯也不亮，垃圾没人清运，车库漏水", object_id=2)
    # when
    result = selectors.search(query="电梯", scope=scope_of(admin_user))
    # then
    assert [h.id for h in result.hits] == [short.pk, long.pk]
    assert result.hits[0].score > result.hits[1].score > 0


def test_any_word_ranks_documents_holding_more_of_the_words_first(db, admin_user):
    # given: one record says 电梯 three times, another names both words once, a third only 噪音
    lift = index("电梯坏了，电梯门关不上，电梯困人", object_id=1)
    both = index("电梯噪音很大", object_id=2)
    noise = index("楼下噪音扰民", object_id=3)
    index("路灯不亮", object_id=4)
    # when
    result = selectors.search(query="电梯 噪音", scope=scope_of(admin_user), any_word=True)
    # then
    assert result.total == 3
    assert result.hits[0].id == both.pk
    assert {h.id for h in result.hits[1:]} == {lift.pk, noise.pk}


def test_a_page_past_the_last_match_keeps_the_total(db, admin_user):
    # given
    for n in range(1, 4):
        index(f"{n}号电梯坏了", object_id=n)
    # when
    result = selectors.search(query="电梯", scope=scope_of(admin_user), per_page=2, page=5)
    # then
    assert result.hits == []
    assert result.total == 3
    assert result.has_next is False


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
