"""Similar-concern reads: rows read with plain SQL carry the ORM's values, and what is derived
from a candidate's text follows the text when the record changes."""

from shangliang.text import selectors, services
from shangliang.text.models import SearchDocument
from shangliang.text.tests.factories import BASE_TIME, index


def test_hits_carry_the_values_the_orm_reads(db):
    # given
    doc = index("海景花园5栋电梯坏了三天", community_id=5, object_id=1, is_public=True, category="物业管理")
    stored = SearchDocument.objects.get(pk=doc.pk)
    # when
    hits = selectors.similar(text="海景花园五栋电梯坏了", community_id=5)
    # then
    assert [h.id for h in hits] == [doc.pk]
    assert hits[0].created_at == stored.source_created_at
    assert hits[0].created_at.tzinfo is not None
    assert (hits[0].community_id, hits[0].category, hits[0].text) == (5, "物业管理", stored.body)


def test_an_edited_record_is_scored_on_its_new_text(db):
    # given
    index("椰林路路灯不亮", community_id=5, object_id=7, is_public=True)
    before = selectors.similar(text="椰林路路灯不亮了", community_id=5)
    # when
    services.index_document(
        kind="concern",
        object_id=7,
        text="椰林路井盖丢失",
        created_at=BASE_TIME,
        region=None,
        community_id=5,
        is_public=True,
    )
    after = selectors.similar(text="椰林路井盖丢失了", community_id=5)
    # then
    assert [h.text for h in before] == ["椰林路路灯不亮"]
    assert [h.text for h in after] == ["椰林路井盖丢失"]
    assert "井盖" in after[0].shared_words


def test_a_new_concept_table_weighs_kept_candidates_anew(db):
    # given: a candidate scored (and kept) while 鸡蛋 and 鸭蛋 are two unrelated words
    from shangliang.text import concepts

    index("锦绣小区鸡蛋摊占道", community_id=5, object_id=9, is_public=True)
    before = selectors.similar(text="锦绣小区鸭蛋摊占道", community_id=5)
    table = dict(concepts.BUILTIN_CONCEPTS)
    try:
        # when: the district's concepts make them one thing
        concepts.load({**table, "蛋": ("鸡蛋", "鸭蛋")})
        after = selectors.similar(text="锦绣小区鸭蛋摊占道", community_id=5)
    finally:
        concepts.load(table)
    # then: the kept candidate is weighed with the new table
    assert "鸭蛋" not in before[0].shared_words
    assert "鸭蛋" in after[0].shared_words
    assert after[0].score > before[0].score
