"""Settings for Методическая копилка, read from the environment.

Development needs nothing: SQLite in the project folder, DEBUG on and a secret key generated once
into an untracked file. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import secrets
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key():
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: one random key per checkout, kept out of git.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.apps.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "django_filters",
    "nested_admin",
    "solo",
    "core.apps.AxesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "core.apps.CoreConfig",
    "libraries",
    "people",
    "seminars",
    "registrations",
    "certificates",
    "lowvision",
    "rest_framework",
    "drf_spectacular",
    "api",
    # Last, as its documentation asks: it connects to every model with a file field.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.errors.UnusableInputMiddleware",
    "core.errors.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lowvision.middleware.vary_on_cookie",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "lowvision.context_processors.lowvision",
                "core.context_processors.site_urls",
                "core.context_processors.organization",
            ],
        },
    },
]


# How long one query of a web request may run, in ms (0: no limit). config/wsgi.py sets 3000 for
# the web server; manage.py commands and the background worker, whose work (migrations, counting
# the whole archive) may take longer, have no limit unless this is set for them too.
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", 0))
# With a limit, the web process also stops waiting on a database that does not answer at all
# a second later (core/database.py): the request gets the 503 page instead of being killed.
DATABASE_WAIT_SECONDS = DATABASE_STATEMENT_TIMEOUT / 1000 + 1 if DATABASE_STATEMENT_TIMEOUT else 0


def _database():
    config = dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Our backend adds Cyrillic-aware LIKE/ordering functions (SQLite folds ASCII only).
        config["ENGINE"] = "config.sqlite"
        config["CONN_MAX_AGE"] = 0
        # Named explicitly so that pytest-django treats it as in-memory under xdist.
        config["TEST"] = {"NAME": ":memory:"}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A database that is down or hangs gets a 503 page within seconds (core/errors.py),
        # not a request stuck for the driver's default wait.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 2)
        # A connection whose peer vanished (a partition, a failover) is noticed by the kernel:
        # an idle one by keepalives after about 10 s, one with unacknowledged data after 5 s.
        keepalive = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2}
        for name, value in {**keepalive, "keepalives_count": 3, "tcp_user_timeout": 5000}.items():
            options.setdefault(name, value)
        # A page reads a few rows by index: parallel workers only add start-up time and take the
        # cores that concurrent requests need. JIT compiling pays off for queries running
        # seconds, and PostgreSQL decides by estimated cost, so it compiled page queries too.
        server_options = "-c max_parallel_workers_per_gather=0 -c jit=off"
        if DATABASE_STATEMENT_TIMEOUT:
            server_options += f" -c statement_timeout={DATABASE_STATEMENT_TIMEOUT}"
        options.setdefault("options", server_options)
    return config


DATABASES = {"default": _database()}
# Local memory by default (per process); Redis, shared by all workers, when REDIS_URL is set;
# files under CACHE_DIR for one machine without Redis.
# Redis only speeds pages up: while it is down or slow they are built from the database
# (core/cache_backend.py), and /healthz says so.
if REDIS_URL := os.environ.get("REDIS_URL"):
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", 0.5))
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backend.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "retry_seconds": float(os.environ.get("REDIS_RETRY_SECONDS", 5)),
            },
        }
    }
elif CACHE_DIR := os.environ.get("CACHE_DIR"):
    # One machine without Redis (`make run`): files that the web server and the background
    # worker share, so the figures the worker counts reach the pages.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Whole pages for anonymous visitors (config/cache.py); 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 60))
PAGE_CACHE_EXCLUDE = ("/admin/", "/_nested_admin/")
# Figures over the whole archive (home counts, facets, list totals) are kept this long; after a
# change the previous figure shows while the background worker counts it again (core/cache.py).
AGGREGATE_CACHE_SECONDS = int(os.environ.get("AGGREGATE_CACHE_SECONDS", 7 * 24 * 60 * 60))
# Work that must not run inside a request (recounts, mail, documents) is stored in the database
# and run by `manage.py db_worker` (`make run` starts one; a systemd unit in production).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite builds the same index without the extra
# column, which is what the embedded database needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins are throttled per username *and* IP: staff share one office IP, so locking the IP
# alone would lock everyone out, and the lock lifts by itself after the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without being counted: counting them would move the end of
# the lock with every try, and the page names the time it lifts (core/auth.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.auth.client_ip"
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")

# Sessions end when the browser closes, and at the latest after a working day.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Kamchatka")
USE_I18N = True
# Russian for the few admin strings Django and django-nested-admin get wrong (locale/ru).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our corrections of Django's Russian formats (core/formats/ru/formats.py).
FORMAT_MODULE_PATH = ["core.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Heavy downloads (the archive's ZIP and JSON, statistics workbooks) built by the background
# worker and served by the application (core/downloads.py): private, never under MEDIA_ROOT.
EXPORTS_ROOT = Path(os.environ.get("EXPORTS_ROOT", BASE_DIR / "exports"))
# Issued certificates (PDF) and their ZIP archives: personal data, so outside MEDIA_ROOT, which
# the web server serves to anyone; they are handed out only through views that check who asks.
CERTIFICATES_ROOT = Path(os.environ.get("CERTIFICATES_ROOT", BASE_DIR / "private" / "certificates"))
# PT Serif and PT Sans (Debian's fonts-paratype, OFL, installed by `make`): certificates embed
# them from here, never from whatever fonts the system happens to have.
CERTIFICATE_FONTS_DIR = Path(
    os.environ.get("CERTIFICATE_FONTS_DIR", "/usr/share/fonts/truetype/paratype")
)

# The largest resolution (.docx, .txt, .md) the admin import accepts.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# The import review form has about ten fields per speaker: a 100-talk conference needs more
# than Django's default of 1,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development (and the test run, which imports settings with DEBUG on) serves static files from
# the app folders; production serves the compressed, hashed files made by collectstatic.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG

# Development (and tests) serve static files from the app folders, without collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded images are limited before Pillow decodes them (decompression bombs).
MAX_IMAGE_UPLOAD_BYTES = int(os.environ.get("MAX_IMAGE_UPLOAD_BYTES", 5 * 1024 * 1024))
MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", 40_000_000))
MAX_MATERIALS_UPLOAD_BYTES = int(os.environ.get("MAX_MATERIALS_UPLOAD_BYTES", 50 * 1024 * 1024))

SITE_NAME = "Методическая копилка"


def _feed_id_domain():
    # Production's first host name; development's «localhost».
    names = [host.lstrip(".") for host in ALLOWED_HOSTS if any(c.isalpha() for c in host)]
    return names[0] if names and not DEBUG else "localhost"


# The domain in the tag: URIs that name Atom entries for good (seminars/feeds.py `entry_id`):
# set it once, to the site's domain, and never change it, or feed readers show every entry again.
FEED_ID_DOMAIN = os.environ.get("FEED_ID_DOMAIN") or _feed_id_domain()

# Read-only open data API: JSON only, anonymous, described by OpenAPI 3.1 at /api/schema/.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # `?format=` is the seminar format filter (as on the talks page), not a renderer choice.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Методическая копилка: открытые данные",
    "DESCRIPTION": (
        "Опубликованные семинары, доклады, докладчики, библиотеки, регионы и темы. "
        "Люди без согласия на публикацию персональных данных — только как «Фамилия И. О.»."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SeminarKindEnum": "seminars.models.Seminar.Kind",
        "SeminarLinkKindEnum": "seminars.models.SeminarLink.Kind",
        "RegionKindEnum": "libraries.models.Region.Kind",
        "LocalityKindEnum": "libraries.models.Locality.Kind",
    },
}
# Security headers. The CSP has no 'unsafe-inline': our templates and the admin (including
# django-nested-admin) load scripts and styles from files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production (DEBUG off) is served over HTTPS behind a reverse proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # monitoring probes the app directly over HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG


def email_settings(url):
    """Django's e-mail settings from one URL: `smtp://user:password@host:587` (STARTTLS on 587),
    `smtps://user:password@host:465` (TLS), `file:///var/mail/kopilka`, `console://`, `locmem://`."""
    parts = urlsplit(url)
    backends = {"smtp": "smtp", "smtps": "smtp", "file": "filebased", "console": "console"}
    backends["locmem"] = "locmem"
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parts.scheme!r}.")
    config = {"EMAIL_BACKEND": f"django.core.mail.backends.{backends[parts.scheme]}.EmailBackend"}
    if parts.scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parts.netloc + parts.path)
    elif parts.scheme in ("smtp", "smtps"):
        config |= {
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": parts.scheme == "smtp" and parts.port == 587,
        }
    return config


# Mail (registrations, reminders) is sent by the background worker. Development writes each
# message into a file under sent-mail/ (untracked) for reading instead of sending it.
EMAIL_URL = os.environ.get(
    "EMAIL_URL", f"file://{BASE_DIR / 'sent-mail'}" if DEBUG else "smtp://localhost:25"
)
globals().update(email_settings(EMAIL_URL))
# A mail server that does not answer gives up after this many seconds (the worker retries).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
# The site's address in mail (links to the seminar and to cancel a registration).
SITE_URL = os.environ.get(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
).rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kopilka@localhost")
# Personal data of seminar participants are removed this many months after the seminar
# (`manage.py purge_participants`, run daily by the worker); the counts stay.
PARTICIPANT_DATA_MONTHS = int(os.environ.get("PARTICIPANT_DATA_MONTHS", 12))
# Registrations accepted from one IP address per hour (a library's whole staff may share one).
REGISTRATIONS_PER_IP_HOUR = int(os.environ.get("REGISTRATIONS_PER_IP_HOUR", 30))
# Logging: warnings and errors to stderr (the journal under systemd), each with the request's id
# (core/logs.py); every 5xx with its traceback. Django's own default shows nothing when DEBUG is
# off except mail to ADMINS, so without this a 500 left no trace.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()
# «Имя <адрес>, адрес»: who gets a mail for each kind of server error (at most one per kind
# every 5 minutes per worker). Sent through the site's mail settings.
ADMINS = [(name, address) for name, address in getaddresses(env_list("ADMINS")) if address]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "kopilka@localhost")
EMAIL_SUBJECT_PREFIX = "[Методическая копилка] "
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "core.logs.AdminEmailOncePerInterval",
            "seconds": 300,
            "filters": ["require_debug_false", "request_id"],
            "formatter": "plain",
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        # 4xx answers are in gunicorn's access log; here only the server's own errors.
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
# Optional error tracking: `pip install sentry-sdk` and set SENTRY_DSN. Only requests' errors and
# log records of level ERROR are sent; no personal data (IP addresses, cookies, form fields).
if SENTRY_DSN := os.environ.get("SENTRY_DSN"):
    import sentry_sdk

    from core.logs import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=0,
        before_send=sentry_before_send,
    )
