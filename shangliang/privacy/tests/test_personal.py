import pytest

from shangliang.privacy import personal
from shangliang.privacy.personal import (
    InvalidPhone,
    decrypt,
    encrypt,
    lookup_hash,
    mask_phone,
    normalize_mobile,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 19912345678", "19912345678"),
    ],
)
def test_mobile_numbers_are_normalized(raw, expected):
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["", "12812345678", "1381234567", "138123456789", "0779-1234567", "abc"])
def test_numbers_that_are_not_mainland_mobiles_are_refused_in_chinese(raw):
    with pytest.raises(InvalidPhone) as excinfo:
        normalize_mobile(raw)
    assert str(excinfo.value) == "请输入正确的11位大陆手机号码，例如 13812345678。"


def test_mask_shows_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_encryption_round_trips_and_hides_the_number():
    token = encrypt("13812345678")
    assert "13812345678" not in token
    assert decrypt(token) == "13812345678"
    assert encrypt("") == ""
    assert decrypt("not-a-token") == ""


def test_lookup_hash_is_stable_and_not_the_number():
    assert lookup_hash("13812345678") == lookup_hash("13812345678")
    assert lookup_hash("13812345678") != lookup_hash("13812345679")
    assert "13812345678" not in lookup_hash("13812345678")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("电话13812345678", "电话138****5678"),
        ("电话 138 1234 5678 找我", "电话 138****5678 找我"),
        ("电话138-1234-5678", "电话138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("身份证450502199001011234", "身份证450502********1234"),
        ("身份证45050219900101123X号", "身份证450502********123X号"),
        ("身份证 450502 19900101 1234", "身份证 450502********1234"),
        ("门牌号12号，面积138平方米，订单2026120712", "门牌号12号，面积138平方米，订单2026120712"),
    ],
)
def test_mask_text_hides_phone_and_identity_numbers(typed, shown):
    assert personal.mask_text(typed) == shown
