"""Lighthouse in mobile mode on the pages residents open most: the home, the intake form, a tracking
page and a published result, against a fresh instance as deployed.

    make lighthouse                       # or: .venv/bin/python scripts/lighthouse/run.py

Installs the pinned Lighthouse (``scripts/lighthouse/package.json`` and its lock file) into
``var/node/`` with ``npm ci`` when it is missing or out of date, sets up a throw-away production-mode
instance on SQLite with the demo district and its collected static files, served by gunicorn on a
free loopback port (the same set-up as ``scripts/loadtest.py``), and runs Lighthouse's default
mobile audit (emulated phone, simulated slow 4G and CPU) with Debian's Chromium on each page,
``LIGHTHOUSE_RUNS`` times (default 3), keeping the median score of each category. The tracking page
is that of a demo concern with photos, the result the newest on the home.

Prints one JSON line per page (``page``, ``url``, ``performance``, ``accessibility``, scores 0–100)
and exits 1 when a page scores below 95 for accessibility or 90 for performance, after naming on
stderr the audits that cost it points.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NODE = ROOT / "var" / "node"
LIGHTHOUSE = NODE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("SHANGLIANG_CHROMIUM", "/usr/bin/chromium")
TARGETS = {"accessibility": 95, "performance": 90}
CATEGORIES = tuple(TARGETS)

sys.path.insert(0, str(ROOT / "scripts"))
from loadtest import serve_fresh  # noqa: E402


def install() -> None:
    """``npm ci`` into var/node/ unless it already holds exactly the locked versions."""
    wanted = [(HERE / name).read_bytes() for name in ("package.json", "package-lock.json")]
    installed = [NODE / "package.json", NODE / "package-lock.json"]
    if LIGHTHOUSE.exists() and [p.read_bytes() if p.exists() else b"" for p in installed] == wanted:
        return
    NODE.mkdir(parents=True, exist_ok=True)
    for path, content in zip(installed, wanted, strict=True):
        path.write_bytes(content)
    subprocess.run(
        ["npm", "ci", "--prefix", str(NODE), "--no-audit", "--no-fund", "--ignore-scripts"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def pages(url: str, env: dict[str, str]) -> dict[str, str]:
    """The four pages of the demo district: a tracking page with photos, the newest result."""
    code = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from shangliang.concerns.models import Concern; "
            "print(Concern.objects.filter(photos__isnull=False).order_by('pk').first().tracking_code)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    with urllib.request.urlopen(url + "/") as response:
        home = response.read().decode()
    results = re.findall(r'href="(/evaluations/results/\d+/)"', home)
    if not results:
        raise SystemExit("the demo home lists no published result")
    return {
        "首页": url + "/",
        "我要反映": url + "/concerns/new/",
        "办理进度": f"{url}/concerns/t/{code}/",
        "成果公示": url + results[0],
    }


def audit(url: str) -> dict[str, Any]:
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless=new --no-sandbox",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        capture_output=True,
        text=True,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def score(report: dict[str, Any], category: str) -> int:
    return round((report["categories"][category]["score"] or 0) * 100)


def lost_points(report: dict[str, Any], category: str) -> list[str]:
    """The audits of a category that scored below full marks, with what Lighthouse says of them."""
    audits = report["audits"]
    return [
        f"{ref['id']} {audits[ref['id']]['score']} {audits[ref['id']].get('displayValue', '')}".strip()
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]].get("score") is not None and audits[ref["id"]]["score"] < 1
    ]


def main() -> int:
    if not shutil.which("npm"):
        raise SystemExit("make lighthouse needs Node.js and npm (Debian packages nodejs and npm)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"make lighthouse needs Chromium at {CHROMIUM} (apt-get install -y chromium)")
    install()
    runs = max(1, int(os.environ.get("LIGHTHOUSE_RUNS", "3")))
    # The pages are measured on SQLite: serve_fresh would drop and re-create a DATABASE_URL's database.
    os.environ.pop("DATABASE_URL", None)
    server, url, var, env = serve_fresh(2)
    failed = False
    try:
        for name, address in pages(url, env).items():
            reports = [audit(address) for _ in range(runs)]
            scores = {c: round(statistics.median(score(r, c) for r in reports)) for c in CATEGORIES}
            print(
                json.dumps({"page": name, "url": address[len(url) :], **scores}, ensure_ascii=False),
                flush=True,
            )
            for category, target in TARGETS.items():
                if scores[category] < target:
                    failed = True
                    worst = min(reports, key=lambda r, c=category: score(r, c))
                    print(f"{name} {category} {scores[category]} < {target}:", file=sys.stderr)
                    for line in lost_points(worst, category):
                        print(f"  {line}", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(var, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
