"""Settings for a benchmark run: the production settings (``config.settings`` in production mode,
the database and cache given as a deployment gives them), plus the bench's URLs and lifted
per-address limits.

BENCH_DATABASE_URL (PostgreSQL) or BENCH_SQLITE_PATH (SQLite) is the database; BENCH_REDIS_URL
(default ``redis://127.0.0.1:6379/3``, a Redis database the bench may empty) the cache.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 60)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SHANGLIANG_SITE_URL", "https://bench.shangliang.invalid")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SHANGLIANG_LOG_LEVEL", "WARNING")
# Fixed keys: the bench's data are generated and thrown away.
os.environ.setdefault("SHANGLIANG_FIELD_KEY", "YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMteHg=")
os.environ.setdefault("SHANGLIANG_LOOKUP_KEY", "bench-only-lookup-key-" + "x" * 20)
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
if not os.environ["DATABASE_URL"]:
    os.environ["SHANGLIANG_SQLITE_PATH"] = os.environ.get(
        "BENCH_SQLITE_PATH", "var/bench/bench-100000.sqlite3"
    )
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR

(BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
ROOT_URLCONF = "bench.urls"
# Pages render static URLs; the bench does not run collectstatic, so no manifest is needed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The load generator is one address: lift the public forms' per-address limits for the run.
SHANGLIANG = {
    **SHANGLIANG,  # noqa: F405
    "RATE_LIMITS": dict.fromkeys(("submit-ip", "submit-phone", "lookup", "support-ip"), (10**9, 60)),
}
# Plain HTTP on loopback.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
