from shangliang.concerns import rules


def test_tracking_codes_avoid_ambiguous_characters():
    codes = {rules.new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and not set(c) & set("01OIL") for c in codes)


def test_typed_codes_are_cleaned():
    assert rules.clean_tracking_code(" k7qm-3xtp ") == "K7QM3XTP"
    assert rules.clean_tracking_code("K7QM3XT") == ""
    assert rules.clean_tracking_code("K7QM3XT0") == ""  # 0 is never in a code
    assert rules.clean_tracking_code("'; DROP TABLE") == ""


def test_codes_are_shown_in_two_groups():
    assert rules.format_tracking_code("K7QM3XTP") == "K7QM-3XTP"


def test_sensitive_words_found_once_each():
    assert rules.sensitive_hits("上访上访，集访", ["上访", "集访", "罢工", ""]) == ["上访", "集访"]


def test_phone_and_id_numbers_in_text_are_masked_for_the_public():
    text = "请打我电话13812345678，身份证450502199001011234，5栋3楼"
    assert rules.mask_personal_text(text) == "请打我电话138****5678，身份证450502********1234，5栋3楼"
