import pytest
from django.test import RequestFactory

from shangliang.privacy.ratelimit import client_ip

factory = RequestFactory()


def _request(peer: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": peer}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


def test_the_forwarded_header_of_an_unlisted_peer_is_ignored(settings):
    # given no trusted proxy
    settings.SHANGLIANG_TRUSTED_PROXIES = []
    # when a client reaching the application directly sends a made-up header
    ip = client_ip(_request("203.0.113.9", "198.51.100.1"))
    # then its own address counts
    assert ip == "203.0.113.9"


def test_a_trusted_proxy_s_header_gives_the_client_address(settings):
    # given the local reverse proxy is trusted
    settings.SHANGLIANG_TRUSTED_PROXIES = ["127.0.0.1"]
    # when the proxy appends the client's address to what the client sent
    ip = client_ip(_request("127.0.0.1", "198.51.100.1, 203.0.113.9"))
    # then the last entry the proxy wrote is the client, not what the client made up
    assert ip == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_skipped(settings):
    # given a load balancer network and the local proxy are trusted
    settings.SHANGLIANG_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # when the request passed through both
    ip = client_ip(_request("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.2.3"))
    # then the first untrusted hop from the right is the client
    assert ip == "203.0.113.9"


@pytest.mark.parametrize("peer", ["127.0.0.2", "::1"])
def test_an_address_outside_the_trusted_list_is_not_believed(settings, peer):
    settings.SHANGLIANG_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request(peer, "198.51.100.1")) == peer
