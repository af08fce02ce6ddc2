"""With the database down the portal says so, and recovers by itself when it is back."""
from urllib.parse import urlsplit

import pytest

import config
from app import create_app
from tests.conftest import text_of
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
