"""Similarity, highlighting, clustering and the category model on fixed samples."""

import pytest

from shangliang.text import classifier, clusters, similarity
from shangliang.text.highlight import highlight, match_spans
from shangliang.text.normalize import normalize


def _score(a: str, b: str) -> float:
    return similarity.score(similarity.profile(normalize(a)), similarity.profile(normalize(b)))[0]


def test_score_same_problem_beats_same_place_other_problem():
    # given
    query = "海景花园5栋电梯又坏了，老人下不了楼"
    same = "海景花园五栋电梯天天坏，物业修了又坏"
    other = "海景花园5栋楼道灯坏了一个星期"
    # when
    same_score, other_score = _score(query, same), _score(query, other)
    # then
    assert same_score > other_score


def test_score_returns_shared_words_heaviest_first():
    # given
    a = similarity.profile(normalize("北湾新村7栋飞线充电"))
    b = similarity.profile(normalize("北湾新村七栋有人飞线充电"))
    # when
    value, shared = similarity.score(a, b)
    # then
    assert 0 < value <= 1
    assert {"飞线充电", "新村"} <= set(shared)
    assert shared.index("飞线充电") < shared.index("7")


def test_score_of_empty_profiles_is_zero():
    # given
    empty = similarity.profile("")
    # when / then
    assert similarity.score(empty, empty) == (0.0, [])


def test_highlight_marks_words_in_original_text_and_escapes_html():
    # given
    text = "<b>電梯</b>噪音"
    # when
    html = highlight(text, ["电梯", "噪音"])
    # then
    assert html == "&lt;b&gt;<mark>電梯</mark>&lt;/b&gt;<mark>噪音</mark>"


def test_highlight_cuts_long_text_around_first_match():
    # given
    text = "前" * 300 + "电梯" + "后" * 300
    # when
    html = highlight(text, ["电梯"], max_chars=20)
    # then
    assert html == "…" + "前" * 5 + "<mark>电梯</mark>" + "后" * 13 + "…"


def test_match_spans_merge_overlaps():
    # given / when / then
    assert match_spans("噪音扰民", ["噪音", "音扰", "扰民"]) == [(0, 4)]


def test_cluster_groups_same_problem_and_labels_it():
    # given
    items = [
        clusters.Item(1, ["海景花园", "5栋", "电梯", "坏", "困人"], group=1),
        clusters.Item(2, ["海景花园", "5栋", "电梯", "坏", "物业"], group=1),
        clusters.Item(3, ["西街", "路灯", "不亮"], group=1),
        clusters.Item(4, ["海景花园", "5栋", "电梯", "坏"], group=2),
    ]
    # when
    result = clusters.cluster(items, threshold=0.3)
    # then
    assert [sorted(c.keys) for c in result] == [[1, 2], [3], [4]]
    assert "电梯" in result[0].label_words


KEYWORDS = {"噪音扰民": "噪音 吵 广场舞", "水电气": "停电 停水 燃气", "其他": "其他"}


def test_keyword_model_predicts_from_keywords_without_history():
    # given
    model = classifier.train([], KEYWORDS)
    # when
    top = classifier.predict(model, "楼下广场舞太吵了", k=3)
    # then
    assert top[0][0] == "噪音扰民"
    assert sorted(name for name, _ in top) == ["其他", "噪音扰民", "水电气"]
    assert round(sum(conf for _, conf in top), 3) == 1.0


def test_the_shipped_model_learns_from_the_shipped_texts_beyond_its_keywords():
    # given: each category's name as its only keyword
    names = {category: category for _, category in classifier.shipped_samples()}
    # when
    model = classifier.default(names)
    # then: words no keyword holds are learned from the texts
    assert model.samples == len(classifier.shipped_samples()) > 300
    assert classifier.predict(model, "椰子树上的椰果掉下来砸到车", k=1)[0][0] == "园林绿化"
    keywords_only = classifier.predict(classifier.train([], names), "椰子树上的椰果掉下来砸到车", k=1)
    assert [name for name, _ in keywords_only] != ["园林绿化"]


def test_trained_model_learns_from_history_and_round_trips():
    # given
    samples = [("小区里的流浪狗追着小孩", "其他")] * 5
    model = classifier.train(samples, KEYWORDS)
    # when
    restored = classifier.Model.from_payload(model.to_payload())
    top = classifier.predict(restored, "流浪狗越来越多", k=1)
    # then
    assert restored.samples == 5
    assert top[0][0] == "其他"


def test_category_features_hold_the_characters_of_content_words():
    # given / when
    feats = classifier.features("我家升降𨋢坏了3天")
    # then: each character of a content word (an extension-plane one too); none of a stopword or a number
    assert feats["u:" + normalize("𨋢")] == 1
    assert feats["u:升"] == feats["u:降"] == feats["u:坏"] == 1
    assert "u:我" not in feats
    assert "u:了" not in feats
    assert "u:3" not in feats


def test_a_word_no_training_text_used_is_read_by_its_characters():
    # given: texts that name the problems in other words than the query
    samples = [("停水三天了", "水电气"), ("小区又停电", "水电气"), ("楼下天天吵", "噪音扰民")] * 3
    model = classifier.train(samples, {"噪音扰民": "噪音", "水电气": "燃气", "其他": "其他"})
    # when: 水喉 is in no text, no keyword and no concept; its 水 is
    top = classifier.predict(model, "水喉", k=1)
    # then
    assert top[0][0] == "水电气"


def test_a_stored_model_of_the_first_format_still_loads_and_a_newer_one_is_refused():
    # given: a payload without a version (the first format, trained without character features)
    model = classifier.train([("小区里的流浪狗追着小孩", "其他")] * 5, KEYWORDS)
    first = {key: value for key, value in model.to_payload().items() if key != "version"}
    first["log_likelihood"] = {
        category: {f: v for f, v in table.items() if not f.startswith("u:")}
        for category, table in model.log_likelihood.items()
    }
    # when
    restored = classifier.Model.from_payload(first)
    # then: it predicts from the features it knows
    assert classifier.predict(restored, "流浪狗越来越多", k=1)[0][0] == "其他"
    assert model.to_payload()["version"] == classifier.PAYLOAD_VERSION
    with pytest.raises(ValueError):
        classifier.Model.from_payload({**model.to_payload(), "version": classifier.PAYLOAD_VERSION + 1})


def test_a_ranking_is_what_predict_gives_and_is_kept_per_model(monkeypatch):
    # given
    from shangliang.text import segment

    model = classifier.train([], KEYWORDS)
    norm = normalize("楼下广场舞太吵了，晚上睡不着")
    words = segment.words(norm)
    # when
    ranked = classifier.rank_normalized(model, norm, words)
    # then: the whole ranking of predict, kept for the same text and words of the same model
    assert ranked == classifier.predict(model, "楼下广场舞太吵了，晚上睡不着", k=len(model.categories))
    monkeypatch.setattr(classifier, "predict_features", lambda *a, **k: [("不应重新计算", 1.0)])
    assert classifier.rank_normalized(model, norm, words) == ranked
    assert classifier.rank_normalized(model, norm, [*words, "另"]) == [("不应重新计算", 1.0)]
    assert classifier.rank_normalized(classifier.train([], KEYWORDS), norm, words) == [("不应重新计算", 1.0)]


def test_predict_on_text_without_features_is_empty():
    # given
    model = classifier.train([], KEYWORDS)
    # when / then
    assert classifier.predict(model, "😀😀！！", k=3) == []


KEPT_SAMPLES = [
    "海景花园5栋电梯又坏了，老人下不了楼",
    "海景花园五栋电梯天天坏，物业修了又坏",
    "北湾新村又停电了，冰箱里的东西都坏了",
    "北湾新村断电一整天，没人来修",
    "椰林路路灯不亮，晚上走路看不见",
    "南港市场后巷垃圾堆成小山，老鼠很多",
    "电",
    "",
]


def test_kept_words_score_as_the_whole_profile_does():
    # given: texts with concept words (停电/断电), single characters and none, and factors for
    # some of the query's words, one default for the rest
    from shangliang.text import segment

    for query_text in KEPT_SAMPLES:
        query_norm = normalize(query_text)
        query_words = [w for w in dict.fromkeys(segment.words(query_norm)) if w not in segment.STOPWORDS]
        factors = {w: 1.0 + (i % 3) * 0.7 for i, w in enumerate(query_words)}
        default = 1.3

        def weigh(word: str, factors: dict[str, float] = factors, default: float = default) -> float:
            return similarity.word_weight(word) * factors.get(word, default)

        query = similarity.profile_weighted(query_norm, query_words, weigh)
        weighing = similarity.Weighing.of(query, factors, default)
        for candidate_text in KEPT_SAMPLES:
            norm = normalize(candidate_text)
            words = [w for w in dict.fromkeys(segment.words(norm)) if w not in segment.STOPWORDS]
            grams = frozenset(similarity.bigrams(norm))
            # when
            whole = similarity.score_parts(query, similarity.profile_weighted(norm, words, weigh))
            kept = similarity.kept_score_parts(weighing, similarity.kept_words(words), grams)
            # then
            assert kept[0] == pytest.approx(whole[0], abs=1e-12)
            assert kept[1] == whole[1]
            assert kept[2] == whole[2]
