from shangliang.text.normalize import MAX_INDEX_CHARS, display_mask, has_content, normalize


def test_normalize_folds_full_width_and_case():
    # given
    text = "ＡＢＣ电梯１２３，ｏｋ"
    # when
    result = normalize(text)
    # then
    assert result == "abc电梯123,ok"


def test_normalize_converts_traditional_to_simplified():
    # given
    text = "電梯壞了，噪音擾民"
    # when
    result = normalize(text)
    # then
    assert result == "电梯坏了,噪音扰民"


def test_normalize_drops_emoji_and_collapses_spaces():
    # given
    text = "  停电了😡😡  \n\t 三天了🙏 "
    # when
    result = normalize(text)
    # then
    assert result == "停电了 三天了"


def test_normalize_unifies_building_numerals():
    # given
    texts = ["海景花园五栋电梯", "海景花园五幢电梯", "海景花园5栋电梯", "二十一号楼"]
    # when
    results = [normalize(t) for t in texts]
    # then
    assert results == ["海景花园5栋电梯", "海景花园5栋电梯", "海景花园5栋电梯", "21号楼"]


def test_normalize_empty_and_none():
    # given / when / then
    assert normalize("") == ""
    assert normalize(None) == ""
    assert normalize("   ") == ""


def test_normalize_caps_long_text():
    # given
    text = "噪音" * 5000
    # when
    result = normalize(text)
    # then
    assert len(result) == MAX_INDEX_CHARS


def test_display_mask_keeps_length():
    # given
    text = "電梯😀ＡＢ"
    # when
    mask = display_mask(text)
    # then
    assert mask == "电梯 ab"
    assert len(mask) == len(text)


def test_has_content():
    # given / when / then
    assert has_content("噪音") is True
    assert has_content("!!! ？？") is False
    assert has_content("") is False


def test_normalize_expands_and_composes_what_one_character_cannot_map():
    # given: a squared word (one symbol, several letters), a letter with a combining accent,
    # full-width letters and an emoji between words
    text = "㌔５Ａ\u0301栋 电梯😀坏了"
    # when
    result = normalize(text)
    # then
    assert result == "キロ5á栋 电梯 坏了"
