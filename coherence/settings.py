"""Settings for Coherence: one module, read from the environment.

With no variable set, the embedded defaults serve a developer's first `make run`:
DEBUG on, a development secret key, SQLite in the project folder, Celery tasks run
in process once the transaction commits. Production values come only from the
environment (see README.md, "Environment").
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from coherence.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-coherence-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
# The scheme and host that links in mails lead to (mails sent by a worker have no request
# to read them from): by default the first of ALLOWED_HOSTS, over https when DEBUG is off.
_FIRST_HOST = next((h for h in ALLOWED_HOSTS if h not in ("*",) and not h.startswith(".")), "")
SITE_URL = env_url("SITE_URL", ("http", "https")) or (
    f"{'http' if DEBUG else 'https'}://{_FIRST_HOST}{':8000' if DEBUG else ''}"
    if _FIRST_HOST
    else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {_origin!r} must start with http:// or https://"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "coherence",
    "actors",
    "instruments",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "actors.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coherence.urls"
WSGI_APPLICATION = "coherence.wsgi.application"

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
                "actors.context_processors.principal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL is None:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
else:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and the cache --------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "coherence"),
            # Redis gone must cost a request a fraction of a second, not a hang: the API
            # then reads the database and the throttle lets requests through.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The API keeps score bodies until the next write to the scores, which only a cache every
# process shares can learn of (a command's recompute, say): not in the process's own.
API_CACHE_SCORES = REDIS_URL is not None
# Every write to the scores replaces their cache generation; one the cache could not be told
# of (Redis unreachable from the writer) is served at most this long by the other processes.
API_SCORES_GENERATION_SECONDS = env_int("API_SCORES_GENERATION_SECONDS", 30, minimum=1)

# Time limits come from the environment so tests can run a worker with small ones. Every
# task lasts seconds: the full recompute runs as chunks of country-cycles (assessments.tasks).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 45, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60, minimum=1)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be greater than CELERY_TASK_SOFT_TIME_LIMIT."
    )
# A task not acknowledged within the visibility timeout is redelivered: keep it longer
# than the hard limit so a running task is never handed to a second worker, and short, so
# that the task of a worker that died (killed, its machine lost) runs again within minutes.
# With Redis it is one value for every queue (a connection's transport option), sized to
# the longest task, a chunk of the full recompute. Unacknowledged messages are checked
# for every CELERY_UNACKED_RESTORE_INTERVAL seconds: redelivery comes at most
# visibility timeout + that interval after the delivery.
CELERY_VISIBILITY_TIMEOUT = env_int(
    "CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 30, minimum=1
)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be greater than CELERY_TASK_TIME_LIMIT."
    )
CELERY_UNACKED_RESTORE_INTERVAL = env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1)
# A stale score is re-queued once it has been stale this long with no recompute waiting
# in the queues (assessments.catchup; beat checks every minute).
SCORES_REQUEUE_AFTER = env_int("SCORES_REQUEUE_AFTER", 60, minimum=0)
# Seconds a discussion comment waits unread before the other side is mailed it; also the
# least between two discussion mails to one recipient about one assessment
# (assessments.discussion; beat's sweep looks every minute).
DISCUSSION_MAIL_DELAY = env_int("DISCUSSION_MAIL_DELAY", 600, minimum=0)
CELERY_TASK_REJECT_ON_WORKER_LOST = env_bool("CELERY_TASK_REJECT_ON_WORKER_LOST", True)
# Without Redis, tasks run in process; services queue them on commit either way.
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TRACK_STARTED = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": CELERY_UNACKED_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,  # each interval scans (kombu's default: every 10th)
    # A save must not hang when the broker is down: fail fast, the score stays stale.
    "socket_connect_timeout": 0.5,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Queueing a task subscribes to its result: with Redis down Celery's default retries
    # that for 20 seconds, inside the request that saved. Once, at once, then give up.
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 0.5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "celery"
# The full recompute is heavy: it and its chunks have a queue of their own so saves are
# never behind them.
CELERY_TASK_ROUTES = {
    "assessments.tasks.recompute_all": {"queue": "heavy"},
    "assessments.tasks.recompute_country_cycles": {"queue": "heavy"},
}
CELERY_BEAT_SCHEDULE = {
    "nightly-full-recompute": {
        "task": "assessments.tasks.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    # Scores whose recompute was lost (the broker was down at the save) catch up by
    # themselves. Expires: while no worker runs, the minutes' checks do not pile up.
    "requeue-stale-scores": {
        "task": "assessments.tasks.requeue_stale_scores",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The discussion's mails: comments unread for DISCUSSION_MAIL_DELAY are mailed.
    "mail-due-comments": {
        "task": "assessments.tasks.mail_due_comments",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# --- Auth ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Reverse proxies in front of the app that append the client's address to X-Forwarded-For;
# 0 reads the address of the connection itself (a client can't forge it).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Brute force (django-axes): after AXES_FAILURE_LIMIT failed sign-ins an account, and
# separately an address, is refused — the right password too — until the cool-off ends.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not clear the count: it would clear every failure from its address too, so
# one's own account could reset the count against another's.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "actors.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "actors.signin.client_ip"

# Password reset: at most this many mails per address, and requests per client address,
# an hour; every request answers the same, and the mail is sent from a task.
PASSWORD_RESET_PER_ADDRESS = env_int("PASSWORD_RESET_PER_ADDRESS", 3, minimum=1)
PASSWORD_RESET_PER_CLIENT = env_int("PASSWORD_RESET_PER_CLIENT", 20, minimum=1)

# Two-factor authentication (django-otp, TOTP and single-use recovery codes): reviewers and
# administrators must set it up and give a code after the password. On by default in
# production, off by default under DEBUG so `make run` and the demo sign in with a password.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Coherence"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Numbers follow the reader's locale (a decimal comma in French and Spanish). No grouping of
# thousands by default, so years, ids and cycles print plain everywhere; the figures that
# people read go through coherence.numbers (scores: 1 decimal, coverage: whole per cent,
# counts grouped), and the charts take the same marks (Plotly's `separators`).
USE_THOUSAND_SEPARATOR = False

# --- Static files: everything is served from here, nothing from a CDN -----------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # The country profiles' PDFs: rendered by a task, served until the scores change.
    "profiles": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env_str("PROFILES_ROOT", str(BASE_DIR / "media" / "profiles"))},
    },
}

# --- Evidence documents (DESIGN §7): a named storage, never served from a public URL ----
# Local files in EVIDENCE_ROOT (outside the static files) by default; an S3-compatible
# bucket when EVIDENCE_S3_BUCKET is set. Pages and the API serve them through a view that
# checks who may see the assessment.
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT", str(BASE_DIR / "evidence")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
EVIDENCE_MAX_BYTES_PER_ASSESSMENT = env_int(
    "EVIDENCE_MAX_BYTES_PER_ASSESSMENT", 200 * 1024 * 1024, minimum=1
)
EVIDENCE_MAX_FILES_PER_UPLOAD = env_int("EVIDENCE_MAX_FILES_PER_UPLOAD", 20, minimum=1)
# An Office or OpenDocument file is a zip: what it may expand to, and hold, before it is
# trusted (a zip bomb declares far more).
EVIDENCE_ZIP_MAX_EXPANDED = env_int("EVIDENCE_ZIP_MAX_EXPANDED", 512 * 1024 * 1024, minimum=1)
EVIDENCE_ZIP_MAX_MEMBERS = env_int("EVIDENCE_ZIP_MAX_MEMBERS", 5000, minimum=1)
if env_str("EVIDENCE_S3_BUCKET"):
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("EVIDENCE_S3_BUCKET"),
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL"),
            "region_name": env_str("EVIDENCE_S3_REGION"),
            "access_key": env_str("EVIDENCE_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("EVIDENCE_S3_SECRET_ACCESS_KEY"),
            "location": env_str("EVIDENCE_S3_PREFIX", "evidence"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None},
    }

# --- Mail ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "coherence@localhost")

# --- Security: production values pass `check --deploy --fail-level WARNING` ------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # read by the server only: the language switcher is a form
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response: everything from this site, no inline script,
# no plugin, no framing. Pages keep their JavaScript in static/js/ and their data in
# json_script blocks (type application/json, which CSP does not run). Styles allow
# 'unsafe-inline' for one reason: plotly.js writes its chart styles into a <style>
# element it creates at run time (and sets style attributes on its SVG), which a
# 'self'-only style-src blocks. The charts' images are inline SVG and data: URIs
# (Plotly's mode-bar icons and its image export), hence data: for img-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The classes that run: every API view inherits coherence.api.views.APIViewMixin and
    # these defaults, and none names others.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coherence.api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "coherence.api.schema.CoherenceAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "coherence.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "coherence.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["coherence.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["coherence.api.filters.StrictFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "coherence.api.throttling.AnonThrottle",
        "coherence.api.throttling.UserThrottle",
    ],
    "EXCEPTION_HANDLER": "coherence.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1000/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coherence API",
    "DESCRIPTION": "Policy coherence for migration and development: the catalogue, "
    "the indicator framework, the Annex B grid and validated coherence scores. "
    "Authenticate with `Authorization: Token <key>`; errors read "
    '`{"error": {"code", "message", "details"}}`.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # JavaScript, passed as is: templates/api/swagger_ui.html loads static/js/api_docs.js,
    # whose plugin keeps the page to WCAG 2.2 AA; deepLinking gives each operation a URL.
    "SWAGGER_UI_SETTINGS": "{deepLinking: true, plugins: [CoherenceApiDocs.plugin]}",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # What a generated client needs (coherence.api.schema): request and response bodies
    # apart, read-only fields required (every body carries them), one component per
    # vocabulary — parameters included, by the last hook.
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coherence.api.schema.shared_parameter_enums",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "coherence.choices.Level",
        "ToolTypeEnum": "coherence.choices.ToolKind",
        "AreaEnum": "coherence.choices.AREA_CODES",
        "AreaGroupEnum": "coherence.choices.AreaGroup",
        "DimensionEnum": "coherence.choices.Dimension",
        "LinkEnum": "coherence.choices.Link",
        "PerspectiveEnum": "coherence.choices.Perspective",
        "StageEnum": "coherence.choices.Stage",
        "AnswerTypeEnum": "coherence.choices.AnswerType",
        "BandEnum": "coherence.choices.Band",
        "ActorTypeEnum": "coherence.choices.ActorType",
        "StateEnum": "assessments.choices.State",
        "TransitionEnum": "assessments.choices.Action",
        "CoherenceTypeEnum": "coherence.choices.CoherenceType",
        "InteractionScoreEnum": "instruments.models.Interaction.Score",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
