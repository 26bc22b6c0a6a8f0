"""Load test of the residents' intake on loopback: concurrent clients submit concerns with a photo
and open their tracking pages for a fixed time, with one decompression-bomb-sized photo mixed in.

    python scripts/loadtest.py                       # a fresh instance on SQLite under gunicorn
    DATABASE_URL=postgres://…/sl_load python scripts/loadtest.py   # the same on PostgreSQL (dropped and created)
    python scripts/loadtest.py --url http://127.0.0.1:8000        # an instance already running

Without --url it sets up a throw-away instance in production mode (temporary directory, keys,
migrations, the demo district, collected static files), serves it with gunicorn as deployed (four
sync workers, 30 s timeout) on a free loopback port, runs the load, stops it and removes it. Each
client sends its own X-Forwarded-For (the server trusts 127.0.0.1 as its proxy), so per-address
limits act as they would for that many residents. The last line is one JSON object: ``errors``
(5xx answers, timeouts and refused connections), ``submit_p95_ms``, ``track_p95_ms``, counts, and
what the server answered the bomb. Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "小区楼道里有人私拉电线给电动车充电，晚上很危险",
    "路口的路灯坏了一个多月，晚上老人出门看不清",
    "菜市场门口的排水沟堵了，一下雨就积水发臭",
    "幼儿园门口早晚接送时段车辆乱停，孩子过马路危险",
    "老旧小区的外墙瓷砖松动，担心掉下来砸到人",
    "公园健身器材坏了好几件，希望尽快维修",
    "夜市油烟和噪音太大，影响周边居民休息",
    "楼下垃圾桶满了没人清运，气味很大",
]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.effect_noise((1024, 768), 40).convert("RGB")
    image.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)), (0, 0, 300, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def bomb_png() -> bytes:
    """8944 × 8944 pixels (80 MP) in under 100 KB."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (8944, 8944), 255).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----sl" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in fields:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data, content_type in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(data)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Client:
    """One resident's browser: its cookies, its address, its own connection."""

    def __init__(self, host: str, port: int, number: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.address = f"10.{number // 250}.{number % 250}.{random.randrange(1, 250)}"
        self.origin = f"https://{host}:{port}"

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, str, dict[str, str]]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Referer": self.origin + "/concerns/new/",
            "Origin": self.origin,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text, {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()

    def new_address(self) -> None:
        parts = self.address.split(".")
        self.address = (
            ".".join([*parts[:3], str(random.randrange(1, 250))])
            if random.random() < 0.5
            else (f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 250)}")
        )


ALERT = re.compile(r'<(div|p|ul)[^>]*(?:role="alert"|class="errorlist[^"]*")[^>]*>(.*?)</\1>', re.S)
TAG = re.compile(r"<[^>]+>")


def reason(status: int, body: str) -> str:
    """What a refusal says: the page's error texts, else the start of the body."""
    texts = [" ".join(TAG.sub(" ", t).split()) for _, t in ALERT.findall(body)]
    said = "；".join(t for t in texts if t) or " ".join(TAG.sub(" ", body).split())[:160]
    return f"{status} {said}"[:300]


class Run:
    def __init__(self, log: Path | None = None) -> None:
        self.lock = threading.Lock()
        self.submit_ms: list[float] = []
        self.track_ms: list[float] = []
        self.errors: list[str] = []
        self.refused: dict[str, int] = {}
        self.reasons: dict[str, int] = {}
        self.bomb: dict[str, object] = {}
        self.log = log

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def refusal(self, what: str, status: int, body: str) -> None:
        """Count a non-2xx answer by kind and by what it said; its whole body goes to the log."""
        said = reason(status, body)
        with self.lock:
            self.refused[what] = self.refused.get(what, 0) + 1
            self.reasons[said] = self.reasons.get(said, 0) + 1
            if self.log is not None:
                with self.log.open("a", encoding="utf-8") as out:
                    out.write(f"=== {what} {time.strftime('%H:%M:%S')}\n{body}\n")


def submit(
    client: Client, run: Run, photo: bytes, *, name: str = "photo.jpg", kind: str = "image/jpeg"
) -> tuple[int, str, float, str]:
    status, page, _ = client.request("GET", "/concerns/new/")
    if status != 200:
        raise RuntimeError(f"form {status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    client_token = re.search(r'name="client_token" value="([^"]*)"', page)
    # Only the community select's options: the street, grid and category selects have numeric
    # values too, and a street or category id sent as the community is rightly refused (400).
    select = re.search(r'<select name="community".*?</select>', page, re.S)
    communities = re.findall(r'<option value="(\d+)"', select.group(0)) if select else []
    if not (token and communities):
        raise RuntimeError("the form page lacks its token or places")
    fields = [
        ("csrfmiddlewaretoken", token.group(1)),
        ("client_token", client_token.group(1) if client_token else secrets.token_hex(16)),
        ("text", random.choice(TEXTS) + f"（第{random.randrange(1, 10_000)}号楼）"),
        ("community", random.choice(communities)),
        ("contact", "anonymous"),
        ("confirm_new", "1"),
    ]
    body, content_type = multipart(fields, [("photos", name, photo, kind)])
    started = time.perf_counter()
    status, answer, headers = client.request("POST", "/concerns/new/", body, content_type)
    elapsed = (time.perf_counter() - started) * 1000
    location = headers.get("location", "")
    match = re.search(r"/concerns/t/([A-Z0-9]+)/", location)
    return status, match.group(1) if match else "", elapsed, answer


def client_loop(number: int, host: str, port: int, deadline: float, run: Run, photos: list[bytes]) -> None:
    client = Client(host, port, number)
    codes: list[str] = []
    while time.monotonic() < deadline:
        try:
            client.new_address()
            if not codes or random.random() < 0.5:
                status, code, elapsed, answer = submit(client, run, random.choice(photos))
                if status >= 500:
                    run.error(f"submit {status}")
                    run.refusal(f"submit {status}", status, answer)
                elif status == 302 and code:
                    codes.append(code)
                    with run.lock:
                        run.submit_ms.append(elapsed)
                else:
                    run.refusal(f"submit {status}", status, answer)
            else:
                started = time.perf_counter()
                status, answer, _ = client.request("GET", f"/concerns/t/{random.choice(codes)}/")
                elapsed = (time.perf_counter() - started) * 1000
                if status >= 500:
                    run.error(f"track {status}")
                    run.refusal(f"track {status}", status, answer)
                elif status == 200:
                    with run.lock:
                        run.track_ms.append(elapsed)
                else:
                    run.refusal(f"track {status}", status, answer)
        except (OSError, RuntimeError, http.client.HTTPException) as error:
            run.error(f"{type(error).__name__}: {error}")


def bomb_loop(host: str, port: int, run: Run) -> None:
    client = Client(host, port, 9999)
    try:
        status, code, elapsed, answer = submit(client, run, bomb_png(), name="bomb.png", kind="image/png")
        run.bomb = {
            "status": status,
            "ms": round(elapsed),
            "filed": bool(code),
            "said": reason(status, answer),
        }
        if status >= 500:
            run.error(f"bomb {status}")
    except (OSError, RuntimeError, http.client.HTTPException) as error:
        run.bomb = {"error": str(error)}
        run.error(f"bomb {type(error).__name__}: {error}")


def warm(host: str, port: int, photos: list[bytes], requests: int) -> None:
    """Untimed: concurrent submits and tracking pages, so that every server process has loaded what
    it loads once (the segmenter dictionary, the category model, compiled templates) before the
    measured run, as in a server that has been up for a while."""
    run = Run()
    deadline = time.monotonic() + 0.1
    threads = [
        threading.Thread(target=client_loop, args=(5000 + n, host, port, deadline, run, photos), daemon=True)
        for n in range(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def load(
    url: str, clients: int, duration: float, *, warm_up: int = 8, log: Path | None = None
) -> dict[str, object]:
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    if not _is_loopback(host):
        raise SystemExit("The load test runs against loopback addresses only.")
    photos = [jpeg(n) for n in range(4)]
    if warm_up:
        warm(host, port, photos, warm_up)
    run = Run(log)
    load_before = os.getloadavg()[0]
    deadline = time.monotonic() + duration
    threads = [
        threading.Thread(target=client_loop, args=(n, host, port, deadline, run, photos), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(min(5.0, duration / 4))
    bomb = threading.Thread(target=bomb_loop, args=(host, port, run), daemon=True)
    bomb.start()
    for thread in [*threads, bomb]:
        thread.join(timeout=duration + 120)
    return {
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "clients": clients,
        "seconds": duration,
        "errors": len(run.errors),
        "submits": len(run.submit_ms),
        "tracks": len(run.track_ms),
        "submit_p50_ms": round(percentile(run.submit_ms, 0.5)),
        "submit_p95_ms": round(percentile(run.submit_ms, 0.95)),
        "track_p50_ms": round(percentile(run.track_ms, 0.5)),
        "track_p95_ms": round(percentile(run.track_ms, 0.95)),
        "refused": run.refused,
        "refusal_reasons": dict(sorted(run.reasons.items(), key=lambda kv: -kv[1])[:10]),
        "bomb": run.bomb,
        "error_kinds": sorted(set(run.errors))[:10],
    }


def _is_loopback(host: str) -> bool:
    try:
        return all(
            str(info[4][0]).startswith("127.") or str(info[4][0]) == "::1"
            for info in socket.getaddrinfo(host, None)
        )
    except socket.gaierror:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_fresh(workers: int, threads: int = 1) -> tuple[subprocess.Popen[bytes], str, Path, dict[str, str]]:
    from cryptography.fernet import Fernet

    var = Path(tempfile.mkdtemp(prefix="sl-load-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "SHANGLIANG_SITE_URL": "https://127.0.0.1",
        "SHANGLIANG_FIELD_KEY": Fernet.generate_key().decode(),
        "SHANGLIANG_LOOKUP_KEY": secrets.token_urlsafe(40),
        "SHANGLIANG_TRUSTED_PROXIES": "127.0.0.1",
        "SHANGLIANG_VAR_DIR": str(var),
        "SHANGLIANG_SMS_LOG": str(var / "sms.log"),
        "SHANGLIANG_LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    if env.get("DATABASE_URL"):
        name = urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    port = _free_port()
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    return server, url, var, env


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="", help="An instance already running on loopback.")
    parser.add_argument("--clients", type=int, default=int(os.environ.get("LOAD_CLIENTS", "20")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "60")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "4")))
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("LOAD_THREADS", "1")),
        help="Threads per worker (more than 1: gunicorn's gthread workers).",
    )
    parser.add_argument("--warm", type=int, default=8, help="Untimed concurrent requests before the run.")
    args = parser.parse_args()
    log = ROOT / "var" / "loadtest" / f"non2xx-{time.strftime('%Y%m%d-%H%M%S')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    if args.url:
        result = load(args.url, args.clients, args.seconds, warm_up=args.warm, log=log)
    else:
        server, url, var, env = serve_fresh(args.workers, args.threads)
        try:
            result = load(url, args.clients, args.seconds, warm_up=args.warm, log=log)
            result["database"] = "postgresql" if env.get("DATABASE_URL") else "sqlite"
            result["gunicorn_workers"] = args.workers
            result["gunicorn_threads"] = args.threads
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            shutil.rmtree(var, ignore_errors=True)
    if log.exists():
        result["non2xx_log"] = str(log.relative_to(ROOT))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
