"""A live portal on 127.0.0.1 in a thread, a small browser-less HTTP client for it, and the
SMTP server its e-mail goes to."""
import email
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from email import policy
from http.cookiejar import CookieJar

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

import config


def scratch_database(url, tmp_path, name):
    """An empty database of the same kind as ``url``, for a server of a test's own."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    admin = create_engine(config.database_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_scratch_database(url, name):
    if url.startswith("sqlite"):
        return
    admin = create_engine(config.database_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def cached_in_redis(database_url, tmp_path_factory, label, **overrides):
    """An app on a database of its own (its writes commit, as in production) with the page
    cache in Redis, as deployed; its keys and its database are gone afterwards."""
    import uuid

    import redis

    from models import db
    from tests.conftest import TEST_REDIS_URL, build_app, redis_or_skip

    redis_or_skip()
    name = f"{label}_{uuid.uuid4().hex[:12]}"
    url = scratch_database(database_url, tmp_path_factory.mktemp(label), name)
    prefix = f"portal-test-{uuid.uuid4().hex}:"
    app = build_app(url, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=TEST_REDIS_URL,
                    CACHE_KEY_PREFIX=prefix, RATELIMIT_STORAGE_URI=TEST_REDIS_URL,
                    RATELIMIT_KEY_PREFIX=prefix, **overrides)
    try:
        yield app
    finally:
        client = redis.Redis.from_url(TEST_REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        with app.app_context():
            db.engine.dispose()
        drop_scratch_database(database_url, name)


@contextmanager
def serving(app):
    """The app behind a threaded server, as `flask run` serves it; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class Visitor:
    """One person's browser: cookies kept, redirects followed, every answer recorded."""

    def __init__(self, base):
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.answers = []

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, page = error.code, error.read().decode()
        self.answers.append((path, status))
        return status, page

    def get(self, path):
        return self.request(path)

    def post(self, path, data):
        return self.request(path, data)


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages, self.raw = [], []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.raw.append(envelope.content.decode())
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An SMTP server on 127.0.0.1 that can be stopped and started again on its port (a
    stopped controller does not start again: a new one takes its place)."""

    def __init__(self):
        self.inbox, self.port, self.controller = Inbox(), free_port(), None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
