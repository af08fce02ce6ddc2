"""Fixtures: the app on every database backend, each test inside a rolled-back transaction."""
import os
from pathlib import Path

import flask_migrate
import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

import config
from app import create_app
from models import db
from portal.importers import parse_plan_file
from portal.services.plan import import_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "data" / "plan-ilo-2019-2022.txt"
TEST_DATA = Path(__file__).resolve().parent / "data"


def fresh_postgresql(url):
    """An empty public schema, so migrations run from the start."""
    engine = create_engine(config.database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.sqlite3'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        message = ("PostgreSQL run skipped: set TEST_DATABASE_URL, e.g. "
                   "postgresql://postgres@127.0.0.1:5432/test")
        if os.environ.get("REQUIRE_POSTGRESQL"):
            pytest.fail(message)
        pytest.skip(message)
    fresh_postgresql(url)
    return url


def build_app(url):
    """A testing app on ``url``, migrated to the newest schema, holding the seed plan."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url))
    with app.app_context():
        flask_migrate.upgrade()
        import_plan(parse_plan_file(PLAN_FILE))
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def migrated_app(database_url):
    app = build_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(migrated_app):
    """The app; whatever a test writes is rolled back when it ends.

    No app context stays pushed, so each request gets its own, as in production.
    """
    with migrated_app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    # Flask-SQLAlchemy's session picks its engine itself; a plain one honours the bind.
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id)
    try:
        yield migrated_app
    finally:
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def app_ctx(app):
    """For tests that read or write the database themselves."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def english(client):
    client.set_cookie("idioma", "en")
    return client
