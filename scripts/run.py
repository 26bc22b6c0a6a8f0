"""Serve the site with the background worker and the periodic-job scheduler; Ctrl-C stops all three.

Used by ``make run``. In production run gunicorn, ``manage.py db_worker`` and
``manage.py run_periodic`` as separate services (see the README).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    python = sys.executable
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    subprocess.run([python, "manage.py", "demo_logins"], cwd=ROOT, env=env, check=False)
    processes = [
        subprocess.Popen([python, "manage.py", "runserver", f"{args.host}:{args.port}"], cwd=ROOT, env=env),
        subprocess.Popen([python, "manage.py", "db_worker", "--queue-name", "*"], cwd=ROOT, env=env),
        subprocess.Popen([python, "manage.py", "run_periodic"], cwd=ROOT, env=env),
    ]
    print(f"\n  网站： http://{args.host}:{args.port}/    按 Ctrl-C 停止网站和后台任务。\n", flush=True)

    def stop(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        # If one dies, stop the others: a site without its worker would silently queue work.
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    finally:
        stop()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
