"""A live portal on 127.0.0.1 in a thread, and a small browser-less HTTP client for it."""
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar

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
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()))
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
