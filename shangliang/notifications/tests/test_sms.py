from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shangliang.notifications import sms


@dataclass
class FakeGateway:
    """A local SMS gateway: answers each POST with the next (status, body, delay) and keeps requests."""

    url: str
    replies: list[tuple[int, bytes, float]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    state: dict[str, FakeGateway] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            fake = state["gateway"]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            fake.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers["Authorization"],
                    "content_type": self.headers["Content-Type"],
                    "json": json.loads(body),
                }
            )
            status, reply, delay = fake.replies.pop(0)
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["gateway"] = FakeGateway(url=f"http://127.0.0.1:{server.server_port}/sms/send")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    settings.SHANGLIANG_SMS_HTTP_URL = state["gateway"].url
    settings.SHANGLIANG_SMS_HTTP_TOKEN = "secret-token"
    settings.SHANGLIANG_SMS_HTTP_TIMEOUT = 0.3
    settings.SHANGLIANG_SMS_SIGN = "珠事好商量"
    yield state["gateway"]
    server.shutdown()
    server.server_close()


def send() -> str:
    return sms.HttpSmsBackend().send(phone="13812345678", text="您的诉求已受理。", request_id="req-1")


def test_http_backend_posts_json_with_the_token_and_returns_the_gateway_id(gateway):
    # given
    gateway.replies.append((200, b'{"code": 0, "message_id": "gw-778"}', 0))
    # when
    provider_id = send()
    # then
    assert provider_id == "gw-778"
    assert gateway.requests == [
        {
            "path": "/sms/send",
            "authorization": "Bearer secret-token",
            "content_type": "application/json; charset=utf-8",
            "json": {
                "phone": "13812345678",
                "text": "您的诉求已受理。",
                "sign": "珠事好商量",
                "request_id": "req-1",
            },
        }
    ]


def test_http_backend_treats_a_server_error_as_failure(gateway):
    gateway.replies.append((500, b'{"error": "internal"}', 0))
    with pytest.raises(sms.SmsSendError) as raised:
        send()
    assert str(raised.value) == 'HTTP 500: {"error": "internal"}'


def test_http_backend_treats_a_nonzero_code_as_failure(gateway):
    gateway.replies.append((200, '{"code": 1001, "message": "余额不足"}'.encode(), 0))
    with pytest.raises(sms.SmsSendError) as raised:
        send()
    assert str(raised.value) == "网关拒绝 code=1001: 余额不足"


def test_http_backend_treats_a_body_that_is_not_json_as_failure(gateway):
    gateway.replies.append((200, b"<html>OK</html>", 0))
    with pytest.raises(sms.SmsSendError) as raised:
        send()
    assert str(raised.value) == "网关返回的不是JSON: <html>OK</html>"


def test_http_backend_gives_up_waiting_after_the_timeout(gateway):
    # given a gateway slower than the 0.3 s timeout
    gateway.replies.append((200, b'{"code": 0}', 1.0))
    # when
    started = time.monotonic()
    with pytest.raises(sms.SmsSendError) as raised:
        send()
    # then
    assert time.monotonic() - started < 0.9
    assert str(raised.value).startswith("网关无法连接或超时: ")


def test_http_backend_without_a_url_fails_with_a_clear_message(settings):
    settings.SHANGLIANG_SMS_HTTP_URL = ""
    with pytest.raises(sms.SmsSendError) as raised:
        send()
    assert str(raised.value) == "未配置短信网关地址 SHANGLIANG_SMS_HTTP_URL"


def test_console_backend_prints_and_logs_the_number_masked(settings, capsys, time_machine):
    # given
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    # when
    provider_id = sms.ConsoleFileBackend().send(
        phone="13812345678", text="已受理\n请留意", request_id="req-9"
    )
    # then
    line = "2026-03-02 09:00:00 138****5678 req-9 【珠事好商量】已受理 请留意"
    assert provider_id == "console-req-9"
    assert settings.SHANGLIANG_SMS_LOG.read_text(encoding="utf-8") == line + "\n"
    assert "13812345678" not in capsys.readouterr().out
