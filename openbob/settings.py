"""Django settings for OpenBoB, read from environment variables (see README "Configuration")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from openbob.config import env, env_bool, load_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
OPENBOB_ENV = env("OPENBOB_ENV", "development")
PRODUCTION = OPENBOB_ENV == "production"
DEMO = env_bool("OPENBOB_DEMO", default=False) and not PRODUCTION
DATA_DIR = Path(env("OPENBOB_DATA_DIR", str(BASE_DIR / "var"))).resolve()

_secrets = load_secrets(production=PRODUCTION, data_dir=DATA_DIR)
SECRET_KEY = _secrets.secret_key
OPENBOB_FIELD_KEYS = _secrets.field_keys
OPENBOB_BLIND_INDEX_KEY = _secrets.blind_index_key
OPENBOB_AUDIT_KEY = _secrets.audit_key

DEBUG = env_bool("OPENBOB_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = [h for h in env("OPENBOB_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("OPENBOB_CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_URL = env("OPENBOB_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "openbob.agencies",
    "openbob.accounts",
    "openbob.book",
    "openbob.audit",
    "openbob.imports",
    "openbob.api",
    "openbob.exports",
    "openbob.alerts",
    "openbob.retention",
    "openbob.reports",
    "openbob.delegations",
    "openbob.scheduling",
    "openbob.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openbob.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openbob.accounts.middleware.SessionLifetimeMiddleware",
    "openbob.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openbob.portal.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "openbob.urls"
WSGI_APPLICATION = "openbob.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"

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
                "openbob.portal.context.navigation",
                "openbob.exports.context.exports",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    """SQLite (WAL) by default; any DATABASE_URL otherwise (PostgreSQL is the scale path)."""
    default_url = f"sqlite:///{DATA_DIR / 'openbob.sqlite3'}"
    url = env("OPENBOB_TEST_DATABASE_URL") or env("DATABASE_URL", default_url)
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if test_name := env("OPENBOB_TEST_DATABASE_NAME"):
        # Lets two test runs share one PostgreSQL server without dropping each other's
        # test database (pytest-django names it test_<NAME> otherwise).
        config["TEST"] = {"NAME": test_name}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA cache_size=-64000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: 15 minutes idle (refreshed on every request), 12 hours absolute (middleware).
SESSION_COOKIE_AGE = 15 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OPENBOB_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
OPENBOB_SUDO_SECONDS = 10 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-openbob"
    CSRF_COOKIE_NAME = "__Host-openbob-csrf"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("OPENBOB_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "files"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Exports: where files are written, how long links and files live, and the worker lease.
OPENBOB_EXPORT_DIR = Path(env("OPENBOB_EXPORT_DIR", str(DATA_DIR / "exports")))
OPENBOB_EXPORT_LINK_SECONDS = int(env("OPENBOB_EXPORT_LINK_SECONDS", "3600"))
OPENBOB_EXPORT_RETENTION_HOURS = int(env("OPENBOB_EXPORT_RETENTION_HOURS", "24"))
OPENBOB_EXPORT_LEASE_SECONDS = int(env("OPENBOB_EXPORT_LEASE_SECONDS", "900"))

# Retention Workspace: the month-day renewal season opens (cases are created from then on).
OPENBOB_RETENTION_SEASON_OPENS = env("OPENBOB_RETENTION_SEASON_OPENS", "10-01")

# Uploads: the largest request body accepted, and up to which size a file is imported
# inside the request (larger ones go to the worker).
OPENBOB_UPLOAD_MAX_BYTES = int(env("OPENBOB_UPLOAD_MAX_BYTES", str(100 * 1024 * 1024)))
OPENBOB_IMPORT_INLINE_MAX_BYTES = int(env("OPENBOB_IMPORT_INLINE_MAX_BYTES", str(5 * 1024 * 1024)))

# Alerts: the Pacific wall-clock time of the daily summaries, and the lease after which a
# worker's claim on a day (or on one email) is taken over by another worker.
OPENBOB_ALERTS_SUMMARY_TIME = env("OPENBOB_ALERTS_SUMMARY_TIME", "06:00")
OPENBOB_ALERTS_LEASE_SECONDS = int(env("OPENBOB_ALERTS_LEASE_SECONDS", "1800"))

# Delegation tool: how one-time passcodes reach the consumer's phone ("console" prints
# them, "email" mails <10 digits>@OPENBOB_SMS_EMAIL_DOMAIN, an email-to-SMS gateway), and
# how long a passcode lives.
OPENBOB_SMS_BACKEND = env("OPENBOB_SMS_BACKEND", "console")
OPENBOB_SMS_EMAIL_DOMAIN = env("OPENBOB_SMS_EMAIL_DOMAIN")
OPENBOB_PASSCODE_SECONDS = int(env("OPENBOB_PASSCODE_SECONDS", "600"))

EMAIL_HOST = env("OPENBOB_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(env("OPENBOB_SMTP_PORT", "25"))
EMAIL_HOST_USER = env("OPENBOB_SMTP_USER")
EMAIL_HOST_PASSWORD = env("OPENBOB_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("OPENBOB_SMTP_STARTTLS", default=PRODUCTION)
DEFAULT_FROM_EMAIL = env("OPENBOB_EMAIL_FROM", "OpenBoB <no-reply@openbob.localhost>")
if not PRODUCTION and not env("OPENBOB_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("OPENBOB_LOG_LEVEL", "WARNING")},
}
