import pytest

from shangliang.core.errors import ApplicationError
from shangliang.text import fulltext, services
from shangliang.text.models import DictionaryTerm, SearchDocument
from shangliang.text.tests.factories import BASE_TIME, index


def test_index_document_writes_terms_and_scoped_terms(db):
    # given / when
    doc = index("電梯壞了，噪音擾民", community_id=27, object_id=5)
    # then
    assert doc.terms == "电梯 坏 噪音扰民 噪音 音扰 扰民"
    assert doc.scoped_terms.split(" ")[:3] == ["c27", "c27x电梯", "c27x坏"]
    assert fulltext.postings("噪音", 10) == [doc.pk]


def test_index_document_replaces_the_previous_row(db):
    # given
    first = index("路灯不亮", object_id=9)
    # when
    second = index("电梯坏了", object_id=9, status="screening")
    # then
    assert second.pk == first.pk
    assert SearchDocument.objects.count() == 1
    assert fulltext.postings("路灯", 10) == []
    assert fulltext.postings("电梯", 10) == [first.pk]


def test_index_document_rejects_unknown_kind(db):
    # given / when
    with pytest.raises(ApplicationError) as exc:
        index("路灯不亮", kind="letter")
    # then
    assert exc.value.message == "未知的文档类型：letter"
    assert SearchDocument.objects.count() == 0


def test_index_document_accepts_empty_and_long_text(db):
    # given / when
    empty = index("")
    long = index("噪音" * 5000)
    # then
    assert empty.terms == ""
    assert long.terms.split(" ")[0] == "噪音"


def test_remove_document(db):
    # given
    doc = index("井盖缺失", object_id=3)
    # when
    removed = services.remove_document(kind="concern", object_id=3)
    again = services.remove_document(kind="concern", object_id=3)
    # then
    assert (removed, again) == (True, False)
    assert fulltext.postings("井盖", 10) == []
    assert not SearchDocument.objects.filter(pk=doc.pk).exists()


def test_set_document_status(db):
    # given
    index("井盖缺失", object_id=4, status="submitted")
    # when
    changed = services.set_document_status(kind="concern", object_id=4, status="accepted")
    # then
    assert changed is True
    assert SearchDocument.objects.get().status == "accepted"


def test_index_documents_in_bulk(db):
    # given
    docs = [
        services.DocumentInput(kind="concern", object_id=i, text=f"{i}栋电梯坏了", created_at=BASE_TIME)
        for i in range(1, 6)
    ]
    # when
    written = services.index_documents(docs, batch_size=2)
    # then
    assert written == 5
    assert len(fulltext.postings("电梯", 10)) == 5


def test_dictionary_term_changes_segmentation_after_reindex(db):
    # given
    doc = index("椰风湾停水了", object_id=8)
    assert "椰风湾" not in doc.terms.split(" ")
    DictionaryTerm.objects.create(word="椰风湾")
    services.dictionary_changed()
    # when
    count = services.reindex_all()
    # then
    doc.refresh_from_db()
    assert count == 1
    assert doc.terms.split(" ")[0] == "椰风湾"
    assert fulltext.postings("椰风湾", 10) == [doc.pk]
    DictionaryTerm.objects.all().delete()
    services.dictionary_changed()
    services.ensure_dictionary(force=True)


def test_postings_widen_past_the_newest_ids(db, monkeypatch):
    # given
    old = index("井盖缺失", object_id=1)
    for n in range(2, 6):
        index("路灯不亮", object_id=n)
    monkeypatch.setattr(fulltext, "PG_ID_SPANS", (1, 2))
    # when
    found = fulltext.postings("井盖", 10)
    # then
    assert found == [old.pk]


def test_weighted_newest_ranks_by_summed_weight_with_ties_newest_first(db):
    # given: a document holding both words, two holding one each, one holding neither
    both = index("井盖缺失 路灯不亮", object_id=1)
    lid = index("井盖缺失", object_id=2)
    lamp = index("路灯不亮", object_id=3)
    index("电梯坏了", object_id=4)
    lid_again = index("又是井盖缺失", object_id=5)
    # when
    ranked = fulltext.weighted_newest([("井盖", 2.0), ("路灯", 1.5)], 10, 10)
    # then: 3.5 first, then the 2.0 pair newest first, then 1.5
    assert ranked == [both.pk, lid_again.pk, lid.pk, lamp.pk]


def test_weighted_newest_counts_only_each_words_newest_postings(db):
    # given
    oldest = index("井盖缺失", object_id=1)
    newer = [index("井盖缺失", object_id=n) for n in (2, 3)]
    # when
    ranked = fulltext.weighted_newest([("井盖", 1.0)], 2, 10)
    limited = fulltext.weighted_newest([("井盖", 1.0)], 10, 1)
    # then
    assert oldest.pk not in ranked
    assert ranked == [newer[1].pk, newer[0].pk]
    assert limited == [newer[1].pk]
    assert fulltext.weighted_newest([], 10, 10) == []


def test_an_open_public_record_has_its_open_family_of_words(db):
    # given / when
    opened = index("井盖缺失", community_id=27, is_public=True, is_open=True)
    unpublished = index("井盖缺失", community_id=27, is_public=False, is_open=True)
    closed = index("井盖缺失", community_id=27, is_public=True, is_open=False)
    # then
    assert "o27x井盖" in opened.scoped_terms.split(" ")
    assert "o27x" not in unpublished.scoped_terms
    assert "o27x" not in closed.scoped_terms
    assert fulltext.postings("o27x井盖", 10, scoped=True) == [opened.pk]
    assert sorted(fulltext.postings("c27x井盖", 10, scoped=True)) == [opened.pk, unpublished.pk, closed.pk]


def test_a_status_change_adds_or_drops_the_open_family(db):
    # given
    doc = index("井盖缺失", community_id=27, is_public=True, is_open=True, status="submitted")
    # when: closed
    assert services.set_document_status(
        kind="concern", object_id=doc.object_id, status="closed", is_open=False
    )
    # then
    closed = SearchDocument.objects.get(pk=doc.pk)
    assert (closed.status, closed.is_open) == ("closed", False)
    assert fulltext.postings("o27x井盖", 10, scoped=True) == []
    assert fulltext.postings("c27x井盖", 10, scoped=True) == [doc.pk]
    # when: opened again
    services.set_document_status(kind="concern", object_id=doc.object_id, status="accepted", is_open=True)
    # then
    assert fulltext.postings("o27x井盖", 10, scoped=True) == [doc.pk]
    assert SearchDocument.objects.get(pk=doc.pk).scoped_terms == doc.scoped_terms
    assert not services.set_document_status(kind="concern", object_id=999, status="closed", is_open=False)


def test_re_indexing_everything_keeps_the_open_family(db):
    # given
    doc = index("井盖缺失", community_id=27, is_public=True, is_open=True)
    # when
    services.reindex_all()
    # then
    assert SearchDocument.objects.get(pk=doc.pk).scoped_terms == doc.scoped_terms
    assert fulltext.postings("o27x井盖", 10, scoped=True) == [doc.pk]


def test_community_term_counts_follow_indexing_status_changes_and_removal(db):
    # given
    first = index("井盖缺失", community_id=27, object_id=1, is_public=True, is_open=True)
    index("井盖松动", community_id=27, object_id=2)
    index("井盖缺失", community_id=28, object_id=3)
    terms = ["c27", "c27x井盖", "c27x缺失", "o27x井盖", "c28x井盖"]
    counted = fulltext.doc_counts(terms, scoped=True)
    # when: the first is closed, the second rewritten, the third removed
    services.set_document_status(kind="concern", object_id=1, status="closed", is_open=False)
    index("路灯不亮", community_id=27, object_id=2)
    services.remove_document(kind="concern", object_id=3)
    # then
    assert counted == {"c27": 2, "c27x井盖": 2, "c27x缺失": 1, "o27x井盖": 1, "c28x井盖": 1}
    assert fulltext.doc_counts(terms, scoped=True) == {
        "c27": 2,
        "c27x井盖": 1,
        "c27x缺失": 1,
        "o27x井盖": 0,
        "c28x井盖": 0,
    }
    assert fulltext.community_size(27) == 2
    assert first.pk in fulltext.postings("c27x井盖", 10, scoped=True)


def test_re_indexing_everything_keeps_the_counts(db):
    # given
    index("井盖缺失", community_id=27, is_public=True, is_open=True)
    index("井盖松动", community_id=27)
    before = fulltext.doc_counts(["c27", "c27x井盖", "o27x井盖", "c27x松动"], scoped=True)
    # when
    services.reindex_all()
    # then
    assert before == {"c27": 2, "c27x井盖": 2, "o27x井盖": 1, "c27x松动": 1}
    assert fulltext.doc_counts(list(before), scoped=True) == before
