from shangliang.text import segment


def test_words_keep_district_terms_whole():
    # given
    text = "北湾新村有人飞线充电，三无小区没人管"
    # when
    words = segment.words(text)
    # then
    assert "飞线充电" in words
    assert "三无小区" in words
    assert "，" not in words


def test_words_of_empty_text():
    # given / when / then
    assert segment.words("") == []


def test_index_terms_add_bigrams_of_long_words_and_drop_stopwords():
    # given
    words = ["噪音扰民", "的", "电梯"]
    # when
    terms = segment.index_terms(words)
    # then
    assert terms == ["噪音扰民", "噪音", "音扰", "扰民", "电梯"]


def test_query_terms_normalise_dedupe_and_drop_stopwords():
    # given
    query = "電梯 的 电梯 噪音"
    # when
    terms = segment.query_terms(query)
    # then
    assert terms == ["电梯", "噪音"]


def test_query_terms_of_punctuation_only():
    # given / when / then
    assert segment.query_terms("！！？？…… 😀") == []


def test_load_terms_reports_only_changes():
    # given
    segment.load_terms(["椰林湾"])
    # when
    unchanged = segment.load_terms(["椰林湾"])
    words = segment.words("椰林湾停电")
    segment.load_terms([])
    # then
    assert unchanged is False
    assert words[0] == "椰林湾"


def test_idf_rare_words_weigh_more():
    # given / when / then
    assert segment.idf("电梯") > segment.idf("问题")
    assert segment.idf("北弯新村") == segment.MAX_IDF


def test_load_terms_removal_restores_general_words():
    # given
    segment.load_terms(["停电了"])
    assert segment.words("停电了")[0] == "停电了"
    # when
    segment.load_terms([])
    # then
    assert segment.words("停电了") == ["停电", "了"]
    assert segment.words("电梯坏了")[0] == "电梯"


def test_words_of_a_text_seen_before_are_a_fresh_list():
    # given
    first = segment.words("楼道灯坏了好几天")
    # when
    first.append("改动")
    again = segment.words("楼道灯坏了好几天")
    # then
    assert "改动" not in again
    assert again == first[:-1]


def test_only_texts_of_usual_length_are_kept():
    # given
    long_text = "电梯" * (segment.WORDS_CACHE_MAX_CHARS // 2 + 1)
    # when
    words = segment.words(long_text)
    # then
    assert words[:2] == ["电梯", "电梯"]
    assert long_text not in segment._words_cache
