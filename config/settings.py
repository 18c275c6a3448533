"""Zeren settings.

With no environment at all this is the embedded default: a SQLite file in the project folder,
the in-memory channel layer, tasks run inline, and a locally generated secret key.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to channels_redis and a Redis cache.
Every value is read through the typed helpers in ``config.env``; a bad value raises
``ImproperlyConfigured`` at start rather than misbehaving later.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"  # git-ignored: the embedded database, generated key, uploads

DEBUG = env_bool("DJANGO_DEBUG", default=False)
PRODUCTION = env_bool("ZEREN_PRODUCTION", default=False)


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when ZEREN_PRODUCTION=1")
    # Embedded default: a key generated once for this checkout, kept out of the repository.
    LOCAL_DIR.mkdir(exist_ok=True)
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
        print(f"Zeren: generated a local secret key in {path} (set DJANGO_SECRET_KEY to use your own).", file=sys.stderr)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_keys() -> dict[str, str]:
    """The keys of the audit chain's MACs (issue 15 item 8), kept outside the database:
    ``ZEREN_AUDIT_KEYS="k2:<secret>,k1:<old secret>"`` — the first signs new events, the others
    still verify older ones (rotation: docs/audit.md). The embedded default generates one in
    ``.local/audit_key``."""
    raw = env_str("ZEREN_AUDIT_KEYS")
    if raw:
        keys: dict[str, str] = {}
        for item in raw.split(","):
            key_id, sep, secret = item.strip().partition(":")
            if not sep or not key_id or len(secret) < 32:
                raise ImproperlyConfigured("ZEREN_AUDIT_KEYS: 'id:secret' pairs, each secret at least 32 characters")
            keys[key_id] = secret
        return keys
    if PRODUCTION:
        raise ImproperlyConfigured("ZEREN_AUDIT_KEYS is required when ZEREN_PRODUCTION=1")
    LOCAL_DIR.mkdir(exist_ok=True)
    path = LOCAL_DIR / "audit_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return {"local": path.read_text().strip()}


AUDIT_KEYS = _audit_keys()
AUDIT_KEY_ID = next(iter(AUDIT_KEYS))
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",  # first, so runserver serves ASGI and WebSockets (STACK pitfall 6)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served locally: nothing is downloaded at run time
    "simple_history",
    "viewflow",
    "viewflow.workflow",
    "channels",
    "axes",
    "core",
    "org",
    "rulebooks",
    "duties",
    "cases",
    "appraisal",
    "workflows",
    "notifications",
    "web",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Errors under /api/ that no DRF view shaped (an unmatched URL, CSRF, a 500) keep the error shape.
    "core.api.middleware.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ZerenLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL bytes, lone surrogates and oversized bodies answered 400/413 before any view (issue 15).
    "core.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.context_processors.zeren_nav",
            ],
        },
    },
]
WSGI_APPLICATION = None
ASGI_APPLICATION = "config.asgi.application"

# --- Database -------------------------------------------------------------------------------
_database_url = env_url("DATABASE_URL", {"postgres", "postgresql", "sqlite"})
if _database_url:
    DATABASES = {"default": environ.Env.db_url_config(_database_url)}
else:
    LOCAL_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": LOCAL_DIR / "zeren.sqlite3",
            # A file, not memory, so concurrency tests get real separate connections; one per
            # test process, so parallel runs never share it.
            "TEST": {"NAME": str(LOCAL_DIR / f"test-zeren-{os.getpid()}.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite, the embedded default or a ``sqlite:///`` URL, made to hold concurrent writers
    # (docs/deployment.md, "The embedded database under concurrent users"):
    # - WAL: readers never wait for a writer, nor a writer for readers;
    # - every transaction takes the write lock at BEGIN (IMMEDIATE), so two writers queue there
    #   instead of both reading and then one failing at once on upgrading its lock;
    # - a writer waits up to ZEREN_SQLITE_BUSY_TIMEOUT seconds for the lock; what still cannot
    #   get it is answered 409 ``concurrent_modification`` (core.api.errors), never 500.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("ZEREN_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # models.W040: SQLite has no covering indexes, so the ``include=`` columns of
    # cases.Case's ``case_source_created_idx`` are dropped there and the index still works on its
    # key columns. The include is for PostgreSQL (an index-only read of the referred cases), so
    # the index stays as it is and the warning is silenced on SQLite only; on PostgreSQL every
    # check still runs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_SERVER_SIDE_BINDING", True):
    # psycopg 3 sends the parameters apart from the statement, so a statement sent five times on
    # a connection is prepared and PostgreSQL stops planning it again (issue 17).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ---------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss", "unix"})
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "notifications.layers.RedisChannelLayer",  # channels_redis, reading again after a hiccup
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env_str("ZEREN_CHANNEL_PREFIX", "zeren")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("ZEREN_CACHE_PREFIX", "zeren"),
        }
    }
else:
    # Per process only: the embedded default and single-process tests.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Every ZEREN_WS_HEALTH_SECONDS each server process checks, in one batch per Redis shard, that
# Redis still holds the group memberships of its open WebSockets; a socket whose subscription is
# gone (Redis restarted, flushed or evicted it) is closed with 4503 and live.js reconnects and
# replays (notifications.layers.SubscriptionWatch). Only the Redis layer needs it.
ZEREN_WS_HEALTH_SECONDS = env_float("ZEREN_WS_HEALTH_SECONDS", 5.0, minimum=0.1)

# Background work runs inline unless a worker is configured (embedded default).
ZEREN_TASKS_EAGER = env_bool("ZEREN_TASKS_EAGER", default=True)

# --- Auth, i18n -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("ZEREN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = LOCAL_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing folder
# Outside production, serve static files straight from the apps: no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION


def staticfiles_backend(production: bool) -> str:
    """The static files storage: compressed in production only.

    Compressing pays where files are served for months by nginx or whitenoise (production:
    gzip and brotli variants of about 60 MB, minutes of CPU at the first ``collectstatic``; later
    runs reuse the variants of unchanged files, ``config.staticfiles``). Outside
    production whitenoise serves the apps' files directly (WHITENOISE_USE_FINDERS) and
    ``collectstatic`` is a plain copy of a few seconds, so the first start never waits on it.
    """
    if production:
        return "config.staticfiles.CachedCompressedStaticFilesStorage"
    return "django.contrib.staticfiles.storage.StaticFilesStorage"


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": staticfiles_backend(PRODUCTION)},
}
MEDIA_ROOT = Path(env_str("ZEREN_MEDIA_ROOT", str(LOCAL_DIR / "media")))

# --- Duty ledger (PRODUCT §3) ------------------------------------------------------------------
# Evidence files: at most this many bytes each; the type is judged by content, not by name.
ZEREN_EVIDENCE_MAX_BYTES = env_int("ZEREN_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Django refuses larger request bodies outright; leave room for a form with one evidence file.
DATA_UPLOAD_MAX_MEMORY_SIZE = ZEREN_EVIDENCE_MAX_BYTES + 1024 * 1024
# At most this many evidence files in one upload (a service check: the API and the form answer 400
# naming the field). Django's own count stops a request with far more files before any view reads
# it (core.middleware answers that 400 too); it is set above ours so that the form can say why.
ZEREN_EVIDENCE_MAX_FILES = env_int("ZEREN_EVIDENCE_MAX_FILES", 20, minimum=1)
# The top of the scale of an annual safety assessment score (Art. 16, 18). The county text sets no
# scale; 100 (a hundred-point score, the common form of such assessments) is a house default,
# UNVERIFIED against the county's assessment scheme: a county on another scale sets it.
ZEREN_ASSESSMENT_SCORE_MAX = env_int("ZEREN_ASSESSMENT_SCORE_MAX", 100, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = max(ZEREN_EVIDENCE_MAX_FILES * 10, 200)
# Evidence that is a zip package (docx, xlsx, OFD) is inspected before it is stored
# (duties/services/archives.py): at most this many entries, this many bytes once inflated (all
# entries together, as their headers declare and as read), and compressed at most this many to 1.
ZEREN_ARCHIVE_MAX_ENTRIES = env_int("ZEREN_ARCHIVE_MAX_ENTRIES", 1000, minimum=1)
ZEREN_ARCHIVE_MAX_INFLATED = env_int("ZEREN_ARCHIVE_MAX_INFLATED", 100 * 1024 * 1024, minimum=1024 * 1024)
ZEREN_ARCHIVE_MAX_RATIO = env_int("ZEREN_ARCHIVE_MAX_RATIO", 100, minimum=2)
# Two-year blocks (Art. 14 patrols) start in years of this parity. The seed does not say where a
# block starts; the default (UNVERIFIED local reading) counts from 2021, the year it took effect.
ZEREN_TWO_YEAR_ANCHOR = env_int("ZEREN_TWO_YEAR_ANCHOR", 2021, minimum=2000)
# The jurisdiction (a department code) whose rulebook ``manage.py assess`` uses when neither the
# input nor --jurisdiction names one; the national rules when no such department exists.
ZEREN_DEFAULT_JURISDICTION = os.environ.get("ZEREN_DEFAULT_JURISDICTION", "pingluo")

# --- History --------------------------------------------------------------------------------
# Revert would write an old state straight into a row, bypassing transitions (STACK pitfall 4).
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# API tokens (core.auth): one per sign-in, valid this many hours (default a working day), deleted
# on logout, password change and deactivation.
ZEREN_TOKEN_TTL_HOURS = env_int("ZEREN_TOKEN_TTL_HOURS", 8, minimum=1)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ExpiringTokenAuthentication",  # 401 + WWW-Authenticate: Token
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [],
    # The API reads and answers JSON (PRODUCT §9), as its schema says; only the duty-record
    # uploads also read multipart forms (their views say so). Any other body is a 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # No OPTIONS metadata: it is not in the schema, and DRF's builds a form of every action (a 500
    # on an action without a pk); OPTIONS answers 405 with the error shape.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zeren API",
    "DESCRIPTION": "Accountability proceedings under the Pingluo work-safety responsibility rules (2021).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MaterialKindEnum": "cases.models.materials.CaseMaterial.Kind",
        "ReferralKindEnum": "cases.models.Referral.Kind",
        "ExecutionKindEnum": "cases.models.ExecutionTask.Kind",
        "ReferralStateEnum": "cases.models.Referral.State",
        "CrimeKindEnum": "cases.codes.CrimeKind",
        "ExecutionStateEnum": "cases.models.ExecutionTask.State",
        "AppealStateEnum": "cases.models.Appeal.State",
        "AppealRouteEnum": "cases.codes.AppealRoute",
        "AppealStageEnum": "cases.codes.AppealStage",
        "CaseStateEnum": "cases.codes.CaseState",
        "DepartmentKindEnum": "org.codes.DepartmentKind",
        "MoveKindEnum": "org.codes.MoveKind",
        "AwardKindEnum": "appraisal.codes.AwardKind",
        "TransitionNameEnum": "cases.api.serializers.TRANSITION_NAMES",
        # A move recorded through the API: a first appointment is recorded with the cadre.
        "MoveInputKindEnum": [("transfer", "transfer"), ("promotion", "promotion"), ("retirement", "retirement")],
        "RulebookVerificationEnum": "rulebooks.models.Rulebook.Verification",
        "CadreStatusEnum": "org.codes.CadreStatus",
        "LedgerGapStatusEnum": [("missed", "missed"), ("partial", "partial")],
        "InterimKindEnum": "cases.models.InterimMeasure.Kind",
        "InterimStateEnum": "cases.models.InterimMeasure.State",
        "InterimOutcomeEnum": [("absorbed", "absorbed"), ("lifted", "lifted")],
    },
    # ``<id:…>`` (core.converters): a 64-bit row id.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
    # Every operation documents the errors it can answer, in the one shape (issue 15).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
    ],
}

# --- Security -------------------------------------------------------------------------------
# Login throttling (django-axes): after ZEREN_LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked for ZEREN_LOGIN_COOLOFF_MINUTES. The API token
# endpoint goes through the same backend.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("ZEREN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ZEREN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# Behind ZEREN_PROXY_COUNT proxies (nginx: 1) the client's address is read from X-Forwarded-For,
# counted from the right; with 0 only REMOTE_ADDR (config/client_ip.py). django-ipware is not
# installed, so axes' own AXES_IPWARE_* settings would have no effect.
ZEREN_PROXY_COUNT = env_int("ZEREN_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_VERBOSE = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZEREN_LOG_LEVEL", "WARNING")},
}

# Demo users' password (loaddemo); never used outside the demo command.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "zeren-demo")

# --- Celery: background and periodic tasks (issue 7; docs/deploy.md) -------------------------
# ZEREN_TASKS_EAGER=1 (default): no broker and no worker. The outbox is dispatched right after
# each commit in the process that committed (notifications/apps.py), and a task called with
# ``.delay()`` runs inline. ZEREN_TASKS_EAGER=0: each commit queues ``notifications.dispatch_outbox``
# on the broker; ``celery -A config worker`` runs it, ``celery -A config beat`` sends the periodic
# tasks below. The tasks are idempotent (claimed outbox rows, one DeadlineAlert per item and
# stage), so a message delivered twice or a task run by two workers at once does nothing twice.
INSTALLED_APPS += ["django_celery_beat"]  # beat's schedule and last-run times, in the database
_broker_url = env_url("CELERY_BROKER_URL", {"redis", "rediss", "redis+socket", "amqp", "amqps"})
if _broker_url is None and REDIS_URL and not REDIS_URL.startswith("unix:"):
    _broker_url = REDIS_URL  # the same Redis as the channel layer and the cache
if not ZEREN_TASKS_EAGER and _broker_url is None:
    raise ImproperlyConfigured(
        "ZEREN_TASKS_EAGER=0 needs a broker for the Celery worker: set REDIS_URL (redis://…) or CELERY_BROKER_URL"
    )
CELERY_BROKER_URL = _broker_url or "memory://"  # memory: eager tasks never reach a broker
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = ZEREN_TASKS_EAGER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("ZEREN_TASK_QUEUE", "zeren")  # apart from other apps on one Redis
CELERY_TASK_IGNORE_RESULT = True  # a task's effect is rows in the database; nobody waits on a result
CELERY_RESULT_BACKEND = None
CELERY_RESULT_EXPIRES = None  # no results kept, so beat needs no cleanup entry
# A worker that dies mid-task leaves its message to be delivered again (the tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Seeded into django-celery-beat's tables each time beat starts (so these values win over an edit
# in the admin at the next restart; pausing an entry there lasts).
CELERY_BEAT_SCHEDULE = {
    "deadlines": {
        "task": "cases.run_deadlines",
        "schedule": dt.timedelta(seconds=env_int("ZEREN_DEADLINES_INTERVAL_SECONDS", 300, minimum=1)),
    },
    # A safety net: each commit already queues a dispatch; this catches events whose task could
    # not be queued (broker down at that moment) or was lost.
    "notification-outbox": {
        "task": "notifications.dispatch_outbox",
        "schedule": dt.timedelta(seconds=env_int("ZEREN_OUTBOX_SWEEP_SECONDS", 60, minimum=1)),
    },
}
# --- end of Celery ------------------------------------------------------------------------------
