"""Django settings for Civico: 12-factor, with development defaults that need nothing set.

Every value that differs between a laptop and production comes from the environment; see the
README's "Configuration" table for the list.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CIVICO_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("CIVICO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = os.environ.get("CIVICO_DEBUG", "0" if PRODUCTION else "1") == "1"


def _secret_key() -> str:
    """Production must set SECRET_KEY; development keeps a generated one under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CIVICO_ENV=production.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    # Django's admin on Civico's own site: behind the backoffice sign-in (password + TOTP), for
    # platform administrators only, never showing a secret (civico.accounts.amministrazione).
    "civico.accounts.apps_admin.AmministrazioneConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "bootstrap_italia_template",
    "django_htmx",
    "ninja",  # serves Swagger UI's files locally instead of from a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "civico.core",
    "civico.accounts",
    "civico.enti",
    "civico.catalogo",
    "civico.triage",
    "civico.territorio",
    "civico.patrimonio",
    "civico.segnalazioni",
    "civico.comunicazioni",
    "civico.analisi",
    "civico.gdpr",
    "civico.moderazione",
    "civico.portale",
    "civico.open311",
    "civico.api",
    "civico.backoffice",
    "civico.backoffice.configurazione",
    "civico.demo",
]

# civico.core.ramo.*: the same middleware (CSP, sessions, authentication, staff idleness, second
# factor, messages, htmx), skipped for calls of the JSON API without a session cookie.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "civico.core.ramo.CSP",  # csp.middleware.CSPMiddleware
    "civico.core.sicurezza.AllegatiSicuriMiddleware",  # inside WhiteNoise: uploads only, not static
    "civico.core.ramo.Sessione",  # django.contrib.sessions.middleware.SessionMiddleware
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "civico.core.ramo.Autenticazione",  # django.contrib.auth.middleware.AuthenticationMiddleware
    "civico.core.ramo.InattivitaStaff",  # staff signed out after a working day idle (backoffice.sessione)
    "civico.core.ramo.OTP",  # django_otp.middleware.OTPMiddleware
    "civico.core.ramo.Messaggi",  # django.contrib.messages.middleware.MessageMiddleware
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "civico.core.ramo.Htmx",  # django_htmx.middleware.HtmxMiddleware
    "civico.core.limiti.LimitiMiddleware",  # every write: per IP, account, API key (429)
    "civico.moderazione.esca.EscaMiddleware",  # honeypot + minimum fill time on public forms
    # Last, as django-axes asks: it turns lockouts into a clear page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it counts failed sign-ins and locks out after too many.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The admin's model permissions: a platform administrator holds them all (and nobody else gets in).
    "civico.accounts.amministrazione.PermessiPiattaforma",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CIVICO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# Either is enough: one account from any address, or one address trying any account.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "civico.core.limiti.ip_di"  # REMOTE_ADDR only, as every rate limit
# A success forgives that account's own failures only, never the address's (see the handler).
AXES_HANDLER = "civico.accounts.tentativi.GestoreTentativi"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "civico.urls"
ASGI_APPLICATION = "civico.asgi.application"
WSGI_APPLICATION = "civico.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civico.portale.contesto.portale",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) in production via DATABASE_URL.
DEFAULT_SQLITE = VAR_DIR / "civico.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read while the other writes; IMMEDIATE
    # transactions take the write lock up front so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CIVICO_TEST_SQLITE_NAME")}
    if str(DATABASES["default"]["NAME"]).startswith(str(VAR_DIR)):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Utente"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language: Italian first, English complete. Our own msgids are Italian (the users' words).
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["civico.formati"]  # Italian dates lowercase, no leading zeros (one place)
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# --- Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The SAML2 identity providers (SPID, CIE), refreshed by `civico aggiorna_idp_spid`; until then the
# (empty) list shipped in civico/accounts/data/idp_saml.json.
SAML_REGISTRO_IDP = Path(os.environ.get("CIVICO_SAML_REGISTRO_IDP", VAR_DIR / "identita" / "idp_saml.json"))
# Hashed, pre-compressed static files (cached for a year by the browser) in production, and under
# `make run` too (it runs collectstatic and sets CIVICO_STATICI_COMPILATI=1): a phone trying the demo
# should not download 600 kB of uncompressed CSS again at every page. Tests and development keep
# serving straight from the apps' folders, so a changed file shows at once.
STATICI_COMPILATI = PRODUCTION or os.environ.get("CIVICO_STATICI_COMPILATI", "0") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "civico.core.statici.StaticiCompilati"
            if STATICI_COMPILATI
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Leaflet's JS and CSS come from django-leaflet's static folder; the package itself is not an
# installed app (it would require GDAL), so it is found without importing it.
STATICFILES_DIRS = [Path(importlib.util.find_spec("leaflet").origin).parent / "static"]
# The pages link the kit's stylesheet cut to the classes Civico uses (civico.core.css_usato):
# 77 kB instead of 612 kB, generated under var/ from the installed kit.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "civico.core.statici.CssUsatoFinder",
]
WHITENOISE_USE_FINDERS = not STATICI_COMPILATI
WHITENOISE_AUTOREFRESH = DEBUG and not STATICI_COMPILATI
WHITENOISE_MAX_AGE = 60 if STATICI_COMPILATI else 0  # unhashed names (robots, manifest); hashed: a year
if not PRODUCTION:  # whitenoise warns about a missing STATIC_ROOT; development serves from apps
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploads above this size are refused by the media rules anyway; Django streams to disk above it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Background work: django-tasks with the database backend (no broker needed).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CIVICO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Security, tightened in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    # Preloading is a promise about the whole domain that the ente must make: opt in.
    SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "0") == "1"
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # see docs/security.md
    # TLS ends at the proxy; probes on plain HTTP inside the network must not be redirected.
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Content-Security-Policy (django-csp 4): our origin only, no inline script (civico.core.sicurezza).
from civico.core.sicurezza import politica_csp as _politica_csp  # noqa: E402

CONTENT_SECURITY_POLICY = _politica_csp(
    os.environ.get("CIVICO_TILE_URL"), os.environ.get("CIVICO_CSP_IMG_EXTRA", ""),
    os.environ.get("CIVICO_CSP_CONNECT_EXTRA", ""),
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
# Development: the mail catcher `civico run` starts on this port (civico.core.posta_sviluppo),
# so demo mail is read at /dev/posta/ and never reaches a real MTA.
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25" if PRODUCTION else "1025"))
# One SMTP exchange must end well within the delivery lease (LEASE_INVIO_SECONDI, 30 s).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "civico@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Civico's own settings.
CIVICO = {
    # Where the product's shipped data lives (never ../shared at run time).
    "DATA_DIR": PACKAGE_DIR / "data",
    # Media limits: a photo or document larger than this is refused with a clear message.
    "MAX_FILE_BYTES": int(os.environ.get("CIVICO_MAX_FILE_MB", "10")) * 1024 * 1024,
    "MAX_FILES_PER_REPORT": int(os.environ.get("CIVICO_MAX_FILES", "5")),
    # H3 resolution stored on each report (10 ≈ 66 m edge); coarser cells derive from it.
    "H3_RESOLUTION": 10,
    # How often another process re-checks that its in-memory boundary index is current.
    "GEO_INDEX_TTL_SECONDS": 60,
    "BASE_URL": os.environ.get("CIVICO_BASE_URL", "http://127.0.0.1:8000"),
    # Rate limits per action, overriding civico.core.limiti.PREDEFINITI: {"sindaco": {"ip": (5, 600)}}.
    "LIMITI": {},
    # Public forms (civico.moderazione.esca): seconds a person needs at least, and whether a POST
    # without the signed render time is refused (on in production; tests and scripts post without).
    "MODULI_SECONDI_MINIMI": float(os.environ.get("CIVICO_MODULI_SECONDI_MINIMI", "3" if PRODUCTION else "0")),
    "MODULI_TOKEN_OBBLIGATORIO": os.environ.get("CIVICO_MODULI_TOKEN_OBBLIGATORIO", "1" if PRODUCTION else "0") == "1",
    # Staff sessions (signed in with the second factor) end after this many hours without a request;
    # citizens' sessions are not affected.
    "SESSIONE_STAFF_INATTIVA_ORE": float(os.environ.get("CIVICO_SESSIONE_STAFF_ORE", "9")),
    # How long the e-mailed link that lets a staff member enrol an authenticator app stays valid.
    "LINK_ATTIVAZIONE_OTP_MINUTI": int(os.environ.get("CIVICO_LINK_ATTIVAZIONE_MINUTI", "60")),
}

# --- Production plumbing (civico.core, docs/deploy.md): media on S3, read replicas, JSON logs,
# metrics, 503 + Retry-After when the database or the media storage is unavailable.
from civico.core import ambiente as _piattaforma  # noqa: E402

STORAGES["default"] = _piattaforma.storage_media(os.environ)
_piattaforma.usa_pool(DATABASES["default"], _piattaforma.pool_connessioni(os.environ))
if _cache := _piattaforma.cache_condivisa(os.environ):
    CACHES = {"default": _cache}
DATABASES.update(_piattaforma.repliche(os.environ, DATABASES["default"]))
DATABASE_ROUTERS = ["civico.core.repliche.RouterRepliche"]
LOGGING = _piattaforma.logging_config(os.environ, PRODUCTION)
CIVICO.update(_piattaforma.opzioni_piattaforma(os.environ, PRODUCTION))
MIDDLEWARE = [
    "civico.core.osservabilita.RichiestaMiddleware",  # outermost: request id, timing, metrics
    "civico.core.corpo.LimiteCorpoMiddleware",  # body cap under WSGI (ASGI: civico.asgi wraps the app)
    "civico.core.disponibilita.DisponibilitaMiddleware",
    "civico.core.repliche.ReplicheMiddleware",  # outside the session middleware: its save is a write
    "civico.core.file_asgi.FileAsincroniMiddleware",  # outside WhiteNoise: streams its files under ASGI
    *MIDDLEWARE,
]
