"""``make run``'s supervisor (scripts/run.py): a dying worker is restarted, anything else stops all."""

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[3] / "scripts" / "run.py"
_spec = importlib.util.spec_from_file_location("run_script", _PATH)
assert _spec is not None
assert _spec.loader is not None
run = importlib.util.module_from_spec(_spec)
sys.modules["run_script"] = run  # dataclasses look their module up
_spec.loader.exec_module(run)

ALIVE = [sys.executable, "-c", "import time; time.sleep(60)"]
DIES = [sys.executable, "-c", "import sys; sys.exit(3)"]


@pytest.fixture
def services():
    started: list = []
    yield started
    run.stop(started)


def test_a_worker_that_dies_is_started_again_with_its_tasks_recovered(services, monkeypatch):
    # given a worker that dies at once, beside a web server that keeps running
    monkeypatch.setattr(run, "MAX_RESTARTS", 2)
    web = run.Service("网站服务", ALIVE)
    worker = run.Service("后台任务进程", DIES, restart=True)
    services += [web, worker]
    for service in services:
        service.start({})
    first_id = worker.worker_id
    # when it is supervised
    reason = run.supervise(services, {}, poll=0.05)
    # then it was restarted (each time told the id of the one that died) and at last everything stops
    assert len(worker.restarts) == 3
    assert worker.worker_id != first_id
    assert (
        reason
        == "后台任务进程在 5 分钟内停止了 3 次（最近一次退出码 3），网站和后台任务一并停止，请查看上面的错误信息。"
    )
    assert worker.process.args[-2] == "--recover-from"


def test_a_web_server_that_dies_stops_everything_with_a_message(services):
    web = run.Service("网站服务", DIES)
    worker = run.Service("后台任务进程", ALIVE, restart=True)
    services += [web, worker]
    for service in services:
        service.start({})
    reason = run.supervise(services, {}, poll=0.05)
    assert reason == "网站服务已停止（退出码 3），网站和后台任务一并停止。"
