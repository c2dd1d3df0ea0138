"""Tests: the real PostgreSQL and Redis, a fast hasher, plain HTTP, a separate cache prefix."""

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, REDIS_URL, env

DEBUG = False
SECRET_KEY = "test-only:8fJ2kLm9Qw3Er5Ty7Ui1Op0As4Df6Gh8Jk2Lz5Xc7Vb9Nm1Qa3Ws5Ed7Rf9Tg"
ALLOWED_HOSTS = ["*"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests use their own Redis database and, under pytest-xdist, a key prefix per worker, so
# clearing one test's throttles never touches another's or the development data.
CACHES["default"]["LOCATION"] = env.str(
    "TEST_REDIS_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/15"
)
CACHES["default"]["KEY_PREFIX"] = "-".join(
    [
        "reqhub-test",
        env.str("TEST_DATABASE_NAME", default=""),
        env.str("PYTEST_XDIST_WORKER", default="main"),
    ]
)
# Several suites may run at once on one machine (developers, helpers): each names its own.
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env.str("TEST_DATABASE_NAME")
# Tests run inside one transaction that other connections cannot see; the tests of the
# parallel re-score turn this up on committed data.
RESCORE_CONNECTIONS = 1
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks queued by tests (after commit) never reach the development broker: they go to a test
# database under a per-run prefix, which tests/conftest.py clears when the run ends.
CELERY_BROKER_URL = env.str("TEST_CELERY_BROKER_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/13")
_run = [
    env.str("TEST_DATABASE_NAME", default="main"),
    env.str("PYTEST_XDIST_WORKER", default="main"),
]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A worker process started by a test is told its prefix through the environment.
    "global_keyprefix": env.str(
        "CELERY_BROKER_KEY_PREFIX", default="reqhub-test-unconsumed-" + "-".join(_run) + ":"
    ),
}
