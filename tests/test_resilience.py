"""With the database down the portal says so, and recovers by itself when it is back."""
import uuid
from urllib.parse import urlsplit

import flask_migrate
import pytest

import config
from app import create_app
from models import db
from portal.importers import parse_plan_file
from portal.services.accounts import create_user
from portal.services.plan import import_plan
from tests.conftest import PASSWORDS, PLAN_FILE, sign_in, text_of
from tests.live import drop_scratch_database, scratch_database
from tests.tcp_proxy import TcpProxy


@pytest.fixture(params=[False, True], ids=["no-cache", "cache"])
def proxied_app(request, migrated_app, database_url):
    if not database_url.startswith("postgres"):
        pytest.skip("a database server to take away is needed: PostgreSQL")
    parts = urlsplit(database_url)
    proxy = TcpProxy(parts.port or 5432, parts.hostname)
    proxy.start()
    url = parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}").geturl()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url),
                     PAGE_CACHE=request.param)
    yield app, proxy
    proxy.stop()


def test_database_down_answers_503_then_recovers(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/metas/S7.6").status_code == 200

    proxy.stop()
    if app.config["PAGE_CACHE"]:
        # Pages already in the cache are still served while the database is away.
        assert client.get("/metas/S7.6").status_code == 200
    down = client.get("/metas/S7.5")
    assert down.status_code == 503
    assert down.headers["Retry-After"] == "60"
    assert "El portal no está disponible en este momento" in text_of(down)
    api = client.get("/api/v1/goals/S7.4")
    assert api.status_code == 503 and api.get_json()["error"]["status"] == 503

    proxy.start()
    assert client.get("/metas/S7.5").status_code == 200
    assert client.get("/api/v1/goals/S7.6").status_code == 200


def test_a_signed_in_resident_writing_with_the_database_away_is_told_503(database_url,
                                                                        tmp_path):
    """The reader is loaded from the database too: the page that says it is away is drawn
    without them, never a 500."""
    if not database_url.startswith("postgres"):
        pytest.skip("a database server to take away is needed: PostgreSQL")
    name = f"away_{uuid.uuid4().hex[:12]}"
    url = scratch_database(database_url, tmp_path, name)
    proxy = TcpProxy(urlsplit(url).port or 5432)
    proxy.start()
    proxied = urlsplit(url)._replace(netloc=f"{urlsplit(url).username}@127.0.0.1:{proxy.port}")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(proxied.geturl()))
    try:
        with app.app_context():
            flask_migrate.upgrade()
            import_plan(parse_plan_file(PLAN_FILE))
            create_user("vecina@example.org", "Vecina", "resident", PASSWORDS["resident"])
            db.session.commit()
        client = app.test_client()
        sign_in(app, client, "vecina@example.org", "resident")
        proxy.stop()
        answer = client.post("/metas/S7.6/comentarios", data={"body": "Sin base de datos"})
        assert answer.status_code == 503
        assert "El portal no está disponible en este momento" in text_of(answer)
        proxy.start()
        assert client.post("/metas/S7.6/comentarios",
                           data={"body": "Con base de datos"}).status_code == 302
    finally:
        proxy.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_scratch_database(database_url, name)


def test_a_commit_the_database_refuses_is_answered_503(app, make_user, monkeypatch):
    """The connection dropped between the page's last statement and its commit: the request's
    commit happens after the view, where no error handler sees it; it answers the 503 page
    all the same, never a 500."""
    from sqlalchemy.exc import OperationalError

    from portal import jobs

    def dropped():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    monkeypatch.setattr(jobs, "commit", dropped)
    answer = client.post("/metas/S7.6/comentarios", data={"body": "Se perdió la conexión"})
    assert answer.status_code == 503
    assert "El portal no está disponible en este momento" in text_of(answer)
