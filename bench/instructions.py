"""Instructions per request of the measured endpoints, counted by valgrind: repeatable to about 0.1 %
whatever else the machine is doing, so a change to a page can be judged before a full ``make bench``.

    BENCH_SQLITE_PATH=/tmp/bench100k.sqlite3 python -m bench.instructions topic inbox

runs on the database of an earlier ``make bench`` with the same path. Each endpoint is requested
through Django's test client in its own process under ``valgrind --tool=callgrind``: warm-up
requests first (one pass over all of the endpoint's paths, as in wrk's steady state;
BENCH_INSTRUCTION_STEADY=0 measures first visits instead), then instrumentation is switched on
and the counts are dumped around ``requests`` further ones (a call of ``getppid`` marks each
end). The bare view gives the baseline.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_INSTRUCTION_REQUESTS", "20"))
WARM = 15
# Like wrk, which cycles through an endpoint's paths many times in a run, the measured requests
# come after one pass over every path (what a page keeps for the same data is then kept).
STEADY = os.environ.get("BENCH_INSTRUCTION_STEADY", "1") == "1"


def _requester(name: str) -> tuple[Any, int]:
    """A function of ``i`` that makes the ``i``-th request of an endpoint (or of the bare view), and
    how many different requests it cycles through."""
    from django.http import QueryDict
    from django.test import Client

    from bench import generator, intake, registry, screening
    from bench.__main__ import BENCH_CSRF, Context, make_session, register_text

    register_text()
    intake.register()
    screening.register()
    ctx = Context(n=0, communities=generator.district(), rng=random.Random(5))
    for loader in registry.LOADERS.values():
        loader(ctx)
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["csrftoken"] = BENCH_CSRF
    if name == "bare":
        return (lambda i: client.get("/bench/bare/")), 1
    endpoint = registry.ENDPOINTS[name]
    if endpoint.authenticated:
        client.cookies["sessionid"] = make_session().split("=", 1)[1]
    paths = endpoint.paths(ctx)
    if endpoint.bodies is None:
        return (lambda i: client.get(paths[i % len(paths)])), len(paths)
    bodies = endpoint.bodies(ctx)

    def post(i: int) -> object:
        # Form-encoded, as wrk sends it (the test client would encode a dict as multipart).
        data = QueryDict(bodies[i % len(bodies)], mutable=True)
        data.update({"csrfmiddlewaretoken": BENCH_CSRF})
        data["client_token"] = uuid.uuid4().hex
        return client.post(
            paths[i % len(paths)], data.urlencode(), content_type="application/x-www-form-urlencoded"
        )

    return post, max(len(paths), len(bodies))


def inner(name: str, requests: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    request, distinct = _requester(name)
    for i in range(max(WARM, distinct if STEADY else 0)):
        request(i)
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True, check=False)
    for i in range(3):  # instrumentation reaches the interpreter's hot code again
        request(WARM + i)
    os.getppid()
    for i in range(requests):
        request(100 + i)
    os.getppid()


def count(name: str, requests: int = REQUESTS) -> float:
    """Million instructions per request of ``name``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                "--dump-before=getppid",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.instructions",
                "--inner",
                name,
                str(requests),
            ],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        # Dump 1 ends at the first marker, dump 2 holds the measured requests.
        totals = [line for line in Path(f"{out}.2").read_text().splitlines() if line.startswith("totals:")]
        return int(totals[0].split()[1]) / requests / 1e6


def main() -> None:
    if sys.argv[1:2] == ["--inner"]:
        inner(sys.argv[2], int(sys.argv[3]))
        return
    for name in ["bare", *sys.argv[1:]]:
        print(f"{name}: {count(name):.2f} M instructions/request", flush=True)


if __name__ == "__main__":
    main()
