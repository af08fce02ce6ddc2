"""``/salud``: the load balancer's question, answered for the database, Redis and the schema."""
from sqlalchemy import text

from app import create_app
from models import db
from tests.live import free_port
from tests.test_resilience import proxied_app  # noqa: F401 (a fixture)


def test_a_healthy_server_says_so(client):
    answer = client.get("/salud")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok", "redis": "not used"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_database_behind_the_code_is_unavailable(app, client):
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '0405367a0b83'"))
        db.session.commit()
    answer = client.get("/salud")
    assert answer.status_code == 503
    assert answer.get_json()["database"] == "migrations pending"


def test_redis_away_is_degraded_and_the_server_still_serves(app, client):
    app.config["JOBS_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    try:
        answer = client.get("/salud")
    finally:
        app.config["JOBS_REDIS_URL"] = None
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "degraded", "database": "ok",
                                 "redis": "unreachable"}


def test_the_database_away_is_degraded_and_back_is_healthy(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/salud").get_json()["status"] == "ok"
    proxy.stop()
    away = client.get("/salud")
    assert away.status_code == 200  # every server's lot: the balancer keeps them all
    assert away.get_json() == {"status": "degraded", "database": "unreachable",
                               "redis": "not used"}
    proxy.start()
    assert client.get("/salud").get_json()["status"] == "ok"


def test_it_answers_the_load_balancer_on_plain_http_where_pages_go_to_https(migrated_app):
    app = create_app("testing", FORCE_HTTPS=True,
                     SQLALCHEMY_DATABASE_URI=migrated_app.config["SQLALCHEMY_DATABASE_URI"])
    client = app.test_client()
    assert client.get("/acerca").status_code == 302
    assert client.get("/salud").status_code == 200
    with app.app_context():
        db.engine.dispose()
