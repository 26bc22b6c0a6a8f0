"""Settings for a benchmark run: production mode, its own database, the bench URLs."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 60)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SHANGLIANG_SITE_URL", "https://bench.shangliang.invalid")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SHANGLIANG_LOG_LEVEL", "WARNING")

import dj_database_url

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR

BENCH_DIR = BASE_DIR / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
if BENCH_DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(BENCH_DATABASE_URL, conn_max_age=600)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("BENCH_SQLITE_PATH", str(BENCH_DIR / "bench.sqlite3")),
            # A persistent connection keeps its page cache; a new one per request starts cold.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
ROOT_URLCONF = "bench.urls"
# Pages render static URLs; the bench does not run collectstatic, so no manifest is needed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The load generator is one address: lift the public forms' per-address limits for the run.
SHANGLIANG = {
    **SHANGLIANG,  # noqa: F405
    "RATE_LIMITS": dict.fromkeys(("submit-ip", "submit-phone", "lookup", "support-ip"), (10**9, 60)),
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# Each worker's own memory stands in for the deployment's Redis (no network hop is measured).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bench",
        "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},  # noqa: F405
    }
}
