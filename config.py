"""One class per environment; secrets and the database come from the environment."""
import os


def database_url(url):
    """Use psycopg 3 for PostgreSQL whatever scheme the URL was written with."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret-key")
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


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def check_production(config):
    """A production start refuses to run with the development secret key."""
    if config.get("ENV_NAME") == "production" and (
            config["SECRET_KEY"] == Config.SECRET_KEY or len(config["SECRET_KEY"]) < 32):
        raise RuntimeError("Set SECRET_KEY to a long random value before starting in production.")
