"""Serve the site with the background worker and the periodic-job scheduler; Ctrl-C stops all three.

Used by ``make run``. A worker that dies is started again (its running tasks are given back to the
queue); one that keeps dying, or a web server or scheduler that dies, stops everything with a
message saying which process stopped and how. In production run gunicorn, ``manage.py run_worker``
and ``manage.py run_periodic`` as separate services (see docs/deploy/).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A worker may be restarted this many times within RESTART_WINDOW seconds; more means it cannot run.
MAX_RESTARTS = 5
RESTART_WINDOW = 300.0


@dataclass
class Service:
    name: str
    command: list[str]
    restart: bool = False
    process: subprocess.Popen[bytes] | None = None
    worker_id: str = ""
    restarts: list[float] = field(default_factory=list)

    def start(self, env: dict[str, str], recover_from: str = "") -> None:
        command = list(self.command)
        if self.restart:
            self.worker_id = f"run-{secrets.token_hex(8)}"
            command += ["--worker-id", self.worker_id]
            if recover_from:
                command += ["--recover-from", recover_from]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)


def describe(code: int) -> str:
    if code < 0:
        try:
            return f"被信号 {signal.Signals(-code).name} 终止"
        except ValueError:
            return f"被信号 {-code} 终止"
    return f"退出码 {code}"


def supervise(services: list[Service], env: dict[str, str], *, poll: float = 0.5) -> str:
    """Watch the services until one stops for good; the reason, in Chinese, for the message."""
    while True:
        for service in services:
            assert service.process is not None
            code = service.process.poll()
            if code is None:
                continue
            if not service.restart:
                return f"{service.name}已停止（{describe(code)}），网站和后台任务一并停止。"
            now = time.monotonic()
            service.restarts = [t for t in service.restarts if now - t < RESTART_WINDOW] + [now]
            if len(service.restarts) > MAX_RESTARTS:
                return (
                    f"{service.name}在 {int(RESTART_WINDOW // 60)} 分钟内停止了 {len(service.restarts)} 次"
                    f"（最近一次{describe(code)}），网站和后台任务一并停止，请查看上面的错误信息。"
                )
            print(
                f"\n  {service.name}已停止（{describe(code)}），正在重新启动……\n", file=sys.stderr, flush=True
            )
            service.start(env, recover_from=service.worker_id)
        time.sleep(poll)


def stop(services: list[Service]) -> None:
    for service in services:
        if service.process is not None and service.process.poll() is None:
            service.process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 10
    for service in services:
        if service.process is None:
            continue
        try:
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            service.process.kill()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    python = sys.executable
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run([python, "manage.py", "demo_logins"], cwd=ROOT, env=env, check=False)
    services = [
        Service("网站服务", [python, "manage.py", "runserver", f"{args.host}:{args.port}"]),
        Service("后台任务进程", [python, "manage.py", "run_worker", "--queue-name", "*"], restart=True),
        Service("定时任务调度", [python, "manage.py", "run_periodic"]),
    ]
    for service in services:
        service.start(env)
    print(f"\n  网站： http://{args.host}:{args.port}/    按 Ctrl-C 停止网站和后台任务。\n", flush=True)

    def on_signal(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        reason = supervise(services, env)
    except KeyboardInterrupt:
        # Ctrl-C reached every process of the terminal already: give them a moment to finish.
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and any(
            s.process is not None and s.process.poll() is None for s in services
        ):
            time.sleep(0.1)
        stop(services)
        return 0
    stop(services)
    print(f"\n  {reason}\n", file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
