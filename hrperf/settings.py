"""Settings, read from environment variables (see README: Configuration)."""

import re
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hrperf.env import env_bool, env_int, env_json_object, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Set DEBUG=1 for local development, or give SECRET_KEY a long random value."
        )
    # Development only: a key made for this process, never a built-in one.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hrperf",
    "departments",
    "kpis",
    "reviews",
    "payroll",
    "clients",
    "accounts",
    "calendars",
    "evidence",
    "selfassessments",
    "appeals",
    "improvement",
    "printouts",
    "notifications",
    "axes",
    # Single sign-on (accounts/policies.py): django-allauth's social sign-in, with its providers.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.feishu",
    "allauth.socialaccount.providers.dingtalk",
]

MIDDLEWARE = [
    # Outermost: every error answer in the product's shape (hrperf/errors.py).
    "hrperf.errors.ErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hrperf.headers.ContentSecurityPolicyMiddleware",
    # The login page's forms may go on to the sign-in providers (accounts/pages/signin.py).
    "accounts.pages.signin.SignInPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Refuses control characters and over-long addresses and headers before any view runs.
    "hrperf.errors.RequestGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a locked-out sign-in into the login page with the lockout message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hrperf.urls"
CSRF_FAILURE_VIEW = "hrperf.errors.csrf_failure"

# Request limits (README: Operating): an address (path and query) of at most this many
# characters (414 beyond), each header at most this many bytes (431 beyond). The application
# server's own limits (gunicorn, Dockerfile) are higher, so that these answer first.
REQUEST_MAX_URI_CHARS = env_int("REQUEST_MAX_URI_CHARS", 4096)
REQUEST_MAX_HEADER_BYTES = env_int("REQUEST_MAX_HEADER_BYTES", 8192)
WSGI_APPLICATION = "hrperf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hrperf.context_processors.roles",
            ],
            # Figures, punctuation and people in every template without a {% load %}.
            "builtins": ["hrperf.templatetags.numbers", "hrperf.templatetags.wording"],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file beside the project for zero-setup local use.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# DATABASE_REPLICA_URL (optional): a read replica of the same database, for the reads that may
# be a few seconds old (the payroll feed, the reports' aggregates: hrperf/lib/replica.py). The
# test run treats it as a mirror of the test database.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            env_str("DATABASE_REPLICA_URL"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _database_owner(url: str, database: Mapping[str, object]) -> dict[str, object] | None:
    """The owner's role of the same database (DATABASE_OWNER_URL: PostgreSQL only), as which
    `migrate` runs; the application's role (DATABASE_URL) then owns nothing. See hrperf/dbroles.py
    and README, "Two database roles"."""
    if not url:
        return None
    owner = dj_database_url.parse(url)
    where = ("ENGINE", "HOST", "PORT", "NAME")
    if not str(database["ENGINE"]).endswith("postgresql") or any(
        owner.get(key) != database.get(key) for key in where
    ):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the same PostgreSQL database as DATABASE_URL "
            "(host, port and name), with the owner's role."
        )
    if owner.get("USER") == database.get("USER"):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL and DATABASE_URL name the same role: the application's role "
            "(DATABASE_URL) must be another one, which owns nothing."
        )
    return {"USER": owner.get("USER"), "PASSWORD": owner.get("PASSWORD") or ""}


DATABASE_OWNER = _database_owner(env_str("DATABASE_OWNER_URL"), DATABASES["default"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes, README: Sign-in and lockout): after LOGIN_FAILURE_LIMIT wrong
# passwords for one username, or LOGIN_IP_FAILURE_LIMIT from one address (whatever usernames it
# tries), sign-in is refused for LOGIN_LOCKOUT_MINUTES, on the login page and the admin's alike.
# The failures are kept in the database (any database, SQLite included), so every web process
# sees the same counts and HR can list and unlock them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, refusing passwords when LOCAL_LOGIN_ENABLED=0 (see Sign-in below).
    "accounts.pages.backends.LocalPasswordBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
for _name, _value in (
    ("LOGIN_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT),
    ("LOGIN_IP_FAILURE_LIMIT", LOGIN_IP_FAILURE_LIMIT),
    ("LOGIN_LOCKOUT_MINUTES", LOGIN_LOCKOUT_MINUTES),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1, not {_value}")
# Reverse proxies in front of the application that append the client's address to
# X-Forwarded-For (0: none; the connection's own address is the client's).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES must be 0 or more, not {TRUSTED_PROXIES}")
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", default=True)
AXES_CLIENT_IP_CALLABLE = "hrperf.lib.addresses.client_address"
AXES_HANDLER = "accounts.lockouts.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# Attempts during a lockout do not push its end further away: "try again at" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in: single sign-on (accounts/policies.py; README: Configuration, "Sign-in") ---------
# Each method is off unless its variables are set: OpenID Connect (SSO_OIDC_*), LDAP / Active
# Directory (LDAP_*), Feishu (SSO_FEISHU_*), DingTalk (SSO_DINGTALK_*). SSO_ROLE_MAP maps the
# directory's groups to roles, SSO_EMPLOYEE_MATCH links a person to their employee record;
# both are applied at every sign-in. LOCAL_LOGIN_ENABLED=0 refuses local passwords. A bad or
# half configuration stops the start here, naming the variable.
import os as _os  # noqa: E402

from accounts import policies as _sso  # noqa: E402

SSO = _sso.read_config(_os.environ, debug=DEBUG)
LOCAL_LOGIN_ENABLED = SSO.local_login
SSO_ROLE_MAP = SSO.role_map
SSO_EMPLOYEE_MATCH = SSO.employee_match
if SSO.ldap:
    # After the local passwords: a local login of the same username is tried first.
    AUTHENTICATION_BACKENDS.append("accounts.pages.backends.DirectoryBackend")
    globals().update(_sso.ldap_settings(SSO))
SOCIALACCOUNT_PROVIDERS = _sso.allauth_providers(SSO)
# django-allauth signs in through the providers only: its own password, sign-up and e-mail pages
# are off (the product's login page and its `create_user` command stay the local way in).
SOCIALACCOUNT_ONLY = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_ADAPTER = "accounts.pages.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.pages.adapters.DirectoryAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # a sign-in starts with a POST (CSRF-checked) only
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# OpenID Connect at /sso/oidc/login/callback/ (the redirect URI to register), not /sso/oidc/oidc/….
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = ""
# --- end of Sign-in ------------------------------------------------------------------------

# Languages: Simplified Chinese by default, English on request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (evidence): on the local disk under MEDIA_ROOT by default. Any storage of
# Django's storage API may hold them instead: FILE_STORAGE_BACKEND names its class and
# FILE_STORAGE_OPTIONS (a JSON object) its options, e.g. django-storages' S3 backend
# ("storages.backends.s3.S3Storage", {"bucket_name": "…", "endpoint_url": "…"}; its credentials
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), once that package is installed.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "media/"  # never served: evidence is streamed by its own view, after the check
FILE_STORAGE_BACKEND = env_str(
    "FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
FILE_STORAGE_OPTIONS = env_json_object("FILE_STORAGE_OPTIONS")
STORAGES = {
    "default": {"BACKEND": FILE_STORAGE_BACKEND, "OPTIONS": FILE_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: an import file may be at most 5 MB; anything larger is refused before it is read.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
# The rating grid posts six fields a row, up to 400 rows a page (Django's default is 1000).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 3000
# What reading one import file (hrperf.lib.tables) may take; more is refused, naming the limit.
# Rows count blank ones too; the time stays below gunicorn's 30 s worker timeout.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 250_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 3_000_000)
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 20)
# An Excel workbook is a zip archive of XML parts, checked before it is opened
# (hrperf.lib.workbooks): openpyxl reads each part whole except the worksheets, which it streams.
XLSX_MAX_PARTS = env_int("XLSX_MAX_PARTS", 500)
XLSX_MAX_PART_BYTES = env_int("XLSX_MAX_PART_MB", 8) * 1024 * 1024
XLSX_MAX_SHEET_BYTES = env_int("XLSX_MAX_SHEET_MB", 64) * 1024 * 1024
XLSX_MAX_UNPACKED_BYTES = env_int("XLSX_MAX_UNPACKED_MB", 100) * 1024 * 1024
XLSX_MAX_RATIO = env_int("XLSX_MAX_RATIO", 200)
# The quarter's figures file (one row per review x KPI line) is read with limits of its own,
# large enough for 100 000 employees x 4 KPIs; every other import keeps the limits above.
FIGURES_MAX_UPLOAD_BYTES = env_int("FIGURES_MAX_UPLOAD_MB", 64) * 1024 * 1024
FIGURES_MAX_ROWS = env_int("FIGURES_MAX_ROWS", 500_000)
FIGURES_MAX_CELLS = env_int("FIGURES_MAX_CELLS", 6_000_000)
FIGURES_MAX_SECONDS = env_int("FIGURES_MAX_SECONDS", 100)
FIGURES_XLSX_MAX_SHEET_BYTES = env_int("FIGURES_XLSX_MAX_SHEET_MB", 400) * 1024 * 1024
FIGURES_XLSX_MAX_UNPACKED_BYTES = env_int("FIGURES_XLSX_MAX_UNPACKED_MB", 450) * 1024 * 1024
# Evidence files (evidence/): each at most EVIDENCE_MAX_FILE_MB, those of one review and
# purpose (its self-assessment, its appeals) at most EVIDENCE_MAX_TOTAL_MB together, and at
# most EVIDENCE_MAX_FILES on one self-assessment or appeal.
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_MB", 10) * 1024 * 1024
EVIDENCE_MAX_TOTAL_BYTES = env_int("EVIDENCE_MAX_TOTAL_MB", 30) * 1024 * 1024
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10)

# Security headers (README: Operating); the HTTPS-only ones switch on with SECURE_SSL=1 behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script, nothing from elsewhere (hrperf/headers.py); CSP_REPORT_ONLY=1 only reports.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'",
)
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", default=False)
SESSION_COOKIE_HTTPONLY = True
# A login lasts SESSION_HOURS (8 by default: a working day) from signing in, then asks again.
SESSION_HOURS = env_int("SESSION_HOURS", 8)
if SESSION_HOURS < 1:
    raise ImproperlyConfigured(f"SESSION_HOURS must be at least 1, not {SESSION_HOURS}")
SESSION_COOKIE_AGE = SESSION_HOURS * 60 * 60
_SECURE_SSL = env_bool("SECURE_SSL", default=False)
SESSION_COOKIE_SECURE = _SECURE_SSL
CSRF_COOKIE_SECURE = _SECURE_SSL
SECURE_SSL_REDIRECT = _SECURE_SSL
if _SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HSTS for a year unless SECURE_HSTS_SECONDS says otherwise.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    # Load balancers check /healthz over plain HTTP, from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)  # TLS from the start, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hrperf@localhost")

# Celery: Redis as broker and result store, JSON only, acknowledged after the work is done.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
# When Redis does not answer, a request must not wait for it: connecting may take at most
# REDIS_CONNECT_TIMEOUT seconds, a reply REDIS_SOCKET_TIMEOUT seconds, and queueing a task
# tries PUBLISH_RETRIES times more; then the task is left to the sweep (see below).
REDIS_CONNECT_TIMEOUT = env_int("REDIS_CONNECT_TIMEOUT", 1)
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT", 5)
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task whose worker died is delivered again after this many seconds (late acknowledgement).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 5 * 60),
    # How often a running worker looks for tasks whose worker died (kombu's default: 100 s).
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": env_int("PUBLISH_RETRIES", 1),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The result store (for whoever waits on a task by hand; the services wait on no result): the
# same bounds, instead of Celery's 20 reconnection attempts a second apart.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
# After a task could not be queued, this process leaves the broker alone for this many seconds
# (what it would have queued is left to the sweep too).
PUBLISH_PAUSE = env_int("PUBLISH_PAUSE", 10)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
# Without a broker (the zero-setup `make run`), tasks run in the web process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "hrperf")
# Reviews generated or scored per transaction by the cycle jobs.
REVIEWS_CHUNK_SIZE = env_int("REVIEWS_CHUNK_SIZE", 2000)
# A running cycle job holds it this long after each chunk; a job whose worker died is taken
# over once its hold has run out.
CYCLE_JOB_LEASE = env_int("CYCLE_JOB_LEASE", 5 * 60)
# Runners that share one rescore job (PostgreSQL; each takes the next free reviews): the run
# that claims the job queues this many less one more. 1 keeps one runner per job.
REVIEWS_JOB_PARALLELISM = env_int("REVIEWS_JOB_PARALLELISM", 2)
# One PDF of many review forms (printouts/): forms rendered per chunk, and the hold of a running
# print job (renewed by each chunk; a job whose worker died is taken over once it runs out).
PRINTOUTS_CHUNK_SIZE = env_int("PRINTOUTS_CHUNK_SIZE", 10)
# Processes of their own that render parts side by side (1: in the worker's own process).
PRINTOUTS_PROCESSES = env_int("PRINTOUTS_PROCESSES", 2)
PRINTOUTS_LEASE = env_int("PRINTOUTS_LEASE", 5 * 60)
# The sweep (reviews.services.sweep, run by the beat every SWEEP_INTERVAL seconds, see
# hrperf/celery.py) queues again the background work that is due and has waited more than
# SWEEP_GRACE seconds: work whose task was lost, or never queued because the broker was down.
SWEEP_GRACE = env_int("SWEEP_GRACE", 60)

# Cache (throttling counters): Redis when the REDIS_URL environment variable is set, otherwise
# each process's own memory (local use without Redis; the limits then count per process). There
# is no separate CACHE_URL: the cache shares Redis with Celery, under the key prefix "hrperf".
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hrperf",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_CONNECT_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hrperf",
        }
    }

# Health check (/healthz): the worker counts as alive if its heartbeat is at most this old.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)

# Webhooks may target private or loopback addresses only when this is on (on with DEBUG).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", default=DEBUG)

# Notifications (notifications/): the product's address for the links in messages, retries of
# a failed delivery, the hours of the daily digest and of the deadline reminders.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", SITE_URL):
    raise ImproperlyConfigured(
        "SITE_URL must be the product's address, such as https://hrperf.example.com, "
        f"not {SITE_URL!r}"
    )


def _retry_delays() -> tuple[int, ...]:
    raw = env_str("NOTIFY_RETRY_DELAYS", "30,120,600,1800,3600").strip()
    if not re.fullmatch(r"[0-9]{1,6}(,[0-9]{1,6}){0,19}", raw) or "0" in raw.split(","):
        raise ImproperlyConfigured(
            "NOTIFY_RETRY_DELAYS must be seconds to wait after each failed attempt, comma "
            f"separated, each above 0, such as 30,120,600; not {raw!r}"
        )
    return tuple(int(part) for part in raw.split(","))


def _hour(name: str, default: int) -> int:
    value = env_int(name, default)
    if not 0 <= value <= 23:
        raise ImproperlyConfigured(f"{name} must be an hour from 0 to 23, not {value}")
    return value


NOTIFY_RETRY_DELAYS = _retry_delays()
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
if not 1 <= NOTIFY_MAX_ATTEMPTS <= 50:
    raise ImproperlyConfigured(f"NOTIFY_MAX_ATTEMPTS must be 1 to 50, not {NOTIFY_MAX_ATTEMPTS}")
NOTIFY_DIGEST_HOUR = _hour("NOTIFY_DIGEST_HOUR", 8)
NOTIFY_REMINDER_HOUR = _hour("NOTIFY_REMINDER_HOUR", 9)
# Working days before a deadline that its reminder goes.
NOTIFY_DEADLINE_NOTICE = env_int("NOTIFY_DEADLINE_NOTICE", 2)
if not 0 <= NOTIFY_DEADLINE_NOTICE <= 30:
    raise ImproperlyConfigured(
        f"NOTIFY_DEADLINE_NOTICE must be 0 to 30 working days, not {NOTIFY_DEADLINE_NOTICE}"
    )
# The day's deadline reminders are worked out in parts of this many people, each part a task of
# its own, so that several workers share them (notifications.services.daily).
NOTIFY_REMINDER_PART = env_int("NOTIFY_REMINDER_PART", 500)
if not 1 <= NOTIFY_REMINDER_PART <= 10_000:
    raise ImproperlyConfigured(
        f"NOTIFY_REMINDER_PART must be 1 to 10000 people, not {NOTIFY_REMINDER_PART}"
    )


def _robot_hosts() -> dict[str, tuple[str, ...]]:
    """NOTIFY_ROBOT_HOSTS: the hosts each group robot platform may be reached at, as
    "feishu=open.feishu.cn|open.larksuite.com;dingtalk=…;wecom=…". A host is "name" or
    "name:port" (https), or "http://name:port" for a local stand-in; a platform left out keeps
    its documented hosts (notifications/robots.py)."""
    hosts = {
        "feishu": ("open.feishu.cn", "open.larksuite.com"),
        "dingtalk": ("oapi.dingtalk.com",),
        "wecom": ("qyapi.weixin.qq.com",),
    }
    host = r"(http://)?([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:[0-9]{1,5})?"
    for item in filter(None, (part.strip() for part in env_str("NOTIFY_ROBOT_HOSTS").split(";"))):
        name, _sep, values = (text.strip().lower() for text in item.partition("="))
        listed = tuple(value.strip() for value in values.split("|"))
        if name not in hosts or not all(re.fullmatch(host, value) for value in listed):
            raise ImproperlyConfigured(
                "NOTIFY_ROBOT_HOSTS must be platform=host|host;… with platforms feishu, "
                "dingtalk or wecom and hosts such as open.feishu.cn, host:port or "
                f"http://127.0.0.1:8080, not {item!r}"
            )
        hosts[name] = listed
    return hosts


NOTIFY_ROBOT_HOSTS = _robot_hosts()

# Calibration (the quarter's leniency and 9-box pages). Numbers as plain decimals ("0.5", "85").
_CALIBRATION_NUMBER = r"[0-9]{1,3}(?:\.[0-9]{1,2})?"


def _calibration_gap() -> Decimal:
    """CALIBRATION_LENIENCY_GAP: how far (in rating points, 1-5) a department's mean rating by
    an assessor may stray from the division's before the leniency page flags it."""
    raw = env_str("CALIBRATION_LENIENCY_GAP", "0.50").strip()
    if not re.fullmatch(_CALIBRATION_NUMBER, raw) or not Decimal(0) < Decimal(raw) <= Decimal(4):
        raise ImproperlyConfigured(
            "CALIBRATION_LENIENCY_GAP must be a number of rating points above 0 and at most 4, "
            f"such as 0.50, not {raw!r}"
        )
    return Decimal(raw).quantize(Decimal("0.01"))


def _ninebox_cuts() -> tuple[Decimal, Decimal]:
    """CALIBRATION_NINEBOX_CUTS: the two cut-points "low,high" of the 9-box, the same on both
    axes (KPI score and competency score, 0-100+): below low is low, from low to below high is
    middle, high and above is high."""
    raw = env_str("CALIBRATION_NINEBOX_CUTS", "70,85").strip()
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) == 2 and all(re.fullmatch(_CALIBRATION_NUMBER, part) for part in parts):
        low, high = Decimal(parts[0]), Decimal(parts[1])
        if Decimal(0) < low < high:
            return low, high
    raise ImproperlyConfigured(
        "CALIBRATION_NINEBOX_CUTS must be two scores, the lower first, separated by a comma, "
        f"such as 70,85 (below 70 low, 70 to below 85 middle, 85 and above high), not {raw!r}"
    )


CALIBRATION_LENIENCY_GAP = _calibration_gap()
CALIBRATION_NINEBOX_CUTS = _ninebox_cuts()


def _rate(name: str, default: str) -> str:
    """A request rate such as "120/min" (per second, minute, hour or day)."""
    value = env_str(name, default).strip()
    if not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 120/min (per s, min, hour or day), not {value!r}"
        )
    return value


# REST API: token or session authentication, one error shape, per-token request rates.
API_RATE_PAYROLL = _rate("API_RATE_PAYROLL", "600/min")
API_RATE_HR = _rate("API_RATE_HR", "600/min")
# Failed authentications (a wrong, revoked or expired token, no or a lapsed session) per client
# address: beyond this rate the API answers 429 with Retry-After instead of 401.
API_RATE_AUTH_FAILURES = _rate("API_RATE_AUTH_FAILURES", "30/min")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "hrperf.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hrperf.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "hrperf.api.permissions.HrApi",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["hrperf.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"payroll": API_RATE_PAYROLL, "hr": API_RATE_HR},
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        # The browsable API, for local development only.
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PARSER_CLASSES": [
        "hrperf.api.parsers.JSONParser",
        "hrperf.api.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "hrperf.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hrperf API",
    "DESCRIPTION": (
        "Quarterly performance reviews of the marketing division.\n\n"
        "**Authentication**: `Authorization: Token hrp_…` (a token HR makes on the API clients "
        "page), `Authorization: Token hrpu_…` (a personal token of HR or the director, made on "
        "their My API tokens page: its holder acts as that person), or the browser session. A "
        "`payroll` token may only read the payroll scores; an `hr` token may do what HR may "
        "do.\n\n"
        '**Errors**: every error answers `{"error": {"code", "message", "fields"}}` '
        "(the `Error` schema); `code` is stable, `message` is in the language of "
        "`Accept-Language` (zh-hans or en).\n\n"
        "**Limits**: requests per token and minute (429 with `Retry-After` beyond them); "
        "failed authentications per address and minute (429 with `Retry-After` beyond them); "
        "request bodies up to 6 MB (413 beyond).\n\n"
        "**Webhooks**: `review.approved` and `review.reopened` are POSTed to a client's "
        'webhooks, signed in `X-Hrperf-Signature: sha256=HMAC(secret, timestamp + "." + '
        "body)` with the timestamp of `X-Hrperf-Timestamp`."
    ),
    "VERSION": "1",
    "SERVERS": [],
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A quarter's jobs and PDF jobs share a `status` of the same values: one name for both.
    "ENUM_NAME_OVERRIDES": {"JobStatusEnum": "reviews.models.CycleJob.Status"},
}

# One console for everything: Django's own loggers write through the root's handler only (not
# also through Django's default console), and a refused request (4xx) logs one line, no traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "hrperf.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["client_errors"]},
        "django.security": {"filters": ["client_errors"]},
        # django-axes tells of every failed sign-in at INFO: only its lockouts and warnings.
        "axes": {"level": "WARNING"},
        # WeasyPrint (printouts/) tells of every step of every chunk at INFO; fontTools too.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
