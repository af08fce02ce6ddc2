"""The read cache of pages: shared, fast, and never stale after a write."""
import socket
import uuid

import pytest

from app import create_app
from tests.conftest import TEST_REDIS_URL, redis_or_skip, sign_in, text_of
from tests.tcp_proxy import TcpProxy


def test_pages_for_visitors_are_served_from_the_cache(app):
    visitor = app.test_client()
    first = visitor.get("/metas/S7.6")
    second = visitor.get("/metas/S7.6")
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert first.get_data() == second.get_data()
    english = app.test_client()
    english.set_cookie("idioma", "en")
    assert "Goal S7.6" in text_of(english.get("/metas/S7.6"))


def test_a_signed_in_readers_page_is_kept_only_where_the_view_says(app, auth, make_user,
                                                                   client):
    auth.sign_in_as(make_user(), "resident")
    for path in ("/metas/S7.6", "/"):  # kept per kind of reader, holes filled for each
        assert client.get(path).headers["X-Cache"] == "miss"
        assert client.get(path).headers["X-Cache"] == "hit"
    client.get("/dimensiones/S")  # it shows what its reader follows: never kept
    assert "X-Cache" not in client.get("/dimensiones/S").headers


def write_comment(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    assert client.post("/metas/S7.6/comentarios",
                       data={"body": "Comentario nuevo sin caché."}).status_code == 302
    return "Comentario nuevo sin caché."


def write_rating(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user()[1], "resident")
    client.post("/metas/S7.6/calificacion", data={"stars": "5"})
    return "1 calificación de vecinos"


def write_report(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user("official")[1], "official")
    client.post("/metas/S7.6/reportes/nuevo", data={
        "quarter": "2021-T3", "status": "en_ejecucion", "progress_pct": "35",
        "narrative": "Avance sin caché."})
    return "Avance sin caché."


def write_observation(app, make_user):
    client = app.test_client()
    sign_in(app, client, make_user("moderator", committees=("CMS",))[1], "moderator")
    client.post("/metas/S7.6/observaciones", data={
        "committee": "CMS", "kind": "alerta", "body": "Observación sin caché."})
    return "Observación sin caché."


def write_moderation(app, make_user):
    author = app.test_client()
    sign_in(app, author, make_user()[1], "resident")
    author.post("/metas/S7.6/comentarios", data={"body": "Será ocultado."})
    from models import Comment, db
    with app.app_context():
        comment_id = db.session.query(Comment.id).filter_by(body="Será ocultado.").scalar()
    moderator = app.test_client()
    sign_in(app, moderator, make_user("moderator", committees=("CMS",))[1], "moderator")
    visitor = app.test_client()
    assert "Será ocultado." in text_of(visitor.get("/metas/S7.6"))
    moderator.post(f"/comentarios/{comment_id}/moderar", data={"action": "hide",
                                                               "reason": "spam"})
    return "Comentario ocultado por CMS"


# What each write changes beyond the goal's own pages, and pages it must leave cached.
WRITES = [
    (write_comment, ["/datos/metas.csv"], ["/", "/brecha", "/feed.atom", "/metas/S7.5"]),
    (write_rating, ["/brecha", "/datos/metas.csv"], ["/", "/feed.atom", "/metas/S7.5"]),
    (write_report, ["/", "/dimensiones/S", "/feed.atom", "/brecha", "/metas/S7.5"],
     ["/moderacion/registro", "/buscar?q=salud"]),
    (write_observation, ["/feed.atom", "/comites/CMS"], ["/", "/brecha", "/metas/S7.5"]),
    (write_moderation, ["/moderacion/registro"], ["/", "/metas/S7.5"]),
]


@pytest.mark.parametrize("write, changed, untouched", WRITES,
                         ids=[write.__name__ for write, *_ in WRITES])
def test_a_write_changes_the_cached_pages_that_show_it_and_only_those(app, make_user, write,
                                                                       changed, untouched):
    visitor = app.test_client()
    own = ["/metas/S7.6", "/api/v1/goals/S7.6", "/metas/S7.6/feed.atom"]
    for url in own + changed + untouched:
        visitor.get(url)
        assert visitor.get(url).headers["X-Cache"] == "hit", url
    expected = write(app, make_user)
    fresh = visitor.get("/metas/S7.6")
    assert fresh.headers["X-Cache"] == "miss"
    assert expected in text_of(fresh)
    for url in own[1:] + changed:
        assert visitor.get(url).headers["X-Cache"] == "miss", url
    for url in untouched:
        assert visitor.get(url).headers["X-Cache"] == "hit", url


def test_a_cli_import_also_invalidates(app, runner, tmp_path):
    visitor = app.test_client()
    visitor.get("/metas/S3.1")
    csv_file = tmp_path / "r.csv"
    csv_file.write_text("code,status,progress_pct,delivered,narrative,sources,cause,pim,"
                        "devengado,cui\nS3.1,en_ejecucion,15,,Casa en obra.,,,,,\n")
    assert runner.invoke(args=["reports", "import", str(csv_file), "--quarter",
                               "2021-T3"]).exit_code == 0
    assert "Casa en obra." in text_of(visitor.get("/metas/S3.1"))


@pytest.fixture
def redis_apps(migrated_app):
    """Two app servers sharing one Redis for the page cache and the rate limits."""
    redis = redis_or_skip()
    prefix = f"portal-test-{uuid.uuid4().hex}:"
    url = migrated_app.config["SQLALCHEMY_DATABASE_URI"]
    apps = [create_app("testing", SQLALCHEMY_DATABASE_URI=url, CACHE_TYPE="RedisCache",
                       CACHE_REDIS_URL=TEST_REDIS_URL, CACHE_KEY_PREFIX=prefix,
                       RATELIMIT_STORAGE_URI=TEST_REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
            for _ in range(2)]
    yield apps
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_the_cache_and_the_limits_are_shared_through_redis(redis_apps):
    first, second = (app.test_client() for app in redis_apps)
    assert first.get("/metas/S1.1").headers["X-Cache"] == "miss"
    assert second.get("/metas/S1.1").headers["X-Cache"] == "hit"
    for number in range(5):
        server = (first, second)[number % 2]
        response = server.post("/entrar", data={"email": "nadie@example.org",
                                                "password": "equivocada 12345"})
        assert response.status_code == 401
    assert first.post("/entrar", data={"email": "nadie@example.org",
                                       "password": "equivocada 12345"}).status_code == 429


def test_pages_for_visitors_start_no_session_so_they_can_be_shared(app):
    """With CSRF on, as deployed: a page that built a form would start a session of its own."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path in ("/", "/metas/S7.6", "/dimensiones/S", "/brecha", "/api/v1/goals/S7.6"):
            visitor = app.test_client()
            first = visitor.get(path)
            assert "Set-Cookie" not in first.headers, path
            assert visitor.get(path).headers["X-Cache"] == "hit", path
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_pages_are_served_when_the_cache_server_is_away(migrated_app):
    """Redis stopped (here: a port where nothing listens): pages come from the database."""
    url = migrated_app.config["SQLALCHEMY_DATABASE_URI"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nowhere = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, CACHE_TYPE="RedisCache",
                     CACHE_REDIS_URL=nowhere, RATELIMIT_STORAGE_URI=nowhere)
    client = app.test_client()
    for _ in range(2):
        response = client.get("/metas/S7.6")
        assert response.status_code == 200
        assert "Meta S7.6" in text_of(response)
    failed_sign_in = client.post("/entrar", data={"email": "nadie@example.org",
                                                  "password": "equivocada 12345"})
    assert failed_sign_in.status_code == 401


@pytest.fixture
def redis_behind_a_proxy(app):
    """The app's data (rolled back after the test) with the page cache in a Redis that the
    test can take away and bring back, as a network cut would."""
    redis = redis_or_skip()
    proxy = TcpProxy(6379)
    proxy.start()
    prefix = f"portal-test-{uuid.uuid4().hex}:"
    cut = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                     CACHE_TYPE="RedisCache", CACHE_KEY_PREFIX=prefix,
                     CACHE_REDIS_URL=f"redis://127.0.0.1:{proxy.port}/15",
                     CACHE_OPTIONS={"socket_timeout": 1, "socket_connect_timeout": 1})
    yield cut, proxy
    proxy.stop()
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_a_write_while_redis_is_away_is_seen_once_it_is_back(redis_behind_a_proxy, make_user):
    cut, proxy = redis_behind_a_proxy
    visitor = cut.test_client()
    visitor.get("/metas/S7.6")
    assert visitor.get("/metas/S7.6").headers["X-Cache"] == "hit"
    proxy.stop()
    resident = cut.test_client()
    sign_in(cut, resident, make_user()[1], "resident")
    assert resident.post("/metas/S7.6/comentarios",
                         data={"body": "Escrito sin Redis."}).status_code == 302
    assert "Escrito sin Redis." in text_of(visitor.get("/metas/S7.6"))  # from the database
    proxy.start()
    back = visitor.get("/metas/S7.6")
    assert back.headers["X-Cache"] == "miss"
    assert "Escrito sin Redis." in text_of(back)


def test_readers_of_a_page_being_drawn_wait_for_it_then_draw_it_themselves(app, monkeypatch):
    import threading

    from portal.extensions import cache
    from portal.page_cache import hits
    from portal.page_cache import store as page_cache

    kept = {}
    keep = page_cache.cache_set_many
    monkeypatch.setattr(hits, "cache_set_many", lambda values: kept.update(values) or keep(values))
    visitor = app.test_client()
    drawn = visitor.get("/metas/S7.6")
    key = next(key for key in kept if key.startswith("page:") and key.endswith(":identity"))
    with app.app_context():  # another server claimed it: it is being drawn
        cache.delete(key)
        cache.add(page_cache.DRAWING + key, 1, timeout=10)

    def drawn_elsewhere():
        with app.app_context():
            cache.set(key, kept[key])
    threading.Timer(0.1, drawn_elsewhere).start()
    waited = visitor.get("/metas/S7.6")
    assert waited.headers["X-Cache"] == "hit" and waited.get_data() == drawn.get_data()
    # A claim whose page never comes: after a moment the reader draws it.
    with app.app_context():
        cache.delete(key)
    monkeypatch.setitem(app.config, "PAGE_CACHE_WAIT", 0.1)
    alone = visitor.get("/metas/S7.6")
    assert alone.headers["X-Cache"] == "miss" and "Meta S7.6" in text_of(alone)
    with app.app_context():  # its drawing released the claim it made
        assert cache.get(page_cache.DRAWING + key) == 1  # the other server's, still there
        cache.delete(page_cache.DRAWING + key)
    with app.app_context():
        cache.delete(key)
    visitor.get("/metas/S7.6")
    with app.app_context():
        assert cache.get(page_cache.DRAWING + key) is None


def test_every_model_is_in_the_scope_table_or_shown_by_no_page():
    """A model missing from the table would leave the pages that show it stale (or, as
    counted everywhere, drawn again at every write): name its scopes, or say no page shows
    it."""
    from models import db
    from portal.page_cache.scopes import INVISIBLE, SCOPES

    models = {mapper.class_ for mapper in db.Model.registry.mappers}
    assert not set(SCOPES) & set(INVISIBLE)
    assert sorted(model.__name__ for model in models - set(SCOPES) - set(INVISIBLE)) == []
