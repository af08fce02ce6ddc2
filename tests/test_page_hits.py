"""A page from the cache as it was sent, answered before the portal's per-request work, from
the cache server's mirror of the versions: what it costs, and that it is never stale."""
import gzip
import time

import brotli
import pytest
from backports import zstd
from sqlalchemy import event, select
from werkzeug.test import EnvironBuilder

from models import CacheVersion, db
from portal.extensions import limiter
from portal.page_cache import mirror as mirror_module
from portal.page_cache.mirror import TRUST_SECONDS, RedisMirror
from tests.conftest import PASSWORDS, TEST_REDIS_URL, sign_in, text_of
from tests.live import cached_in_redis

# What a page from the cache costs, counted: a change that adds a statement or a round trip
# to a hit fails here. A visitor's hit: one script on the cache server (the versions under
# the trust mark, and the page). A reader's, once their card and their marks on the page are
# kept: one script too, which reads them with the page.
VISITOR_HIT = {"statements": 0, "redis": 1}
READER_HIT = {"/metas/S7.6": {"statements": 0, "redis": 1}, "/": {"statements": 0, "redis": 1}}
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                    "Referrer-Policy", "Permissions-Policy")


@pytest.fixture(scope="module")
def served(database_url, tmp_path_factory):
    """A database of its own (its writes commit, as in production) and an app on it with the
    page cache in Redis, as deployed; one resident."""
    with cached_in_redis(database_url, tmp_path_factory, "hits",
                         SIGN_IN_LIMIT="1000 per minute", COMMENT_LIMIT="1000 per minute") as app:
        from portal.services.accounts import create_user

        with app.app_context():
            user = create_user("vecina.hits@example.org", "Vecina", "resident",
                               PASSWORDS["resident"])
            from models.base import utcnow
            user.confirmed_at = utcnow()
            db.session.commit()
        yield app


def costs(app, client, path, **headers):
    """The answer to ``path`` and the statements and cache-server commands it took."""
    import redis

    counted = {"statements": 0, "redis": 0}

    def statement(_connection, _cursor, sql, *_):
        # SQLite's BEGIN, which this app writes itself (PostgreSQL's driver sends its own).
        counted["statements"] += not sql.startswith("BEGIN")
    original = redis.Redis.execute_command

    def command(self, *args, **options):
        counted["redis"] += 1
        return original(self, *args, **options)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    redis.Redis.execute_command = command
    try:
        response = client.get(path, headers=headers)
    finally:
        redis.Redis.execute_command = original
        event.remove(engine, "before_cursor_execute", statement)
    return response, counted


def warm(client, path, base_url="http://localhost", **headers):
    """Read a page until the cache answers it (the first reading draws it; the mirror's
    trust is renewed on the way)."""
    for _ in range(3):
        if client.get(path, headers=headers, base_url=base_url).headers.get("X-Cache") == "hit":
            return
    raise AssertionError(f"{path} never came from the cache")


def test_a_visitors_hit_is_one_round_trip_to_the_cache_server(served, lasting_trust):
    visitor = served.test_client()
    for path in ("/metas/S7.6", "/", "/dimensiones/S", "/api/v1/goals/S7.6"):
        warm(visitor, path)
        response, counted = costs(served, visitor, path)
        assert response.headers["X-Cache"] == "hit", path
        assert counted == VISITOR_HIT, path


def test_a_signed_in_readers_hit_costs_one_round_trip_once_their_card_is_kept(
        served, lasting_trust):
    reader = served.test_client()
    sign_in(served, reader, "vecina.hits@example.org", "resident")
    for path, budget in READER_HIT.items():
        warm(reader, path)
        for _ in range(3):  # which reader the session is, their card, their marks: kept
            reader.get(path)
        response, counted = costs(served, reader, path)
        assert response.headers["X-Cache"] == "hit", path
        assert "Vecina" in text_of(response)  # their own header, filled in
        assert counted == budget, path


def test_a_hit_is_the_page_as_it_was_sent_in_the_encoding_asked_for(served):
    visitor = served.test_client()
    drawn = visitor.get("/metas/S7.6")
    assert drawn.headers["X-Cache"] in ("miss", "hit")
    plain = drawn.get_data()
    decoders = {"gzip": gzip.decompress, "br": brotli.decompress,
                "zstd": zstd.decompress, "identity": lambda body: body}
    for asked, encoding in (("gzip", "gzip"), ("br;q=1, gzip;q=0.5", "br"),
                            ("zstd, br, gzip", "zstd"), ("", "identity"),
                            ("gzip;q=0, identity", "identity")):
        warm(visitor, "/metas/S7.6", **{"Accept-Encoding": asked})
        hit = visitor.get("/metas/S7.6", headers={"Accept-Encoding": asked})
        assert hit.headers["X-Cache"] == "hit"
        assert hit.headers.get("Content-Encoding", "identity") == encoding, asked
        assert int(hit.headers["Content-Length"]) == len(hit.get_data())
        assert decoders[encoding](hit.get_data()) == plain, asked
        assert "Accept-Encoding" in hit.headers["Vary"]
        for name in SECURITY_HEADERS:
            assert hit.headers[name] == drawn.headers[name], name
        assert "Set-Cookie" not in hit.headers


def test_the_portal_answers_what_the_front_layer_must_not(served):
    """A GET counted by a rate limit, a page for HTTPS asked over HTTP, a HEAD, an address
    that redirects: each reaches the portal, which answers it as always."""
    visitor = served.test_client()
    warm(visitor, "/metas/S7.5")
    view = served.view_functions["plan.goal"]

    def limited_goal(**arguments):  # the goal page, its GETs counted by a limit
        return view(**arguments)
    limited_goal.__dict__.update(view.__dict__)  # cached as the goal page is
    served.view_functions["plan.goal"] = limiter.limit("2 per minute",
                                                       methods=["GET"])(limited_goal)
    from portal.page_cache.hits import LIMITED

    served.extensions[LIMITED].clear()
    try:
        answers = [visitor.get("/metas/S7.5").status_code for _ in range(3)]
        assert answers == [200, 200, 429]
    finally:
        served.view_functions["plan.goal"] = view
        served.extensions[LIMITED].clear()
        limiter.reset()
    warm(visitor, "/metas/S7.5")
    warm(visitor, "/metas/S7.5", base_url="https://localhost")
    served.config["FORCE_HTTPS"] = True
    try:  # sent on to the portal, which sends it to HTTPS (Talisman)
        assert served.wsgi_app.answer(EnvironBuilder("/metas/S7.5").get_environ()) is None
        assert served.wsgi_app.answer(EnvironBuilder(
            "/metas/S7.5", base_url="https://localhost").get_environ()) is not None
    finally:
        served.config["FORCE_HTTPS"] = False
    assert visitor.head("/metas/S7.5").status_code == 200
    assert visitor.get("/metas/s7.5").status_code in (200, 301, 302, 308)


def post_comment(app, body):
    resident = app.test_client()
    sign_in(app, resident, "vecina.hits@example.org", "resident")
    started = time.monotonic()
    answer = resident.post("/metas/S7.6/comentarios", data={"body": body})
    assert answer.status_code == 302
    return time.monotonic() - started


def test_a_commit_that_cannot_mirror_its_versions_answers_once_the_mirror_is_not_trusted(
        served, monkeypatch):
    """The writer's own link to the cache server fails after its commit, while every
    reader's works: the writer answers only once the trust the readers had has lapsed, so
    the first page read after its answer shows its comment."""
    visitor = served.test_client()
    warm(visitor, "/metas/S7.6")
    import redis

    def away(*_args, **_kwargs):
        raise redis.ConnectionError("the cache server is away from this server")
    monkeypatch.setattr(RedisMirror, "raise_to", away)
    waited = post_comment(served, "Comentario sin espejo.")
    monkeypatch.undo()
    assert waited >= TRUST_SECONDS
    after = visitor.get("/metas/S7.6")
    assert "Comentario sin espejo." in text_of(after)
    warm(visitor, "/metas/S7.6")  # the renewal mirrored it: the cache answers again
    assert "Comentario sin espejo." in text_of(visitor.get("/metas/S7.6"))
    with served.app_context():
        assert not db.session.scalars(select(CacheVersion).where(CacheVersion.pending)).all()


def test_a_commit_that_dies_before_mirroring_is_seen_within_the_trust(served, monkeypatch):
    """A server killed between its commit and its mirroring never answered; its versions,
    pending in the database, are mirrored by the next renewal of the trust."""
    visitor = served.test_client()
    warm(visitor, "/metas/S7.6")
    monkeypatch.setattr(RedisMirror, "raise_to", lambda self, versions, whole=False: None)
    post_comment(served, "Comentario de un servidor caído.")
    monkeypatch.undo()
    time.sleep(TRUST_SECONDS)
    assert "Comentario de un servidor caído." in text_of(visitor.get("/metas/S7.6"))


def test_a_cache_server_emptied_is_trusted_again_once_renewed_whole(served):
    import redis

    visitor = served.test_client()
    warm(visitor, "/metas/S7.6")
    prefix = served.config["CACHE_KEY_PREFIX"]
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    post_comment(served, "Escrito con la caché vacía.")
    for key in client.scan_iter(f"{prefix}*"):  # emptied again: only this commit's versions
        if key != f"{prefix}{mirror_module.HASH}".encode():
            client.delete(key)
    assert client.hget(f"{prefix}{mirror_module.HASH}", mirror_module.WHOLE) is None
    assert "Escrito con la caché vacía." in text_of(visitor.get("/metas/S7.6"))
    warm(visitor, "/metas/S7.6")
    assert client.hget(f"{prefix}{mirror_module.HASH}", mirror_module.WHOLE) is not None
    with served.app_context():
        versions = dict(db.session.execute(select(CacheVersion.scope, CacheVersion.version)).all())
        mirrored = mirror_module.Mirror.for_app(served).read(list(versions))
    assert mirrored == list(versions.values())


def test_the_mirror_never_goes_back(served):
    with served.app_context():
        kept = mirror_module.Mirror.for_app(served)
        kept.raise_to({"test:scope": 5})
        kept.raise_to({"test:scope": 3})  # an older commit mirrored after a newer one
        assert kept.read(["test:scope"]) == [5]
        kept.raise_to({"test:scope": 6})
        assert kept.read(["test:scope"]) == [6]


def test_without_redis_the_mirror_is_never_trusted(app):
    """A development server's cache (SimpleCache): pages are looked up under the database's
    versions, as before the mirror."""
    from portal.page_cache.mirror import Mirror

    assert not app.extensions["version_mirror"].trusted
    assert type(app.extensions["version_mirror"]) is Mirror


def test_a_readers_hit_that_would_write_is_left_to_the_portal(served):
    """A page from the cache answered in front of the portal writes nothing: where loading
    its reader would (their session's use to note, once a minute), the portal answers it,
    and notes it."""
    from datetime import timedelta

    from models import UserSession
    from models.base import aware, utcnow

    reader = served.test_client()
    sign_in(served, reader, "vecina.hits@example.org", "resident")
    warm(reader, "/metas/S7.6")
    with served.app_context():
        sessions = db.session.scalars(select(UserSession).join(UserSession.user).where(
            UserSession.user.has(email="vecina.hits@example.org"))).all()
        tokens = [kept.token for kept in sessions]
        for kept in sessions:
            kept.last_seen_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    page = reader.get("/metas/S7.6")
    assert page.headers["X-Cache"] == "hit" and "Vecina" in text_of(page)
    with served.app_context():
        seen = [aware(kept.last_seen_at) for kept in db.session.scalars(
            select(UserSession).where(UserSession.token.in_(tokens)))]
    assert max(seen) > utcnow() - timedelta(minutes=1)
