"""Two app servers behind a real load balancer (HAProxy), sharing PostgreSQL and Redis: a
reader's session, the pages, the rate limits and a form's one-time token hold whichever
server answers, and one server dying fails no reader's request."""
import os
import re
import socket
import threading
import time
import urllib.parse
import uuid

import flask_migrate
import pytest
from sqlalchemy import func, select

import config
from app import create_app
from models import Comment, db
from portal.importers import parse_plan_file
from portal.services.accounts import create_user
from portal.services.committees import seed_committees
from portal.services.plan import import_plan
from tests.cluster import HAPROXY, Cluster
from tests.conftest import PASSWORDS, PLAN_FILE, TEST_REDIS_URL, redis_or_skip
from tests.live import Visitor, drop_scratch_database, scratch_database

EMAIL = "vecina@example.org"
CLUSTER_REDIS_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + "/12"


@pytest.fixture(scope="module")
def cluster(database_url, tmp_path_factory):
    if not database_url.startswith("postgres"):
        pytest.skip("several app servers share PostgreSQL")
    if not os.path.exists(HAPROXY):
        if os.environ.get("CI"):
            pytest.fail("HAProxy is not installed (make test installs it)")
        pytest.skip("HAProxy is not installed")
    redis = redis_or_skip().Redis.from_url(CLUSTER_REDIS_URL)
    redis.flushdb()
    name = f"cluster_{uuid.uuid4().hex[:12]}"
    url = scratch_database(database_url, tmp_path_factory.mktemp("cluster"), name)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url))
    with app.app_context():
        flask_migrate.upgrade()
        import_plan(parse_plan_file(PLAN_FILE))
        seed_committees()
        create_user(EMAIL, "Vecina Rosa", "resident", PASSWORDS["resident"])
        db.session.commit()
    with Cluster(url, CLUSTER_REDIS_URL) as running:
        yield running, app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    redis.flushdb()
    drop_scratch_database(database_url, name)


class Browser(Visitor):
    """One person's browser, pointed at whole addresses: its cookies go to whichever
    server it asks."""

    def __init__(self):
        super().__init__("")

    def form(self, url, **fields):
        """The hidden fields of the first form on the page with the CSRF token."""
        _, page = self.get(url)
        found = dict(re.findall(r'name="(csrf_token|once)" type="hidden" value="([^"]+)"',
                                page))
        return found | fields

    def sign_in(self, base, password=PASSWORDS["resident"]):
        return self.post(base + "/entrar", self.form(base + "/entrar", email=EMAIL,
                                                      password=password))


def comments_saying(app, body):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Comment)
                                 .where(Comment.body == body))


def test_a_session_begun_on_one_server_goes_on_and_ends_on_the_other(cluster):
    running, _ = cluster
    one, other = (server.base for server in running.servers)
    browser = Browser()
    assert browser.sign_in(one)[0] == 200
    status, page = browser.get(other + "/cuenta")
    assert status == 200 and EMAIL in page
    browser.post(other + "/salir", browser.form(other + "/cuenta"))
    status, page = browser.get(one + "/cuenta")  # sent to sign in again
    assert status == 200 and text_of_html(page).startswith("Entrar ·")


def text_of_html(page):
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_comment_posted_through_one_server_is_on_the_page_the_other_serves(cluster):
    running, app = cluster
    one, other = (server.base for server in running.servers)
    reader = Browser()
    assert "Comentario desde el primer servidor" not in reader.get(other + "/metas/S2.1")[1]
    browser = Browser()
    browser.sign_in(one)
    body = "Comentario desde el primer servidor"
    status, _ = browser.post(one + "/metas/S2.1/comentarios",
                             browser.form(one + "/metas/S2.1", body=body))
    assert status == 200 and comments_saying(app, body) == 1
    assert body in reader.get(other + "/metas/S2.1")[1]  # no stale page, at once


def test_a_form_sent_again_after_its_answer_was_cut_off_is_stored_once(cluster):
    running, app = cluster
    one = running.servers[0]
    browser = Browser()
    browser.sign_in(running.base)
    body = "Comentario cuya respuesta se perdió"
    fields = browser.form(running.base + "/metas/S3.1", body=body)
    assert "once" in fields
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    sent = urllib.parse.urlencode(fields).encode()
    with socket.create_connection(("127.0.0.1", one.port)) as connection:
        connection.sendall(b"POST /metas/S3.1/comentarios HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n"
                           + f"Cookie: {cookie}\r\nContent-Length: {len(sent)}\r\n"
                             "Connection: close\r\n\r\n".encode() + sent)
        connection.shutdown(socket.SHUT_WR)  # gone before its answer is read
    deadline = time.monotonic() + 10
    while comments_saying(app, body) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert comments_saying(app, body) == 1
    status, page = browser.post(running.base + "/metas/S3.1/comentarios", fields)
    assert status == 200
    assert "Ya lo había enviado; se registró una sola vez." in text_of_html(page)
    assert comments_saying(app, body) == 1


def test_the_sign_in_limit_counts_requests_across_both_servers(cluster):
    running, _ = cluster
    one, other = (server.base for server in running.servers)
    statuses = []
    for attempt in range(6):
        base = (one, other)[attempt % 2]
        browser = Browser()
        statuses.append(browser.sign_in(base, password="no-es-la-clave")[0])
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_one_server_killed_under_steady_reads_fails_no_request(cluster):
    running, _ = cluster
    paths = ["/", "/metas/S7.6", "/metas/S1.1", "/dimensiones/A", "/objetivos/I3"]
    answers, stop = [], threading.Event()

    def read():
        browser = Browser()
        number = 0
        while not stop.is_set():
            status, _ = browser.get(running.base + paths[number % len(paths)])
            answers.append((time.monotonic(), status))
            number += 1

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(2)
        running.kill(1)
        killed = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)
    after = [status for moment, status in answers if moment > killed]
    assert len(after) > 20  # the load went on through the server left
    assert [status for _, status in answers if status != 200] == []
