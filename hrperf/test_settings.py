"""Settings for the test suite: the real ones, with a fast password hasher and mail kept in memory.

DATABASE_URL and REDIS_URL come from the environment as usual; without DATABASE_URL the tests
use SQLite, and the tests that need PostgreSQL, Redis or a worker skip with the reason.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

from hrperf.settings import *  # noqa: F403
from hrperf.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Test workers listen on their own queue, so a worker left running elsewhere steals nothing.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "hrperf-test")
CELERY_TASK_ALWAYS_EAGER = False
# Serve static files straight from the apps' folders: the browser tests need the stylesheets
# and nothing has run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The suite makes many anonymous and bad-token calls from one address within a minute; the
# tests of the failed-authentication limit set their own (test_throttling_auth_failures.py).
API_RATE_AUTH_FAILURES = "1000000/min"
# Printing renders in the test's own process (the worker tests' worker uses the default).
PRINTOUTS_PROCESSES = int(os.environ.get("PRINTOUTS_PROCESSES", "1"))
