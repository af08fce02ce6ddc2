"""One class per environment; secrets and the database come from the environment."""
import hashlib
import os


def database_url(url):
    """Use psycopg 3 for PostgreSQL whatever scheme the URL was written with."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


DEVELOPMENT_SECRET_KEY = "development-only-secret-key"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # A relative SQLite path is resolved inside the instance/ folder.
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", "sqlite:///portal.sqlite3"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "America/Lima"
    LANGUAGES = ("es", "en")
    LANGUAGE_COOKIE = "idioma"
    LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
    PLAN_FILE = os.environ.get("PLAN_FILE", "data/plan-ilo-2019-2022.txt")
    # A deployment bound to one municipality (its address or ubigeo) serves it at bare
    # addresses and nothing else; unset, the municipality first published has them and
    # every municipality is under /m/<address>/.
    MUNICIPALITY = os.environ.get("MUNICIPALITY") or None
    # Host names that select a municipality as the binding does, for that host only:
    # "rendicion.pacocha.gob.pe=pacocha,rendicion.ilo.gob.pe=ilo".
    MUNICIPALITY_HOSTS = dict(pair.split("=", 1) for pair in os.environ.get(
        "MUNICIPALITY_HOSTS", "").replace(" ", "").split(",") if "=" in pair)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    FORCE_HTTPS = False
    # How many proxies in front of the portal set X-Forwarded-For and -Proto.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Rate-limit counters: Redis when REDIS_URL is set, so that every app server shares them.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is away, count in memory meanwhile rather than fail the request.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Pages for visitors not signed in: Redis when REDIS_URL is set, else this process only.
    CACHE_TYPE = "RedisCache" if os.environ.get("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    # Pages drawn under one binding to a municipality (MUNICIPALITY, MUNICIPALITY_HOSTS) are
    # kept apart from those drawn under another, so that changing it serves none of them.
    CACHE_KEY_PREFIX = "portal:" + (hashlib.sha1(repr(
        (MUNICIPALITY, sorted(MUNICIPALITY_HOSTS.items()))).encode()).hexdigest()[:8] + ":"
        if MUNICIPALITY or MUNICIPALITY_HOSTS else "")
    PAGE_CACHE = True
    # What is compressed for its own request (a reader's page filled, a page drawn) is
    # compressed fast, as web servers do by default; a page kept for visitors is compressed
    # once, hard (``portal.page_cache.hits``). Level 1 sends a goal page of 44 KB in 7.7 KB
    # for 0.1 ms, level 6 in 6.6 KB for 0.35 ms.
    COMPRESS_LEVEL = 1
    # The queue of background jobs (notifications, e-mail); without it, jobs run once the
    # request that asks for them has committed, each in a transaction of its own.
    JOBS_REDIS_URL = os.environ.get("REDIS_URL")
    # A recorded job not done this many seconds after it was put on the queue was lost with
    # the queue, or keeps failing: the worker's relay puts it on again, backing off.
    JOBS_RELAY_AFTER = 30
    PAGE_CACHE_SECONDS = 600
    # How long readers of a page being drawn for a reader before them wait for it.
    PAGE_CACHE_WAIT = 0.5
    SIGN_IN_LIMIT = "5 per minute"
    TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "Rendición de cuentas Ilo")
    # A password checked, the second factor must follow within this many seconds.
    SECOND_FACTOR_SECONDS = 300
    PASSWORD_RESET_SECONDS = 3600
    COMMENT_LIMIT = "5 per minute; 60 per day"
    # A rating replaces the reader's earlier one: changing one's mind is no flood.
    RATING_LIMIT = "30 per minute; 300 per day"
    COMMENT_EDIT_MINUTES = 15
    COMMENT_HIDE_AFTER_REPORTS = 3
    COMMENTS_PER_PAGE = 20
    # A goal enters the promise-gap view once this many residents have rated it.
    PROMISE_GAP_MIN_RATINGS = 3
    # Calendar days the municipality has to answer a committee's observation.
    OBSERVATION_ANSWER_DAYS = 15
    # Officials are reminded of an observation unanswered after this many days (and again
    # once its deadline has passed).
    OBSERVATION_REMINDER_DAYS = 10
    # Written questions each person may send for one public hearing.
    HEARING_QUESTIONS_PER_PERSON = 3
    # Uploaded files (the hearings' actas) live here; by default instance/files.
    FILES_ROOT = os.environ.get("FILES_ROOT")
    MAX_ACTA_BYTES = 10 * 2**20
    # Evidence on a report revision or an observation: files per item, and each file's size.
    EVIDENCE_MAX_FILES = 6
    EVIDENCE_MAX_BYTES = 8 * 2**20
    # No request body larger than this (an upload past it gets the 413 page).
    MAX_CONTENT_LENGTH = 24 * 2**20
    REGISTER_LIMIT = "10 per hour"
    # Without MAIL_SERVER, messages are written to the log (development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    # STARTTLS on the submission port (587), or TLS from the start (MAIL_USE_SSL=1, port 465).
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "rendicion@localhost")
    # The portal's public address, for the links in e-mails sent by the worker.
    PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:5000")


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"
    JOBS_REDIS_URL = None
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    MAIL_SERVER = "localhost"
    MAIL_SUPPRESS_SEND = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") == "1"
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def check_production(config):
    """A production start refuses the development secret key, and state kept in one process."""
    if config.get("ENV_NAME") != "production":
        return
    if config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY or len(config["SECRET_KEY"]) < 32:
        raise RuntimeError("Set SECRET_KEY to a long random value before starting in production.")
    if (config["RATELIMIT_STORAGE_URI"].startswith("memory")
            or config["CACHE_TYPE"] in ("SimpleCache", "simple")):
        raise RuntimeError("Set REDIS_URL in production: rate limits and the page cache must be "
                           "shared by every app server.")
