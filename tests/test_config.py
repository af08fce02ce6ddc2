import pytest

import config
from app import create_app


def test_testing_config_reaches_the_app(app):
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"


def test_default_is_an_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url("sqlite:///portal.sqlite3") == "sqlite:///portal.sqlite3"
    assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")


@pytest.mark.parametrize("url", [
    "postgres://postgres@127.0.0.1:5432/test",
    "postgresql://postgres@127.0.0.1:5432/test",
])
def test_postgresql_urls_use_psycopg_3(url):
    assert config.database_url(url) == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


REDIS = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15", "CACHE_TYPE": "RedisCache",
         "CACHE_REDIS_URL": "redis://127.0.0.1:6379/15"}


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", **REDIS)


def test_production_refuses_state_kept_in_one_process():
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 40)


def test_production_starts_with_a_real_secret_key_and_redis():
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 40,
                     **REDIS)
    assert app.config["SESSION_COOKIE_SECURE"]


def test_the_migrations_build_exactly_the_models(app_ctx):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models import db

    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "run: flask --app app db migrate"


def test_production_reads_its_secret_key_from_the_environment(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    reloaded = importlib.reload(config)
    try:
        app = create_app(reloaded.ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://",
                         **REDIS)
        assert app.config["SECRET_KEY"] == "k" * 40
    finally:
        monkeypatch.delenv("SECRET_KEY")
        importlib.reload(config)
