import subprocess
import sys

import pytest

from shangliang.notifications import links
from shangliang.notifications.models import OutboxMessage
from shangliang.notifications.services import enqueue_sms
from shangliang.notifications.templatetags.message_links import with_links


def test_absolute_puts_a_path_on_the_public_address(settings):
    # given
    settings.SHANGLIANG_SITE_URL = "https://sl.example.gov.cn"
    # when / then
    assert links.absolute("/concerns/t/ABCD2345/") == "https://sl.example.gov.cn/concerns/t/ABCD2345/"
    assert links.absolute("https://other.example/x/") == "https://other.example/x/"
    assert links.absolute_url("concerns:track", code="ABCD2345") == (
        "https://sl.example.gov.cn/concerns/t/ABCD2345/"
    )


def test_urls_and_bare_paths_are_told_apart_in_chinese_text(settings):
    # given
    settings.SHANGLIANG_SITE_URL = "https://sl.example.gov.cn"
    text = "结果公示：https://sl.example.gov.cn/evaluations/results/1/，评价：/evaluations/v/xUHq-Nz/。"
    # when / then
    assert links.urls_in(text) == ["https://sl.example.gov.cn/evaluations/results/1/"]
    assert links.bare_paths(text) == ["/evaluations/v/xUHq-Nz/"]


@pytest.mark.django_db
def test_an_sms_with_a_bare_path_is_refused_and_nothing_is_queued(settings):
    # given
    settings.SHANGLIANG_SITE_URL = "https://sl.example.gov.cn"
    # when / then
    with pytest.raises(links.RelativeLinkError):
        enqueue_sms(phone="13900001111", body="请评价：/evaluations/v/abc/", about=None, dedupe_key="k1")
    with pytest.raises(links.RelativeLinkError):
        enqueue_sms(phone="13900001111", body="请评价：http://evil.example/v/", about=None, dedupe_key="k2")
    assert OutboxMessage.objects.count() == 0
    # and an absolute link on the public address goes out
    enqueue_sms(
        phone="13900001111",
        body="请评价：https://sl.example.gov.cn/evaluations/v/abc/",
        about=None,
        dedupe_key="k3",
    )
    assert OutboxMessage.objects.count() == 1


def test_with_links_makes_each_address_a_real_link_and_escapes_the_rest():
    # when
    html = with_links("<b>详情：https://sl.example/concerns/t/AB/</b>")
    # then
    assert html == (
        '&lt;b&gt;详情：<a class="long-link" href="https://sl.example/concerns/t/AB/">'
        "https://sl.example/concerns/t/AB/</a>&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    ("site_url", "message"),
    [
        ("", "needs these environment variables: SHANGLIANG_SITE_URL"),
        ("http://sl.example.gov.cn", "SHANGLIANG_SITE_URL must be the public HTTPS address"),
        ("https://sl.example.gov.cn/app", "SHANGLIANG_SITE_URL must be the public HTTPS address"),
    ],
)
def test_production_start_up_refuses_a_missing_or_wrong_public_address(site_url, message):
    # given production mode with everything else set
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "sl.example.gov.cn",
        "SHANGLIANG_SITE_URL": site_url,
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    # when
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.returncode != 0
    assert message in result.stderr
