"""Settings for Shangliang.

Everything that differs between machines comes from the environment; the defaults are safe for
development (embedded SQLite under ``var/``). With ``DJANGO_DEBUG=0`` the secret key and allowed
hosts must be given, or start-up stops with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from shangliang.core.release import release_id

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHANGLIANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# pytest sets PYTEST_VERSION before importing anything, so tests never touch var/ or the task queue.
TESTING = env_bool("SHANGLIANG_TESTING", "PYTEST_VERSION" in os.environ)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if not DEBUG else _DEV_SECRET)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
# The public address residents open (scheme and host): every link in an SMS and every address
# printed on a page starts with it. ``make run`` sets it from its host and port.
SHANGLIANG_SITE_URL = os.environ.get("SHANGLIANG_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip(
    "/"
)

if not DEBUG:
    missing = [
        name
        for name, value in (
            ("DJANGO_SECRET_KEY", SECRET_KEY),
            ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("SHANGLIANG_SITE_URL", SHANGLIANG_SITE_URL),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DJANGO_DEBUG=0) needs these environment variables: " + ", ".join(missing)
        )
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of at least 50 characters.")
    if not SHANGLIANG_SITE_URL.startswith("https://") or "/" in SHANGLIANG_SITE_URL.removeprefix("https://"):
        raise ImproperlyConfigured(
            "SHANGLIANG_SITE_URL must be the public HTTPS address without a path, e.g. https://shangliang.example.gov.cn"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "shangliang.core",
    "shangliang.privacy",
    "shangliang.ops",
    "shangliang.files",
    "shangliang.accounts",
    "shangliang.places",
    "shangliang.text",
    "shangliang.notifications",
    "shangliang.concerns",
    "shangliang.topics",
    "shangliang.actions",
    "shangliang.outputs",
    "shangliang.screening",
    "shangliang.meetings",
    "shangliang.supervision",
    "shangliang.evaluations",
    "shangliang.duty",
    "shangliang.reports",
    "shangliang.api",
    "shangliang.portal",
    "shangliang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shangliang.ops.security.SecurityHeadersMiddleware",
    "shangliang.ops.security.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shangliang.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shangliang" / "templates"],
        "OPTIONS": {
            # Each template compiled once per process (Django's default when DEBUG is off; said
            # outright so that it holds in every mode; in development the autoreloader resets it).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shangliang.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = Path(os.environ.get("SHANGLIANG_SQLITE_PATH", VAR_DIR / "shangliang.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # WAL lets the web server and the worker read while the other writes; the busy
                # timeout makes a writer wait for the lock instead of failing at once.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests run in memory unless a path is given.
            "TEST": {"NAME": os.environ.get("SHANGLIANG_SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Two-step login: the authenticator app shows the brand as the account's issuer; the admin pages
# of django-otp's devices never show their secrets.
OTP_TOTP_ISSUER = os.environ.get("SHANGLIANG_BRAND_NAME", "珠事好商量")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:staff-home"
LOGOUT_REDIRECT_URL = "portal:home"
if TESTING:
    # Tests create many users; the production hasher is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "shangliang" / "locale"]

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SHANGLIANG_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "shangliang" / "static"]
MEDIA_ROOT = Path(os.environ.get("SHANGLIANG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Bounded work per request: uploads past 2.5 MB go to a temporary file, not memory; the fields of a
# form (files aside) may hold 2.5 MB; at most 200 fields and 20 files; and the whole body is refused
# (413) past SHANGLIANG_MAX_REQUEST_MB before anything reads it (ops.security).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 20
SHANGLIANG_MAX_REQUEST_MB = int(os.environ.get("SHANGLIANG_MAX_REQUEST_MB", "64"))
# An evidence document or photo larger than this is refused with a reason.
SHANGLIANG_MAX_UPLOAD_MB = int(os.environ.get("SHANGLIANG_MAX_UPLOAD_MB", "10"))

# --- Cache (rate limits, one-time codes, sessions, option lists) -------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_MAX_ENTRIES = int(os.environ.get("SHANGLIANG_CACHE_MAX_ENTRIES", "5000"))
# Every key starts with the release (``SHANGLIANG_RELEASE`` or a digest of the code and templates):
# a deploy never reads what an earlier release cached (ADR 61).
RELEASE = release_id(BASE_DIR / "shangliang", BASE_DIR / "config")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache"
            if not TESTING
            else "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(VAR_DIR / "cache") if not TESTING else "shangliang-tests",
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    }
CACHES["default"]["KEY_PREFIX"] = f"sl-{RELEASE}"

# --- Background tasks -------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A task left RUNNING this long is taken for one whose worker was killed, and queued again (ops.worker).
SHANGLIANG_TASK_STALE_MINUTES = int(os.environ.get("SHANGLIANG_TASK_STALE_MINUTES", "30"))

# --- Security ---------------------------------------------------------------------------------
# Sessions are read from the cache (Redis in production) and written through to the database,
# so a signed-in page does not query the session table.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads it from the cookie-less meta tag; the cookie stays same-site
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (ops.security, ADR 61): scripts and styles only from the site's own static
# files, no inline script or style, no plug-ins, no framing; images may be data: (QR codes) or blob:
# (the photo previews made in the browser before upload).
SHANGLIANG_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page needs; the camera stays allowed for the site itself (photo upload).
SHANGLIANG_PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": ["self"],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "shangliang.core.views.csrf_failure"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8").
# Empty: the header is ignored and the connection's address is the client's (per-address limits
# then count every visitor behind an unlisted proxy as one).
SHANGLIANG_TRUSTED_PROXIES = env_list("SHANGLIANG_TRUSTED_PROXIES")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHANGLIANG_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}, "django.db.backends": {"level": "INFO"}},
}

# --- Domain settings (defaults from the consultation rules; each may be overridden) -----------
SHANGLIANG: dict[str, Any] = {
    # Shown on every page; a district changes its brand here.
    "BRAND_NAME": os.environ.get("SHANGLIANG_BRAND_NAME", "珠事好商量"),
    "BRAND_ORG": os.environ.get("SHANGLIANG_BRAND_ORG", "政协海城区委员会"),
    "BRAND_LOGO": os.environ.get("SHANGLIANG_BRAND_LOGO", "img/logo.svg"),
    # Two-step login (ADR 73): administrators must enrol before anything else; on by default in production.
    "REQUIRE_ADMIN_2FA": env_bool("SHANGLIANG_REQUIRE_ADMIN_2FA", not DEBUG),
    # Screening: require a community secretary's first-level opinion (社区初审) before the office decides.
    "SECRETARY_FIRST_LEVEL": env_bool("SHANGLIANG_SECRETARY_FIRST_LEVEL", False),
    # Rate limits by scope, as (attempts, seconds); the code's defaults apply to scopes not listed.
    # Scopes: login-ip, login-user (failed logins only), submit-ip, submit-phone, support-ip, followup-code, lookup, otp-send-*.
    "RATE_LIMITS": {},
    # Activity groups: members per village/community group.
    "ACTIVITY_GROUP_MIN": 2,
    "ACTIVITY_GROUP_MAX": 3,
    # 三评 (DOMAIN §4): weights of 党政点评 / 民主评议 / 群众评价, the pass rule (composite and the
    # residents' satisfaction rate, both inclusive), and the working days a failed topic gets again.
    "EVALUATION": {
        "WEIGHTS": {"party": "0.3", "democratic": "0.3", "residents": "0.4"},
        "PASS_COMPOSITE": "70",
        "PASS_SATISFACTION": "0.8",
        "REHANDLE_WORKING_DAYS": 15,
    },
    # 履职考核 (DOMAIN §4): grade thresholds (inclusive, highest first; below the last is 不合格) and
    # the months a proposal's formal reply may take. The points and caps are the admin's rule table.
    "DUTY": {
        "GRADES": [[90, "优秀"], [60, "合格"]],
        "PROPOSAL_REPLY_MONTHS": 3,
    },
    # 督办: amber when the deadline is this many working days away or fewer, a reminder that many
    # working days before it, and escalation to the department's supervising leader after this many
    # overdue working days.
    "SUPERVISION": {
        "AMBER_WORKING_DAYS": 3,
        "REMIND_BEFORE_WORKING_DAYS": 2,
        "ESCALATE_AFTER_OVERDUE_WORKING_DAYS": 5,
    },
    # Outputs: the kinds that need approval (主席会议 / 常委会) before they are sent, and the length
    # over which a 社情民意信息 (one issue per report) gets a warning.
    "OUTPUTS": {
        "APPROVAL_KINDS": ["recommendation"],
        "SOCIAL_OPINION_MAX_CHARS": 1500,
    },
}

# Personal data at rest (privacy.personal): Fernet key(s) for encrypted fields (comma-separated, the
# first encrypts, all decrypt) and the HMAC key of the lookup hashes. Required in production, and
# kept apart from the database and its backups; in development derived from SECRET_KEY.
SHANGLIANG_FIELD_KEY = os.environ.get("SHANGLIANG_FIELD_KEY", "")
SHANGLIANG_LOOKUP_KEY = os.environ.get("SHANGLIANG_LOOKUP_KEY", "")
if not DEBUG:
    from cryptography.fernet import Fernet

    _field_keys = [key.strip() for key in SHANGLIANG_FIELD_KEY.split(",") if key.strip()]
    if not _field_keys:
        raise ImproperlyConfigured(
            "Production mode (DJANGO_DEBUG=0) needs SHANGLIANG_FIELD_KEY: comma-separated Fernet keys, "
            'the first encrypts (make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())").'
        )
    for _key in _field_keys:
        try:
            Fernet(_key.encode())
        except ValueError as _error:
            raise ImproperlyConfigured(
                "SHANGLIANG_FIELD_KEY holds a value that is not a Fernet key."
            ) from _error
    if len(SHANGLIANG_LOOKUP_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode (DJANGO_DEBUG=0) needs SHANGLIANG_LOOKUP_KEY: at least 32 random characters "
            "(the key of the phone lookup hashes; changing it needs manage.py rotate_field_keys --rehash)."
        )

# --- Notifications (SMS through the outbox) ---------------------------------------------------
# Tests keep messages in memory (``notifications.sms.outbox``) whatever the environment says;
# development prints them and appends them to var/sms.log; production sets HttpSmsBackend.
SHANGLIANG_SMS_BACKEND = (
    "shangliang.notifications.sms.LocmemSmsBackend"
    if TESTING
    else os.environ.get("SHANGLIANG_SMS_BACKEND", "shangliang.notifications.sms.ConsoleFileBackend")
)
SHANGLIANG_SMS_LOG = Path(os.environ.get("SHANGLIANG_SMS_LOG", VAR_DIR / "sms.log"))
SHANGLIANG_SMS_HTTP_URL = os.environ.get("SHANGLIANG_SMS_HTTP_URL", "")
SHANGLIANG_SMS_HTTP_TOKEN = os.environ.get("SHANGLIANG_SMS_HTTP_TOKEN", "")
SHANGLIANG_SMS_HTTP_TIMEOUT = float(os.environ.get("SHANGLIANG_SMS_HTTP_TIMEOUT", "10"))
# The registered signature (短信签名) the gateway puts in 【】 before every text.
SHANGLIANG_SMS_SIGN = os.environ.get("SHANGLIANG_SMS_SIGN", SHANGLIANG["BRAND_NAME"])
# Tries before a message is given up (dead); the waits between them are in notifications.delivery.
SHANGLIANG_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("SHANGLIANG_OUTBOX_MAX_ATTEMPTS", "6"))
