import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from shangliang.core.errors import ApplicationError
from shangliang.privacy import otp

PHONE = "13812345678"

pytestmark = pytest.mark.django_db


def test_a_code_is_accepted_once():
    code = otp.issue("list", PHONE)
    otp.verify("list", PHONE, code)
    with pytest.raises(ApplicationError) as excinfo:
        otp.verify("list", PHONE, code)
    assert excinfo.value.message == "验证码已过期或未获取，请重新获取验证码。"


def test_wrong_codes_count_down_then_lock():
    # given an issued code
    code = otp.issue("list", PHONE)
    wrong = "000000" if code != "000000" else "111111"
    # when it is mistyped five times
    messages = []
    for _ in range(5):
        with pytest.raises(ApplicationError) as excinfo:
            otp.verify("list", PHONE, wrong)
        messages.append(excinfo.value.message)
    # then each try says how many are left, the fifth locks, and even the right code waits
    assert messages == [
        "验证码不正确，还可以再试 4 次。",
        "验证码不正确，还可以再试 3 次。",
        "验证码不正确，还可以再试 2 次。",
        "验证码不正确，还可以再试 1 次。",
        "验证码错误次数过多，请 15 分钟后再试。",
    ]
    with pytest.raises(ApplicationError) as excinfo:
        otp.verify("list", PHONE, code)
    assert excinfo.value.code == "locked"
    with pytest.raises(ApplicationError):
        otp.issue("list", PHONE)


def test_a_second_code_within_a_minute_is_refused():
    otp.issue("list", PHONE)
    with pytest.raises(ApplicationError) as excinfo:
        otp.issue("list", PHONE)
    assert excinfo.value.message == "验证码已发送，请 1 分钟后再重新获取。"


def test_purposes_do_not_share_codes():
    code = otp.issue("list", PHONE)
    with pytest.raises(ApplicationError):
        otp.verify("contact", PHONE, code)


def test_a_deployment_can_change_a_rate_limit(settings):
    from shangliang.privacy.ratelimit import Limit, allow

    settings.SHANGLIANG = {**settings.SHANGLIANG, "RATE_LIMITS": {"demo-scope": (1, 60)}}
    assert allow("demo-scope", "x", Limit(count=100, seconds=60)) is True
    assert allow("demo-scope", "x", Limit(count=100, seconds=60)) is False


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_never_pass_the_limit(monkeypatch):
    # given an issued code, and a comparison slow enough for 40 guesses to overlap
    code = otp.issue("list", PHONE)
    compared = []
    real_compare = otp.hmac.compare_digest

    def slow_compare(a, b):
        compared.append(b)
        time.sleep(0.02)
        return real_compare(a, b)

    monkeypatch.setattr(otp.hmac, "compare_digest", slow_compare)
    wrong = "000000" if code != "000000" else "111111"

    def guess(_):
        try:
            while True:
                try:
                    otp.verify("list", PHONE, wrong)
                except ApplicationError as error:
                    return error.code
                except OperationalError:
                    # the in-memory test database refuses a second writer at once (a file waits)
                    time.sleep(0.01)
                    continue
                return "accepted"
        finally:
            connection.close()

    # when 40 wrong guesses arrive at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(40)))
    # then at most five were compared with the code, and every other one was refused as locked
    assert len(compared) == otp.MAX_ATTEMPTS
    assert outcomes.count("wrong") == otp.MAX_ATTEMPTS - 1
    assert outcomes.count("locked") == 40 - otp.MAX_ATTEMPTS + 1
