"""Padwijzer settings: one module, driven by the environment.

Every value can be set through an environment variable; secrets can also be read
from a file named by ``<NAME>_FILE`` (Docker/Kubernetes secrets style).
Bad values fail loudly at start-up.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """Read ``name`` from the environment, or from the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    """``name`` as a boolean (true/false, 1/0, yes/no, on/off); unset or empty gives ``default``.

    Raises ImproperlyConfigured on any other value, so a typo stops the start-up.
    """
    value = (env(name) or "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``name`` as an integer within ``[minimum, maximum]``; unset or empty gives ``default``.

    Raises ImproperlyConfigured when the value is not an integer or out of range.
    """
    value = (env(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {number}")
    return number


def envlist(name: str, default: str) -> list[str]:
    """``name`` as a comma-separated list of non-empty, stripped items."""
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
TESTING = envbool("PADWIJZER_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE); DEBUG is off.")

# Encrypts and digests national register/BIS numbers (apps/clients/identifiers.py). Separate from
# SECRET_KEY so that rotating the session/CSRF secret never makes a stored number unreadable; change it
# only with `padwijzer rotate_identifier_key`.
IDENTIFIER_KEY = env("IDENTIFIER_KEY") or ""
if not IDENTIFIER_KEY:
    if DEBUG or TESTING:
        IDENTIFIER_KEY = "insecure-development-identifier-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set IDENTIFIER_KEY (or IDENTIFIER_KEY_FILE); DEBUG is off.")
elif len(IDENTIFIER_KEY) < 32:
    raise ImproperlyConfigured("IDENTIFIER_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # security: backup codes
    "axes",  # security: login lockout
    "django_tasks",
    "django_tasks_db",
    "apps.core",
    "apps.audit",
    "apps.accounts",
    "apps.regions",
    "apps.clients",
    "apps.consent",
    "apps.assessment",
    "apps.offers",
    "apps.matching",
    "apps.partnership",
    "apps.employers",
    "apps.notifications",
    "apps.pathways",
    "apps.conferences",
    "apps.groups",
    "apps.referrals",
    "apps.esf",
    "apps.demo",
    "apps.api",
    "apps.workspace",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    # security (docs/decisions/0011-login-security.md): idle timeout, second factor, no-store, CSP, lockout
    "apps.accounts.middleware.IdleSessionMiddleware",
    "apps.accounts.middleware.SecondFactorMiddleware",
    # privacy: one record of every client read per request (apps/audit/reads.py)
    "apps.audit.middleware.ReadRecordMiddleware",
    "apps.core.middleware.NoStoreForAuthenticatedMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # security: must stay last
]

ROOT_URLCONF = "padwijzer.urls"
WSGI_APPLICATION = "padwijzer.wsgi.application"

# the standard widgets written out in Python, the same HTML as Django's templates (apps/core/form_renderer.py)
FORM_RENDERER = "apps.core.form_renderer.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # compiled once per language, fixed translations written in (apps/core/template_loader.py)
            "loaders": [
                (
                    "apps.core.template_loader.Loader",
                    ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.accounts.context_processors.navigation",
                "apps.workspace.context_processors.workspace_menu",
            ],
            # {% url %} remembering what it reversed (apps/core/templatetags/remembered_url.py)
            "builtins": ["apps.core.templatetags.remembered_url"],
        },
    },
]

DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'padwijzer.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Production: persistent database connections and the shared cache (docs/deploy.md) ---
# Each gunicorn thread keeps its connection CONN_MAX_AGE seconds (0: close after every request),
# checked before reuse so a restarted PostgreSQL costs one failed check, not a 500.
DATABASES["default"]["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def postgresql_binding(engine: str) -> dict[str, object]:
    """The ``OPTIONS`` that make PostgreSQL bind parameters and prepare statements, for the database ``engine``.

    With ``engine`` PostgreSQL and PG_SERVER_SIDE_BINDING not false: psycopg's server-side binding, and each
    statement prepared on a connection once it ran PG_PREPARE_THRESHOLD times there (default 5; 0: at once), so
    PostgreSQL parses and plans the pages' recurring queries once per connection instead of once per request
    (about a third of its CPU per page under bench/load.py: bench/README.md, "Prepared statements"). Otherwise
    ``{}``: Django's default (client-side binding, nothing prepared), which a pooler in transaction mode needs
    (docs/deploy.md). Raises ImproperlyConfigured on a malformed value.
    """
    if engine != "django.db.backends.postgresql" or not envbool("PG_SERVER_SIDE_BINDING", True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": envint("PG_PREPARE_THRESHOLD", 5, minimum=0)}


DATABASES["default"].setdefault("OPTIONS", {}).update(postgresql_binding(DATABASES["default"]["ENGINE"]))


def cache_from_url(url: str) -> dict[str, object]:
    """The ``CACHES["default"]`` of a CACHE_URL.

    ``""`` or ``db://``: the database cache (table ``padwijzer_cache``, made by ``createcachetable``), shared
    by every web server and worker; ``redis://host:6379/0`` (or ``rediss://``): Django's RedisCache (needs the
    ``redis`` package); ``memcached://host:11211[,host2:11211]``: PyMemcacheCache (needs ``pymemcache``);
    ``locmem://``: per-process memory (one process only). Anything else raises ImproperlyConfigured.
    """
    scheme, _sep, rest = url.partition("://")
    if not url or scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "padwijzer_cache"}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme in {"memcached", "pymemcache"}:
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": rest.split(",")}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "padwijzer"}
    raise ImproperlyConfigured(f"CACHE_URL must start with db://, redis(s)://, memcached:// or locmem://, not {url!r}")


# Tests keep per-process memory unless CACHE_URL is given (query counts in tests do not include cache reads).
CACHES = {
    "default": cache_from_url(env("CACHE_URL", "") or ("locmem://" if TESTING else "")),
    # the rendered menu, per process: its key holds all it shows (apps/accounts/context_processors.py, base.html)
    "menu": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "padwijzer-menu",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

# Source maps (about 18 MB of the collected files) are fetched only by browser developer tools: leaving them
# uncompressed halves the time of collectstatic.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# --- end production block ---

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # security: refuses locked-out logins; must stay first
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, loading the user of a session with their memberships in one query. Sessions that
    # name django.contrib.auth.backends.ModelBackend (made before this backend) log in again once.
    "apps.accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Dutch (Belgium) first; English complete.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", "") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "apps.core.storage.StaticStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- security: e-mail (docs/decisions/0011-login-security.md) ---------------------------------
# The console and file back-ends print whole messages, password-reset links included: refused with
# DEBUG off (outside tests). Production defaults to SMTP (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ...).
_EMAIL_DEFAULT = "console" if DEBUG or TESTING else "smtp"
EMAIL_BACKEND = env("EMAIL_BACKEND", f"django.core.mail.backends.{_EMAIL_DEFAULT}.EmailBackend") or ""
if not DEBUG and not TESTING and EMAIL_BACKEND.split(".")[-2:-1] in (["console"], ["filebased"]):
    raise ImproperlyConfigured(
        "EMAIL_BACKEND: the console and file back-ends log password-reset links; use SMTP when DEBUG is off."
    )
EMAIL_HOST = env("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=0)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
# --- end security: e-mail ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "padwijzer@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- security: sessions, HTTPS, headers, lockout, second factor ------------------------------
# See docs/decisions/0011-login-security.md. Every value comes from the environment.
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request (apps.accounts.middleware),
# and at the latest after SESSION_COOKIE_AGE seconds.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=60)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 10 * 3600, minimum=60)
SESSION_COOKIE_SAMESITE = "Lax"
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_ssl = [p.strip() for p in (env("SECURE_PROXY_SSL_HEADER", "") or "").split(",") if p.strip()]
if _proxy_ssl and len(_proxy_ssl) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HEADER_NAME,value', e.g. HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl[0], _proxy_ssl[1]) if _proxy_ssl else None
USE_X_FORWARDED_HOST = envbool("USE_X_FORWARDED_HOST", False)
# Number of trusted reverse proxies in front of the app: the client IP is taken that far from the right
# of X-Forwarded-For (0: REMOTE_ADDR). Used by the lockout and the rate limits.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): no inline script or style, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Login lockout (django-axes): AXES_FAILURE_LIMIT failures for one username from one IP lock that
# pair for AXES_COOLOFF_MINUTES; the lockout page is accounts/locked_out.html (HTTP 429).
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15, minimum=0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "apps.core.ratelimit.client_ip"
AXES_VERBOSE = False

# Cache-based rate limits (apps.core.ratelimit): "count/seconds" per client IP.
RATE_LIMITS = {
    "password_reset": env("RATE_LIMIT_PASSWORD_RESET", "5/3600"),
    "candidacy": env("RATE_LIMIT_CANDIDACY", "5/3600"),
    "duplicate_check": env("RATE_LIMIT_DUPLICATE_CHECK", "30/3600"),
    "otp_verify": env("RATE_LIMIT_OTP_VERIFY", "10/900"),
}

# Second factor (django-otp: TOTP + backup codes). Members with one of these roles (and superusers
# when "administrator" is listed) must enrol; everyone with a device must verify it after the password.
# Default: every role that can read special categories, plus coordinators and administrators. The demo
# (DEBUG) and the test suite default to none; set OTP_REQUIRED_ROLES to try it (tests override it).
_OTP_DEFAULT_ROLES = "coordinator,administrator,counsellor,peer_companion,partner_worker"
OTP_REQUIRED_ROLES = frozenset(
    r.strip()
    for r in (env("OTP_REQUIRED_ROLES", "" if DEBUG or TESTING else _OTP_DEFAULT_ROLES) or "").split(",")
    if r.strip()
)
if OTP_REQUIRED_ROLES - {*_OTP_DEFAULT_ROLES.split(","), "jury_member"}:
    raise ImproperlyConfigured(f"OTP_REQUIRED_ROLES has unknown roles: {sorted(OTP_REQUIRED_ROLES)}")
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Padwijzer")
# The admin site never shows a device's secret (its QR code and configuration page answer 403): a superuser
# could otherwise copy anyone's second factor. Also avoids django-otp's 500 on an unknown device id.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- end security ------------------------------------------------------------------------------

REST_FRAMEWORK: dict[str, object] = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
# --- API pagination: every list is paged (apps/api/pagination.py: 25 per page, at most 100) ---
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = "apps.api.pagination.PagePagination"
REST_FRAMEWORK["PAGE_SIZE"] = 25
# --- end API pagination ---
SPECTACULAR_SETTINGS = {
    "TITLE": "Padwijzer API",
    "VERSION": "0.1.0",
    # Swagger UI is served from the drf-spectacular-sidecar package: no CDN.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The schema refuses what the server refuses: a required text may not be empty (minLength 1), and every
    # operation documents its 400/403/404 answers (apps/api/schema.py).
    "ENFORCE_NON_BLANK_FIELDS": True,
    # Bodies are documented as JSON only: form encodings cannot say null (a nullable field would arrive as the
    # text "null"), so the schema does not offer them (the server still parses them, e.g. for the browsable forms).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "apps.api.schema.document_refusals"],
    "ENUM_NAME_OVERRIDES": {
        "GenderEnum": "apps.clients.models.Gender",
        "EsfGenderEnum": "apps.esf.models.EsfGender",
        "EsfAnswerEnum": "apps.esf.models.Tri",
        "EsfSourceEnum": "apps.esf.models.Source",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOG_LEVEL = (env("LOG_LEVEL", "WARNING") or "WARNING").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
# Logs carry no personal data: only codes, ids and counts.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# A measured travel-time matrix (CSV: from,to,mode,minutes) replacing the estimates; see apps/matching/travel.py.
TRAVEL_MATRIX_FILE = env("TRAVEL_MATRIX_FILE", "") or ""

# Region file loaded by `make run` and the demo.
DEFAULT_REGION_FILE = BASE_DIR / "regions" / "oostende.json"

# Referrals still unanswered (status "sent") after this many days go to the region's coordinators.
REFERRAL_ESCALATION_DAYS = envint("REFERRAL_ESCALATION_DAYS", 5, minimum=1, maximum=365)

# The allocation of the waiting list considers, per client, this many best-fitting offers
# (docs/decisions/0005-allocation.md).
ALLOCATION_SHORTLIST = envint("ALLOCATION_SHORTLIST", 100, minimum=1, maximum=10_000)

# A background job still queued after this many seconds makes its page say that no worker seems to run
# (apps/core/jobs.py); a running job silent for its step's time limit plus this long is shown as stopped.
WORKER_GRACE_SECONDS = envint("WORKER_GRACE_SECONDS", 15, minimum=1, maximum=3600)

# The coverage proposal of the jury (apps/partnership/coverage.py) runs 1 + k CP-SAT solves in the worker;
# each solve stops after this many seconds with the best set found so far (then marked "not proven optimal").
COVERAGE_SOLVE_SECONDS = envint("COVERAGE_SOLVE_SECONDS", 20, minimum=1, maximum=600)

# ESF+ reporting (apps/esf; the rules and their sources: docs/esf-indicators.md). Rules marked [unverified]
# in the reference are settings, so a region can follow its managing authority without a code change.
# "Upon leaving" = results recorded within this many days after the leaving date (2014-20 guidance: 4 weeks).
ESF_LEAVING_WINDOW_DAYS = envint("ESF_LEAVING_WINDOW_DAYS", 28, minimum=0)
# The longer-term results are measured this many months after leaving.
ESF_FOLLOW_UP_MONTHS = envint("ESF_FOLLOW_UP_MONTHS", 6, minimum=0)
# EECR01 (job searching upon leaving) only for participants inactive at entry (2014-20 rule).
ESF_EECR01_INACTIVE_AT_ENTRY_ONLY = envbool("ESF_EECR01_INACTIVE_AT_ENTRY_ONLY", True)
# EECR04 (employed upon leaving) excludes participants employed at entry (2014-20 rule).
ESF_EECR04_EXCLUDE_EMPLOYED_AT_ENTRY = envbool("ESF_EECR04_EXCLUDE_EMPLOYED_AT_ENTRY", True)
# EECR05 (employed six months after leaving) excludes participants employed at entry (reference: not excluded).
ESF_EECR05_EXCLUDE_EMPLOYED_AT_ENTRY = envbool("ESF_EECR05_EXCLUDE_EMPLOYED_AT_ENTRY", False)
# Whether a non-binary column is reported (Annex I: "in accordance with national law").
ESF_REPORT_NON_BINARY = envbool("ESF_REPORT_NON_BINARY", True)
# ETHOS classes that count as homeless or housing exclusion (EECO16), comma-separated.
ESF_HOUSING_EXCLUSION_CLASSES = [
    c.strip()
    for c in (env("ESF_HOUSING_EXCLUSION_CLASSES", "roofless,houseless,insecure,inadequate") or "").split(",")
    if c.strip()
]
# DEGURBA classes of the municipality that count as rural (EECO17): 3 = rural areas.
ESF_RURAL_DEGURBA = [int(c) for c in (env("ESF_RURAL_DEGURBA", "3") or "").split(",") if c.strip()]
# Aggregated outputs show counts from 1 up to this threshold minus one as "<threshold" (0 = no suppression).
ESF_SUPPRESSION_THRESHOLD = envint("ESF_SUPPRESSION_THRESHOLD", 5, minimum=0)

# Privacy (docs/decisions/0014-access-matrix.md): a sealed special category (health, addiction, justice) opened
# with a reason ("break the glass") stays open for that user and client this many hours.
SEAL_OPEN_HOURS = envint("SEAL_OPEN_HOURS", 8, minimum=1, maximum=72)

# --- privacy: consent, the client's rights, retention (docs/decisions/0017-retention-and-erasure.md) ---
# Signed consent forms (scans, PDFs) live here, outside static and media, and are served only through the
# client file's permission check. Back it up with the database.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")) or "")
CONSENT_FORM_MAX_BYTES = envint("CONSENT_FORM_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# A consent with an end date appears in the workers' to-do this many days before it ends.
CONSENT_RENEWAL_DAYS = envint("CONSENT_RENEWAL_DAYS", 30, minimum=1, maximum=365)
# Retention per data category (years). A client file is anonymised when every pathway is closed and
#  - RETENTION_CASE_YEARS have passed since the last closure (no ESF+ participation), or
#  - for an ESF+ participant, the ESF+ evidence period: until 31 December of (leaving year + RETENTION_ESF_YEARS)
#    (Regulation (EU) 2021/1060 art. 82: five years from 31 December of the year of the last payment), or
#  - the file never had a pathway and has not changed for RETENTION_UNUSED_YEARS.
RETENTION_CASE_YEARS = envint("RETENTION_CASE_YEARS", 2, minimum=1, maximum=30)
RETENTION_ESF_YEARS = envint("RETENTION_ESF_YEARS", 5, minimum=1, maximum=30)
RETENTION_UNUSED_YEARS = envint("RETENTION_UNUSED_YEARS", 2, minimum=1, maximum=30)
# How many files the daily job anonymises at most in one run (the rest follows the next day).
RETENTION_BATCH = envint("RETENTION_BATCH", 500, minimum=1)
