"""FAME settings: one module, driven by the environment, failing fast with a hint.

FAME_ENV chooses the mode:
- ``development`` (default): safe, obvious defaults; SQLite under ``var/``.
- ``test``: as development, with fast password hashing for the test suite.
- ``production``: refuses to start without FAME_SECRET_KEY and FAME_ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
FAME_ENV = os.environ.get("FAME_ENV", "development")
if FAME_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"FAME_ENV is {FAME_ENV!r}; set it to development, test or production."
    )
PRODUCTION = FAME_ENV == "production"

# Where this process keeps its database, keys and demo files.
DATA_DIR = Path(os.environ.get("FAME_DATA_DIR", BASE_DIR / "var")).resolve()


def get_env_var(name: str, *, hint: str, default: str | None = None) -> str:
    """Read a setting from the environment; in production a missing one stops start-up."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if PRODUCTION or default is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}: {hint}")
    return default


def env_number(name: str, default: float, *, low: float, high: float) -> float:
    """A number from the environment, between ``low`` and ``high``, or stop with a hint."""
    text = os.environ.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise ImproperlyConfigured(
            f"{name} is {text!r}; set it to a number from {_shown(low)} to {_shown(high)} "
            f"(or leave it unset for {_shown(default)})."
        )
    return value


def _shown(number: float) -> str:
    """A number as a person would write it: whole numbers in full (67108864, not 6.7e+07)."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def env_whole_number(name: str, default: int, *, low: int, high: int) -> int:
    value = env_number(name, default, low=low, high=high)
    if value != int(value):
        raise ImproperlyConfigured(f"{name} is {value:g}; set it to a whole number.")
    return int(value)


SECRET_KEY = get_env_var(
    "FAME_SECRET_KEY",
    hint="a long random string, for example from "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
    default="development-only-secret-key-never-use-in-production",
)
if PRODUCTION and (len(SECRET_KEY) < 50 or "development" in SECRET_KEY):
    raise ImproperlyConfigured(
        "Set the environment variable FAME_SECRET_KEY to a real secret of at least 50 characters."
    )

DEBUG = os.environ.get("FAME_DEBUG", "") == "1" and not PRODUCTION
ALLOWED_HOSTS = get_env_var(
    "FAME_ALLOWED_HOSTS",
    hint="a comma-separated list of the host names this service answers to, "
    "for example fame.example.org.",
    default="127.0.0.1,localhost,testserver",
).split(",")

# The role this process plays: hub, node or both (the embedded default).
FAME_ROLE = os.environ.get("FAME_ROLE", "both")
if FAME_ROLE not in {"hub", "node", "both"}:
    raise ImproperlyConfigured(f"FAME_ROLE is {FAME_ROLE!r}; set it to hub, node or both.")
# Federation: this process's name as a node (the audience of user assertions),
# the origin it answers on (a request signed for another is wrongly addressed),
# and, for a node, where the hub is.
FAME_NODE_NAME = os.environ.get("FAME_NODE_NAME", "embedded")
FAME_PUBLIC_URL = os.environ.get("FAME_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
FAME_HUB_URL = os.environ.get("FAME_HUB_URL", FAME_PUBLIC_URL).rstrip("/")
# The CA bundle that signed the other side's certificate, for calls between hub and
# nodes over HTTPS (a region's own CA); unset, the public CAs of the certifi bundle.
FAME_TLS_CA_FILE = os.environ.get("FAME_TLS_CA_FILE", "").strip()
if FAME_TLS_CA_FILE and not Path(FAME_TLS_CA_FILE).is_file():
    raise ImproperlyConfigured(
        f"FAME_TLS_CA_FILE is {FAME_TLS_CA_FILE!r}, which is not a file; set it to the "
        "region's CA certificate (PEM), or leave it unset."
    )
FAME_FEDERATION_TIMEOUT = env_number("FAME_FEDERATION_TIMEOUT", 1.5, low=0.1, high=60)
FAME_OUTBOX_MAX_BACKOFF = env_number("FAME_OUTBOX_MAX_BACKOFF", 30, low=0.01, high=86400)
# (the hub takes at most 2,000 updates a delivery: fame.federation.ingest.MAX_BATCH)
FAME_OUTBOX_BATCH = env_whole_number("FAME_OUTBOX_BATCH", 1000, low=1, high=2000)
FAME_AUDIT_PUBLISH_SECONDS = env_number("FAME_AUDIT_PUBLISH_SECONDS", 60, low=0.1, high=86400)
# How often a served process's sequencer adds recorded audit events to the log and signs
# a tree head (ADR 0041): the most an event waits outside a signed head, beyond one round.
FAME_AUDIT_SEQUENCE_SECONDS = env_number("FAME_AUDIT_SEQUENCE_SECONDS", 0.5, low=0.01, high=60)
# The largest body a /federation/ request may have: over it, 413 before anything reads it.
# The largest legal request is a delivery of 2,000 index updates (MAX_BATCH): 1.24 MB for
# the 2,000 largest records of a synthetic region (docs/adr/0019).
FAME_API_MAX_BODY = env_whole_number(
    "FAME_API_MAX_BODY", 2 * 1024 * 1024, low=64 * 1024, high=64 * 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, FAME_API_MAX_BODY)
# The largest evidence document a readiness respondent may upload (5 MB unless set).
FAME_READINESS_MAX_UPLOAD = env_whole_number(
    "FAME_READINESS_MAX_UPLOAD", 5 * 1024 * 1024, low=1024, high=100 * 1024 * 1024
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "fame.web",
    "fame.audit",
    "fame.accounts",
    "fame.synth",
    "fame.linkage",
    "fame.sharing",
    "fame.index",
    "fame.federation",
    "fame.node",
    "fame.caf",
    "fame.demonstrator",
    "fame.readiness",
    "fame.guidance",
    "fame.benefits",
    "fame.reports",
    "fame.directory",
    "fame.deploy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fame.federation.middleware.FederationApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fame.web.middleware.SessionLifetimeMiddleware",
    "fame.accounts.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "fame.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fame.urls"
WSGI_APPLICATION = "fame.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "fame.web.jinja.FameJinja2",
        "DIRS": [BASE_DIR / "fame" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "fame.web.jinja.environment",
            "autoescape": True,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "fame.web.context.page_context",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
# Matplotlib (the readiness charts) keeps its font cache under the data folder, which the
# process may write, rather than in a home folder a service account does not have.
os.environ.setdefault("MPLCONFIGDIR", str(DATA_DIR / "matplotlib"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'fame.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL with commits not waiting for the disk (checkpoints still do); the WAL
        # copied back into the database every 8,000 pages (32 MiB) rather than 1,000,
        # so that a page written by many consecutive index-update batches is copied
        # once; and the database file read through a memory map, which every
        # connection shares, rather than each connection's own page cache alone.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA wal_autocheckpoint=8000; PRAGMA mmap_size=1073741824;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if FAME_ENV == "test":
    # Argon2id stays the algorithm; the test suite uses cheap parameters.
    PASSWORD_HASHERS = ["fame.accounts.hashers.FastArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:home"

# Sessions: an idle timeout and an absolute lifetime, both enforced by
# fame.web.middleware.SessionLifetimeMiddleware.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(
    minutes=env_whole_number("FAME_IDLE_MINUTES", 20, low=1, high=1440)
)
SESSION_ABSOLUTE_LIFETIME = timedelta(
    hours=env_whole_number("FAME_SESSION_HOURS", 8, low=1, high=168)
)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "fame.web.views.csrf_failure"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Behind the TLS proxy (deploy/nginx): the proxy ends TLS, redirects plain HTTP and
# sets X-Forwarded-Proto on every request it passes on, replacing any the client sent;
# the served processes listen on loopback, where only the proxy reaches them.
FAME_BEHIND_TLS_PROXY = os.environ.get("FAME_BEHIND_TLS_PROXY", "") == "1"
SECURE_SSL_REDIRECT = PRODUCTION and not FAME_BEHIND_TLS_PROXY
if FAME_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

# Two factors: django-otp TOTP with its own throttling; django-axes locks an
# account after repeated failures of either factor.
OTP_TOTP_ISSUER = "FAME"
OTP_TOTP_THROTTLE_FACTOR = 1
AXES_FAILURE_LIMIT = env_whole_number("FAME_LOCKOUT_AFTER", 5, low=1, high=100)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = timedelta(minutes=30)
# A right password alone never clears the count (or the second factor could be
# guessed without end, a password at a time); completing the second factor does
# (fame.accounts.actions.complete_sign_in).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "fame.accounts.views.locked_out"
AXES_VERBOSE = False
# Locking by username alone is deliberate: an account locks whatever address the
# guesses come from, and one office's shared address never locks everyone out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Who may reach child data: enhanced vetting is valid for this many years.
FAME_VETTING_VALID_YEARS = 3
# How long one connection to the demonstrator's live feed lasts before the browser reconnects.
FAME_DEMONSTRATOR_FEED_SECONDS = env_number("FAME_DEMONSTRATOR_FEED_SECONDS", 300, low=0, high=3600)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/assets/"
# No collected copy: WhiteNoise serves the assets from where they are installed (its
# finders, below), so there is no `collectstatic` step and no folder to warn about.
STATIC_ROOT = None
STATICFILES_DIRS = [
    BASE_DIR / "fame" / "static",
    BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("d3", BASE_DIR / "node_modules" / "d3" / "dist"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"fame": {"level": "INFO"}},
}
