"""The concept table on fixed samples: mapping, merging admin rows, and its use in scoring."""

import math

from django.urls import reverse

from shangliang.text import classifier, concepts, pairs, segment, services, similarity
from shangliang.text.models import Concept
from shangliang.text.normalize import normalize


def test_synonyms_map_to_one_concept():
    # given
    groups = [
        ("停电", "断电", "没电", "跳闸"),
        ("电瓶车", "电动车", "电单车"),
        ("邮局", "邮政所"),
        ("积水", "水浸", "内涝"),
    ]
    # when
    keys = [{concepts.concept(w) for w in group} for group in groups]
    # then
    assert keys == [{"~停电"}, {"~电动车"}, {"~邮政"}, {"~积水"}]
    assert concepts.concept("电梯") != concepts.concept("路灯")
    assert concepts.concept("海景花园") is None
    assert concepts.key("海景花园") == "海景花园"


def test_concepts_of_words_look_inside_longer_words():
    # given
    words = ["高德村", "又", "停电", "路灯坏"]
    # when
    found = concepts.of(words)
    # then
    assert found == {"~停电", "~路灯"}


def test_concept_words_are_kept_whole_by_the_segmenter():
    # given / when
    words = segment.words(normalize("楼下有人私拉电线给电瓶车充电，晚上黑灯瞎火的"))
    # then
    assert {"私拉电线", "电瓶车", "黑灯瞎火"} <= set(words)


def test_merged_applies_admin_rows():
    # given
    rows = [("停电", ["停了电"], True), ("台风", ["台风", "打风"], True), ("邮政", [], False)]
    # when
    table = concepts.merged(rows)
    # then
    assert table["停电"][-1] == "停了电"
    assert table["台风"] == ("台风", "打风")
    assert "邮政" not in table
    assert "电梯" in table


def test_paraphrase_with_synonyms_scores_higher_than_with_words_only():
    # given
    query = similarity.profile(normalize("金沙花园又停电了"))
    paraphrase = similarity.profile(normalize("金沙花园断电一整天"))
    other = similarity.profile(normalize("金沙花园电梯坏了一整天"))
    # when
    same, shared = similarity.score(query, paraphrase)
    different, _ = similarity.score(query, other)
    # then
    assert same > different
    assert "停电" in shared


def test_pair_features_count_concept_overlap_and_conflict():
    # given
    base = {"score": 0.3, "word_cosine": 0.3, "bigram_dice": 0.2, "category_agreement": 0.5}
    marks = {"query_marks": frozenset(), "candidate_marks": frozenset(), "rank": 0, "best": 0.3}
    # when
    overlap = pairs.features(
        **base,
        **marks,
        next_score=0.1,
        query_concepts=frozenset({"~停电"}),
        candidate_concepts=frozenset({"~停电", "~夜间"}),
    )
    conflict = pairs.features(
        **base,
        **marks,
        next_score=0.1,
        query_concepts=frozenset({"~电梯"}),
        candidate_concepts=frozenset({"~路灯"}),
    )
    # then
    assert overlap[pairs.FEATURES.index("concept_overlap")] == 0.5
    assert overlap[pairs.FEATURES.index("concept_conflict")] == 0.0
    assert conflict[pairs.FEATURES.index("concept_overlap")] == 0.0
    assert conflict[pairs.FEATURES.index("concept_conflict")] == 1.0


def test_pair_features_length_ratio():
    # given
    base = {"score": 0.3, "word_cosine": 0.3, "bigram_dice": 0.2, "category_agreement": 0.5}
    marks = {"query_marks": frozenset(), "candidate_marks": frozenset(), "rank": 0, "best": 0.3}
    # when
    x = pairs.features(**base, **marks, next_score=0.1, query_length=10, candidate_length=40)
    unknown = pairs.features(**base, **marks, next_score=0.1)
    # then
    assert round(x[pairs.FEATURES.index("length_ratio")], 4) == round(math.log(4), 4)
    assert unknown[pairs.FEATURES.index("length_ratio")] == 0.0


def test_category_features_include_concepts():
    # given / when
    feats = classifier.features("晚上突然就没电了")
    # then
    assert feats["c:~停电"] == classifier.CONCEPT_WEIGHT


def test_admin_concept_row_extends_the_table(db):
    # given
    Concept.objects.create(name="停电", words="黑屋子、摸黑做饭")
    services.dictionary_changed()
    # when
    services.ensure_dictionary(force=True)
    # then
    assert concepts.concept("摸黑做饭") == "~停电"
    assert "摸黑做饭" in segment.words("今晚又摸黑做饭")
    Concept.objects.all().delete()
    services.dictionary_changed()
    services.ensure_dictionary(force=True)
    assert concepts.concept("摸黑做饭") is None


def test_every_builtin_word_belongs_to_one_concept():
    # given
    words = [w for group in concepts.BUILTIN_CONCEPTS.values() for w in group]
    # when / then
    assert len(words) == len(set(words))


def test_profile_keys_concepts_and_keeps_the_words_as_written():
    # given / when
    profile = similarity.profile(normalize("西街二巷电瓶车飞线充电"))
    # then
    assert profile.concepts() == frozenset({"~电动车", "~飞线充电"})
    assert profile.labels["~电动车"] == "电瓶车"
    assert "电瓶车" not in profile.weights


def test_concept_saved_in_the_admin_is_used_after_the_reload(client, db, django_user_model):
    # given: the text engine's admin pages are for superusers
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    # when
    response = client.post(
        reverse("admin:text_concept_add"), {"name": "台风", "words": "台风，打风、风球", "active": "on"}
    )
    services.ensure_dictionary()
    # then
    assert response.status_code == 302
    assert concepts.concept("打风") == concepts.concept("风球") == "~台风"
    Concept.objects.all().delete()
    services.dictionary_changed()
    services.ensure_dictionary(force=True)
