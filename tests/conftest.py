"""Fixtures: the app on every database backend, each test inside a rolled-back transaction."""
import os
import re
import time
from pathlib import Path

import flask_migrate
import pyotp
import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import scoped_session, sessionmaker

import config
from app import create_app
from models import db
from portal.extensions import cache, limiter
from portal.permissions import STAFF_ROLES
from portal.importers import parse_plan_file
from portal.services.committees import seed_committees
from portal.services.municipalities import seed_municipalities, staff_municipality
from portal.services.places import seed_places
from portal.services.plan import import_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "data" / "plan-ilo-2019-2022.txt"
ILO = "180301"
SECOND_PLAN_FILE = ROOT / "tests" / "data" / "plan-jne-pacocha-demostracion.json"
TEST_DATA = Path(__file__).resolve().parent / "data"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    """The redis module, once the test Redis answers; CI fails without it, others skip."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        message = f"Redis is not running at {TEST_REDIS_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return redis


def text_of(response):
    """What a reader sees of a page: its text, tags dropped, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def count(app, model, **where):
    """How many rows of ``model`` match ``where`` (column name to value)."""
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


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


def build_app(url, **overrides):
    """A testing app on ``url``, migrated to the newest schema, holding the seed plan."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url), **overrides)
    with app.app_context():
        flask_migrate.upgrade()
        seed_municipalities()
        import_plan(parse_plan_file(PLAN_FILE, ubigeo=ILO))
        # A second municipality, loaded from a JNE file labelled as a demonstration.
        import_plan(parse_plan_file(SECOND_PLAN_FILE))
        seed_committees()
        seed_places()
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
    limiter.reset()
    with migrated_app.app_context():
        cache.clear()  # pages of a rolled-back test must not outlive it
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


@pytest.fixture(autouse=True)
def _one_limiter_state():
    """Flask-Limiter keeps its storage on the one Limiter object, and every create_app
    rebinds it; a test that builds an app of its own (on Redis, say) gives it back."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)


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


PASSWORDS = {
    "resident": "una clave de vecina segura",
    "moderator": "una clave de comité segura",
    "official": "una clave municipal muy segura",
    "admin": "una clave de administración segura",
}


@pytest.fixture
def make_user(app):
    """Factory: a confirmed account with the role's test password."""
    from models.base import utcnow
    from portal.services.accounts import create_user

    counter = iter(range(1, 10_000))

    def make(role="resident", committees=(), name=None, deactivated=False, email=None,
             municipality=None, national=False):
        """``municipality``: the address of the one a staff account serves; ``national``:
        an admin of the national portal."""
        with app.app_context():
            number = next(counter)
            user = create_user(email or f"{role}{number}@example.org", name or f"{role} {number}",
                               role, PASSWORDS[role], committees,
                               staff_municipality(municipality), national=national)
            if role in STAFF_ROLES:
                user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), utcnow()
            if deactivated:
                user.deactivated_at = utcnow()
            db.session.commit()
            return user.id, user.email
    return make


def totp_code(secret, last_step):
    """A code the portal will accept: for a time step after the last one it took."""
    totp = pyotp.TOTP(secret)
    while True:
        now = totp.timecode(time.time())
        for step in (now, now + 1):
            if last_step is None or step > last_step:
                return totp.generate_otp(step)
        time.sleep(1)


def second_factor_code(app, email):
    from models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return totp_code(user.totp_secret, user.totp_last_step)


def sign_in(app, client, email, role):
    """Password, then the second factor for officials and admins; returns the last answer."""
    response = client.post("/entrar", data={"email": email, "password": PASSWORDS[role]})
    assert response.status_code == 302, response.get_data(as_text=True)
    if "/entrar/segundo-factor" in response.headers["Location"]:
        response = client.post("/entrar/segundo-factor",
                               data={"code": second_factor_code(app, email)})
        assert response.status_code == 302, response.get_data(as_text=True)
    return response


class Auth:
    def __init__(self, app, client):
        self.app = app
        self.client = client

    def sign_in(self, email, password):
        return self.client.post("/entrar", data={"email": email, "password": password})

    def sign_in_as(self, user, role):
        return sign_in(self.app, self.client, user[1], role)

    def sign_out(self):
        return self.client.post("/salir")


@pytest.fixture
def auth(app, client):
    return Auth(app, client)


@pytest.fixture
def mail_outbox(app):
    from portal.extensions import mail

    with mail.record_messages() as outbox:
        yield outbox


@pytest.fixture
def lasting_trust(served, monkeypatch):
    """The mirror of the versions of the module's app on Redis (its ``served`` fixture)
    trusted for longer than a test's few requests may take on a slow machine, so that no
    renewal falls into what is counted."""
    import redis

    from portal.page_cache import mirror
    from portal.page_cache.versions import renew_trust

    monkeypatch.setattr(mirror, "TRUST_SECONDS", 60)
    client, prefix = redis.Redis.from_url(TEST_REDIS_URL), served.config["CACHE_KEY_PREFIX"]
    client.delete(prefix + mirror.RENEWING)
    with served.app_context():
        renew_trust()
    yield
    client.delete(prefix + mirror.TRUSTED)  # a trust longer than writers wait for
