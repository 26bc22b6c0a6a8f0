"""Run the benchmark: ``BENCH_N=100000 python -m bench`` (BENCH_DATABASE_URL for PostgreSQL).

Two phases, each in a process of its own with its own database: BENCH_BASE_N concerns (default
10,000), then BENCH_N. Each phase loads its database (or, with BENCH_REUSE=1, measures again on
the one a previous run loaded; BENCH_LOAD_ONLY=1 loads and stops), serves it with gunicorn as deployed and measures every registered
endpoint with wrk against the bare view; the BENCH_N phase also times the in-process lookups. The
last line printed is one JSON object.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
DURATION = os.environ.get("BENCH_DURATION", "10s")
# wrk runs on a small machine vary (the bare view between 1,300 and 3,900 req/s from one run to the
# next): each endpoint is run this many times and the bare view once more, and each keeps its best
# run, so a ratio compares two good runs rather than a good one with a bad one.
RUNS = int(os.environ.get("BENCH_RUNS", "2"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "400"))
BASE_N = int(os.environ.get("BENCH_BASE_N", "10000"))
# The server as the README deploys it: ``gunicorn config.wsgi``, sync workers, one request at a
# time each. BENCH_THREADS > 1 measures gthread workers instead.
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
# BENCH_ONLY=submit,track measures only the named measurements (and the bare view).
ONLY = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
# wrk connections: four per worker keep every worker busy and queue a little.
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", str(WORKERS * 4)))


@dataclass
class Context:
    n: int
    communities: list[Any]
    rng: random.Random
    cookie: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fresh_database() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        # A connection opened to check reuse would keep writing to the unlinked file.
        connection.close()
        path = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(ctx: Context) -> None:
    import datetime as dt

    from django.utils import timezone

    from bench import generator
    from shangliang.concerns.models import OPEN_STATUSES
    from shangliang.text import services
    from shangliang.text.models import DocumentKind

    start_time = timezone.now() - dt.timedelta(days=730)
    step = dt.timedelta(seconds=730 * 86400 / max(ctx.n, 1))
    statuses = ["submitted", "screening", "accepted", "assigned_directly", "closed"]
    indexing = 0.0
    batch_size = 5000
    produced = 0
    source = generator.concerns(ctx.n, ctx.communities)
    while produced < ctx.n:
        batch = []
        for concern in source:
            status = statuses[produced % len(statuses)]
            batch.append(
                services.DocumentInput(
                    kind=DocumentKind.CONCERN,
                    object_id=produced + 1,
                    text=concern.text,
                    created_at=start_time + step * produced,
                    region_path=concern.community.path,
                    community_id=concern.community.id,
                    category=concern.category,
                    status=status,
                    is_public=produced % 3 == 0,
                    is_open=status in OPEN_STATUSES,
                )
            )
            produced += 1
            if len(batch) == batch_size:
                break
        began = time.perf_counter()
        services.index_documents(batch, batch_size=batch_size)
        indexing += time.perf_counter() - began
        if produced % 100_000 == 0:
            log(f"indexed {produced} ({produced / indexing:.0f}/s)")
    ctx.figures["index_per_s"] = round(ctx.n / indexing, 1)
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO text_fts(text_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with connection.cursor() as cursor:
            for table in ("text_searchdocument", "text_posting", "text_termcount"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def reusable(n: int) -> bool:
    from django.db import DatabaseError

    from shangliang.text.models import SearchDocument

    try:
        # The generated documents are ids 1..n; the submit measurement adds concerns after them.
        return SearchDocument.objects.filter(kind="concern", object_id__lte=n).count() == n
    except DatabaseError:
        return False


def similar_samples(ctx: Context) -> list[tuple[str, int]]:
    from bench import generator

    fresh = generator.concerns(QUERIES, ctx.communities, seed=ctx.rng.randint(1, 10**6))
    return [(c.text, c.community.id) for c in fresh]


def measure_inprocess(ctx: Context) -> None:
    from bench import registry

    for name, measure in selected(registry.IN_PROCESS).items():
        calls = measure.calls(ctx)
        # One pass over every call first, as a running server has seen its queries before; then
        # each is timed.
        for call in calls:
            call()
        timings = []
        for call in calls:
            began = time.perf_counter()
            call()
            timings.append((time.perf_counter() - began) * 1000)
        ctx.figures[f"{name}_inproc_p50_ms"] = round(statistics.median(timings), 2)
        ctx.figures[f"{name}_inproc_p99_ms"] = round(percentile(timings, 0.99), 2)
        log(
            f"{name} in process: p50 {ctx.figures[f'{name}_inproc_p50_ms']} ms, "
            f"p99 {ctx.figures[f'{name}_inproc_p99_ms']} ms"
        )


def make_session() -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shangliang.core.roles import Role

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As deployed, an administrator's session has passed the second step (ADR 73).
    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "bench", "confirmed": True})
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"sessionid={session.session_key}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BENCH_CSRF = "benchcsrf0123456789abcdefABCDxyz"  # 32 characters: an unmasked CSRF secret


def wrk(
    url_base: str, paths: list[str], cookie: str, bodies: list[str] | None = None
) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 latency (ms) of wrk cycling through ``paths`` (GET), or POSTing
    ``bodies`` to them as forms with a CSRF token and a form token of their own per request; and
    how many responses were neither 2xx nor 3xx."""
    lines = ",".join(json.dumps(p) for p in paths)
    if bodies:
        cookies = "; ".join(c for c in (cookie, f"csrftoken={BENCH_CSRF}") if c)
        forms = ",".join(json.dumps(b) for b in bodies)
        script = (
            f"local paths = {{{lines}}}\nlocal bodies = {{{forms}}}\nlocal i = 0\n"
            # Each wrk thread has its own Lua state and the same random sequence: the thread's
            # number keeps two threads from posting the same form token (a double submit).
            "local threads = 0\nfunction setup(thread)\n  threads = threads + 1\n"
            '  thread:set("thread_id", threads)\nend\n'
            f'wrk.headers["Cookie"] = {json.dumps(cookies)}\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            "request = function()\n  i = i + 1\n"
            f'  local unique = thread_id .. "x" .. i .. "x" .. math.random(1, 1000000000)\n'
            f'  local body = bodies[(i - 1) % #bodies + 1] .. "&csrfmiddlewaretoken={BENCH_CSRF}&client_token=" .. unique\n'
            '  return wrk.format("POST", paths[(i - 1) % #paths + 1], nil, body)\nend\n'
        )
    else:
        script = (
            f"local paths = {{{lines}}}\nlocal i = 0\n"
            f'wrk.headers["Cookie"] = {json.dumps(cookie)}\n'
            'request = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n'
        )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    out = subprocess.run(
        [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", fh.name, url_base],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    os.unlink(fh.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {}
    for share in ("50", "99"):
        value, unit = re.search(share + r"%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        latency[share] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        log(f"warning: {errors.group(1)} non-2xx responses for {paths[0]}")
    return rps, latency["50"], latency["99"], int(errors.group(1)) if errors else 0


def rss_mb(pids: list[int]) -> float:
    worst = 0.0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            worst = max(worst, int(match.group(1)) / 1024)
    return round(worst, 1)


def selected(measurements: dict[str, Any]) -> dict[str, Any]:
    return {name: m for name, m in measurements.items() if not ONLY or name in ONLY}


def measure_http(ctx: Context) -> None:
    from bench import registry

    endpoints = selected(registry.ENDPOINTS)
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "-k",
            "gthread" if THREADS > 1 else "sync",
            "--threads",
            str(THREADS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # One pass over each endpoint's requests first (every worker loads the segmenter and the
        # models, the database and the cache see the queries), as a running server has.
        for endpoint in endpoints.values():
            bodies = endpoint.bodies(ctx) if endpoint.bodies else None
            wrk(base, endpoint.paths(ctx), ctx.cookie if endpoint.authenticated else "", bodies)
        bare_runs = [wrk(base, ["/bench/bare/"], ctx.cookie)]
        runs: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name in endpoints}
        for _ in range(RUNS):
            for name, endpoint in endpoints.items():
                bodies = endpoint.bodies(ctx) if endpoint.bodies else None
                paths = endpoint.paths(ctx)
                runs[name].append(wrk(base, paths, ctx.cookie if endpoint.authenticated else "", bodies))
            bare_runs.append(wrk(base, ["/bench/bare/"], ctx.cookie))
        bare_rps, bare_p50, bare_p99, _ = max(bare_runs)
        ctx.figures.update(
            bare_rps=round(bare_rps, 1), bare_p50_ms=round(bare_p50, 2), bare_p99_ms=round(bare_p99, 2)
        )
        log(
            f"bare: {bare_rps:.0f} req/s, p99 {bare_p99:.1f} ms (runs: {', '.join(f'{r[0]:.0f}' for r in bare_runs)})"
        )
        for name, measured in runs.items():
            rps, p50, p99, failed = max(measured)
            ctx.figures[f"{name}_rps"] = round(rps, 1)
            ctx.figures[f"{name}_p50_ms"] = round(p50, 2)
            ctx.figures[f"{name}_p99_ms"] = round(p99, 2)
            ctx.figures[f"{name}_ratio"] = round(rps / bare_rps, 3)
            if failed:
                ctx.figures[f"{name}_non2xx"] = failed
            log(
                f"{name}: {rps:.0f} req/s (ratio {rps / bare_rps:.3f}), p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                f"(runs: {', '.join(f'{r[0]:.0f}' for r in measured)})"
            )
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        ctx.figures["rss_mb"] = rss_mb([int(p) for p in children])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def register_text() -> None:
    from bench import registry
    from shangliang.text import selectors

    def similar_calls(ctx: Context) -> list[Any]:
        return [
            (lambda t=text, c=cid: selectors.similar(text=t, community_id=c, limit=10))
            for text, cid in similar_samples(ctx)
        ]

    def similar_paths(ctx: Context) -> list[str]:
        return [f"/api/v1/text/similar?text={quote(t)}&community={c}" for t, c in similar_samples(ctx)]

    def search_paths(ctx: Context) -> list[str]:
        from bench import generator

        return [f"/api/v1/text/search?q={quote(q)}" for q in generator.SEARCH_QUERIES]

    registry.register_inprocess(registry.InProcess("similar", similar_calls))
    registry.register_endpoint(registry.Endpoint("similar", similar_paths))
    registry.register_endpoint(registry.Endpoint("search", search_paths, authenticated=True))


def phase() -> None:
    """One database: load it (or reuse it), time the in-process lookups (BENCH_INPROC=1), measure
    the endpoints over HTTP; print the figures as one JSON line."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from bench import dashboard, generator, intake, registry, screening

    n = int(os.environ["BENCH_N"])
    ctx = Context(n=n, communities=generator.district(), rng=random.Random(5))
    register_text()
    intake.register()
    screening.register()
    dashboard.register()
    began = time.perf_counter()
    if os.environ.get("BENCH_REUSE") == "1" and reusable(n):
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        ctx.figures["index_per_s"] = None
    else:
        fresh_database()
        load(ctx)
    for name, loader in registry.LOADERS.items():
        ctx.figures.update({f"{name}_{k}": v for k, v in loader(ctx).items()})
    log(f"{connection.vendor}, {n} concerns: loaded in {time.perf_counter() - began:.0f} s")
    if os.environ.get("BENCH_LOAD_ONLY") == "1":  # load now, measure later with BENCH_REUSE=1
        print(json.dumps({"db": connection.vendor, **ctx.figures}, ensure_ascii=False))
        return
    # Each phase starts from an empty cache (the bench's own Redis database).
    cache.clear()
    ctx.cookie = make_session()
    if os.environ.get("BENCH_INPROC") == "1":
        measure_inprocess(ctx)
    connection.close()
    measure_http(ctx)
    print(json.dumps({"db": connection.vendor, **ctx.figures}, ensure_ascii=False))


def _base_database(env: dict[str, str]) -> dict[str, str]:
    """The environment of the base phase: a database of its own beside the measured one."""
    env = {**env, "BENCH_N": str(BASE_N)}
    url = env.get("BENCH_DATABASE_URL", "")
    if url:
        import psycopg

        head, _, name = url.rpartition("/")
        base_name = f"{name}_base{BASE_N}"
        with psycopg.connect(f"{head}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [base_name]).fetchone():
                conn.execute(f'CREATE DATABASE "{base_name}"')
        env["BENCH_DATABASE_URL"] = f"{head}/{base_name}"
    else:
        env["BENCH_SQLITE_PATH"] = str(_sqlite_path(BASE_N, env, base=True))
    return env


def _sqlite_path(n: int, env: dict[str, str], *, base: bool = False) -> Path:
    """BENCH_SQLITE_PATH (the base phase's file beside it), or one file per size under var/bench."""
    given = env.get("BENCH_SQLITE_PATH")
    if given:
        path = Path(given)
        return path.with_name(f"{path.stem}-base{n}{path.suffix}") if base else path
    return ROOT / "var" / "bench" / f"bench-{n}.sqlite3"


def run_phase(env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench", "phase"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    n = int(os.environ.get("BENCH_N", "100000"))
    env = {**os.environ, "BENCH_N": str(n), "PYTHONPATH": str(ROOT)}
    if not env.get("BENCH_DATABASE_URL"):
        env["BENCH_SQLITE_PATH"] = str(_sqlite_path(n, env))
    base = run_phase(_base_database(env)) if n > BASE_N else None
    measured = run_phase({**env, "BENCH_INPROC": "1"})
    result: dict[str, Any] = {
        "n": n,
        "db": measured.pop("db"),
        "workers": WORKERS,
        "connections": CONNECTIONS,
    }
    result["index_per_s"] = measured.pop("index_per_s", None)
    result["rss_mb"] = measured.pop("rss_mb", None)
    result.update(measured)
    if base is not None:
        result["base_n"] = BASE_N
        for key in [k for k in measured if k.endswith("_p99_ms") and "_inproc_" not in k]:
            name = key.removesuffix("_p99_ms")
            result[f"{name}_base_p99_ms"] = base[key]
            if name != "bare":
                result[f"{name}_growth"] = round(measured[key] / base[key], 2) if base[key] else None
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    phase() if sys.argv[1:] == ["phase"] else main()
