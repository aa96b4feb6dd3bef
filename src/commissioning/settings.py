"""Django settings for the commissioning web app.

Configuration comes from the environment, never from the repository:
- ``DATABASE_URL``: e.g. ``postgres://user:pass@127.0.0.1:5432/commissioning``; default is a
  SQLite file ``commissioning.sqlite3`` in the data folder.
- ``COMMISSIONING_DATA``: the data folder (default ``./data``).
- ``COMMISSIONING_SECRET_KEY`` or ``COMMISSIONING_SECRET_KEY_FILE``: the signing key; when neither
  is set a random key is generated once and kept in the data folder (mode 600).
- ``COMMISSIONING_DEBUG=1`` for development only.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from commissioning.store.database import database_settings

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COMMISSIONING_DATA", "data")).resolve()


def _secret_key() -> str:
    if key := os.environ.get("COMMISSIONING_SECRET_KEY"):
        return key
    if key_file := os.environ.get("COMMISSIONING_SECRET_KEY_FILE"):
        return Path(key_file).read_text().strip()
    path = DATA_DIR / "secret_key"
    try:
        if path.exists():
            return path.read_text().strip()
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
    except OSError:
        # A read-only data folder: a per-process key (sessions will not survive a restart).
        return secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("COMMISSIONING_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "COMMISSIONING_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "commissioning.store",
    "commissioning.web",
    "commissioning.evidence",
    "commissioning.reports",
    "commissioning.networks",
    "commissioning.provider_selection",
    "commissioning.contracts",
    "commissioning.work",
    "commissioning.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "commissioning.web.middleware.SecurityHeadersMiddleware",
    "commissioning.web.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for browsers that accept gzip (a monitoring page at ICB scale: 2.2 MB of
    # HTML). After WhiteNoise, which serves static files itself. Django's GZipMiddleware pads each
    # response by a random length and CSRF tokens are masked: its defences against BREACH. Ours
    # is Django's at a faster compression level.
    "commissioning.web.middleware.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commissioning.web.middleware.LoginRequiredMiddleware",
    "commissioning.web.middleware.AuditMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into commissioning.web.throttle's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commissioning.web.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commissioning.web.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "commissioning.wsgi.application"

DATABASES = {"default": database_settings(os.environ.get("DATABASE_URL"), DATA_DIR)}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served from the installed package (WhiteNoise finders); set a root only when
# an operator wants `collectstatic` for a separate web server.
STATIC_ROOT = os.environ.get("COMMISSIONING_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the installed package: no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- signing in (commissioning.web.throttle; docs/guide/access.md) ------------------------------
# django-axes checks every authentication first: an account locked by failed attempts is refused
# before its password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = ["username"]  # by account only: never a whole office behind one proxy
AXES_FAILURE_LIMIT = 10  # the 10th failure locks the account...
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)  # ...for 15 minutes from that failure,
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # however often it is tried meanwhile
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears the account's failures
AXES_LOCKOUT_CALLABLE = "commissioning.web.throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "commissioning.web.throttle.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in, listed in the admin
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not logged (the audit trail has changes)
AXES_ENABLE_ADMIN = False  # the admin lists come from commissioning.web.admin, under the policy
# axes.W006 warns that locking by username alone can be dodged by changing the browser's
# User-Agent: not so here, the failures of every row for the username are added up
# (tests/integration/security/test_throttle.py checks it with new addresses and browsers).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_THROTTLE_SLOW_AFTER = 5  # from the 5th failure on, each attempt waits...
LOGIN_THROTTLE_DELAY = 2.0  # ...2 seconds before its password is checked

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("COMMISSIONING_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Worked-out results of the heavy pages, kept in each server process's memory until the records
# change (commissioning.store.computed); COMMISSIONING_CACHE_SECONDS=0 turns keeping off.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "commissioning",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
}
_cache_seconds = os.environ.get("COMMISSIONING_CACHE_SECONDS", "600")
if not _cache_seconds.strip().isdigit():
    raise SystemExit(
        "COMMISSIONING_CACHE_SECONDS must be a whole number of seconds (0 turns keeping off), "
        f"not {_cache_seconds!r}"
    )
COMMISSIONING_CACHE_SECONDS = int(_cache_seconds)

DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
