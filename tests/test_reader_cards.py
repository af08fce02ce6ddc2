"""A signed-in reader's page answered from their card kept in the cache server
(``portal.page_cache.readers``): the page the portal would have filled for them, and never
older than a write that changed what it shows of them."""
import itertools
import re

import pytest
from flask import session
from flask_wtf.csrf import validate_csrf
from sqlalchemy import func, insert, select

from models import Comment, Committee, Notification, Objective, User, db
from models.base import utcnow
from tests.conftest import PASSWORDS, sign_in
from tests.live import cached_in_redis
from tests.test_page_hits import costs

# Each test with the mirror trusted throughout; a commit still mirrors what it bumps before
# it answers.
pytestmark = pytest.mark.usefixtures("lasting_trust")
GOAL = "/metas/S7.6"
numbers = itertools.count(1)


@pytest.fixture(scope="module")
def served(database_url, tmp_path_factory):
    with cached_in_redis(database_url, tmp_path_factory, "cards",
                         SIGN_IN_LIMIT="1000 per minute", COMMENT_LIMIT="1000 per minute",
                         RATING_LIMIT="1000 per minute") as app:
        yield app


def resident(app, role="resident", committees=()):
    """A new account signed in: its id, its name and its browser."""
    from portal.services.accounts import create_user

    name = f"Vecina Cards {next(numbers)}"
    email = name.lower().replace(" ", ".") + "@example.org"
    with app.app_context():
        user = create_user(email, name, role, PASSWORDS[role], list(committees))
        user.confirmed_at = utcnow()
        db.session.commit()
        user_id = user.id
    browser = app.test_client()
    sign_in(app, browser, email, role)
    return user_id, name, browser


def from_card(app, browser, path=GOAL, **headers):
    """The page as the front layer answers it from its reader's card: read until it costs
    no statement (the first readings keep which reader the session is, their card and
    their marks on the page)."""
    for _ in range(6):
        response, counted = costs(app, browser, path, **headers)
        if response.headers.get("X-Cache") == "hit" and counted["statements"] == 0:
            assert counted["redis"] == 1
            return response
    raise AssertionError(f"{path} never came from its reader's card")


def drawn(app, browser, path=GOAL):
    """The page as the portal draws and fills it, the cache aside."""
    app.config["PAGE_CACHE"] = False
    try:
        return browser.get(path)
    finally:
        app.config["PAGE_CACHE"] = True


def html_of(response):
    return response.get_data(as_text=True)


TOKENS = re.compile(r'<input\b[^>]*\bname="(csrf_token|once)"[^>]*>')


def without_tokens(html):
    """A page but its reader's tokens, which each answer draws anew."""
    return TOKENS.sub(lambda tag: f'<input name="{tag[1]}">', html)


def test_a_page_from_the_card_is_the_page_the_portal_draws_for_its_reader(served):
    author_id, name, browser = resident(served)
    other_id, other_name, other = resident(served)
    for writer, body in ((browser, "Mi propio comentario sobre la meta"),
                         (other, "El comentario de otra vecina")):
        assert writer.post(f"{GOAL}/comentarios", data={"body": body}).status_code == 302
    browser.get(GOAL)  # the message after commenting, shown once
    for language, path in itertools.product(("es", "en"), (GOAL, "/", "/m/pacocha/metas/S1.1",
                                                         "/m/pacocha/")):
        browser.set_cookie(served.config["LANGUAGE_COOKIE"], language)
        kept, fresh = from_card(served, browser, path), drawn(served, browser, path)
        assert without_tokens(html_of(kept)) == without_tokens(html_of(fresh)), path
        for header in ("Content-Type", "Vary", "Content-Security-Policy", "X-Frame-Options",
                       "Referrer-Policy", "Cache-Control"):
            assert kept.headers.get(header) == fresh.headers.get(header), (path, header)
        assert "Set-Cookie" not in kept.headers
    assert "Notifications" in html_of(kept) and name in html_of(kept)  # their header, in English
    browser.set_cookie(served.config["LANGUAGE_COOKIE"], "es")
    page = html_of(from_card(served, browser))
    with served.app_context():
        own = db.session.scalar(select(Comment.id).where(Comment.author_id == author_id))
    assert f'href="/comentarios/{own}/editar"' in page  # their own: edit and delete
    assert f'action="/comentarios/{own}/eliminar"' in page
    assert page.count("/editar\"") == 1  # the other's: report only
    assert name in page
    theirs = html_of(from_card(served, other))  # the same page kept, for the other reader
    assert f'href="/comentarios/{own}/editar"' not in theirs and theirs.count("/editar\"") == 1
    assert other_name in theirs and name not in theirs.split("</header>")[0]


def test_a_page_from_the_card_is_compressed_as_asked(served):
    import gzip

    browser = resident(served)[2]
    plain = without_tokens(html_of(from_card(served, browser, **{"Accept-Encoding": ""})))
    compressed = from_card(served, browser, **{"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert int(compressed.headers["Content-Length"]) == len(compressed.get_data())
    assert without_tokens(gzip.decompress(compressed.get_data()).decode()) == plain


def test_the_forms_of_a_page_from_the_card_carry_their_sessions_csrf_token(served):
    browser = resident(served)[2]
    page = html_of(from_card(served, browser))
    tokens = set(re.findall(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page))
    assert len(tokens) == 1
    onces = re.findall(r'name="once"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="once"', page)
    assert len({a or b for a, b in onces}) == len(onces) > 0  # each form its own
    cookie = browser.get_cookie(served.config["SESSION_COOKIE_NAME"]).value
    opened = served.session_interface.get_signing_serializer(served).loads(cookie)
    with served.test_request_context():
        session["csrf_token"] = opened["csrf_token"]
        validate_csrf(tokens.pop())  # raises when the session would refuse it


def test_another_browser_with_the_same_cookie_is_answered_by_the_portal(served):
    browser = resident(served)[2]
    from_card(served, browser)
    response, counted = costs(served, browser, GOAL, **{"User-Agent": "another browser"})
    assert counted["statements"] > 0


# Each write that changes what a page shows its reader of themselves, and what the page
# shows after it. ``write(app, reader)`` writes in the database or through the portal.

def notified(app, reader):
    from portal.services.notifications import notify_users

    with app.app_context():
        goal_id = db.session.scalar(select(Comment.goal_id).limit(1))
        notify_users([reader[0]], "reply", f"cards:{next(numbers)}", goal_id,
                     "", "{}")


def read_all(app, reader):
    assert reader[2].post("/notificaciones/leidas").status_code == 302


def bulk_notified(app, reader):
    """A bulk statement that does not say whose rows it wrote: every reader's card goes."""
    with app.app_context():
        db.session.execute(insert(Notification).values(
            user_id=reader[0], event="reply", key=f"bulk:{next(numbers)}",
            anchor="", details="{}", created_at=utcnow()))
        db.session.commit()


def renamed(app, reader):
    response = reader[2].post("/cuenta/nombre", data={"name-display_name": "Otro Nombre"})
    assert response.status_code == 302


def followed(app, reader):
    assert reader[2].post("/seguir/goal/S7.6").status_code == 302


def unfollowed(app, reader):
    assert reader[2].post("/dejar-de-seguir/goal/S7.6").status_code == 302


def rated(app, reader):
    assert reader[2].post(f"{GOAL}/calificacion", data={"stars": "4"}).status_code == 302


def deactivated(app, reader):
    with app.app_context():
        db.session.get(User, reader[0]).deactivated_at = utcnow()
        db.session.commit()


def nothing(app, reader):
    pass


# Each: what is written first, then the write, and what the page shows after it only.
WRITES = {
    "a notification": (nothing, notified, lambda page, reader: "(1 sin leer)" in page),
    "every notification read": (notified, read_all,
                                lambda page, reader: "sin leer" not in page),
    "a notification written in bulk": (nothing, bulk_notified,
                                       lambda page, reader: "(1 sin leer)" in page),
    "a new name": (nothing, renamed, lambda page, reader: "Otro Nombre" in page
                   and reader[1] not in page),
    "a follow": (nothing, followed, lambda page, reader: "Dejar de seguir" in page),
    "a follow ended": (followed, unfollowed,
                       lambda page, reader: "Dejar de seguir" not in page),
    "a rating": (nothing, rated, lambda page, reader: any(
        "checked" in tag for tag in re.findall(r'<input[^>]*id="rating-[^>]*value="4"[^>]*>',
                                               page))),
    "the account deactivated": (nothing, deactivated, lambda page, reader: reader[1] not in page
                                and 'href="/entrar"' in page),
}


@pytest.mark.parametrize("write", WRITES, ids=str)
def test_a_write_about_the_reader_shows_on_their_next_page(served, write):
    first, write_it, shows = WRITES[write]
    reader = resident(served)
    first(served, reader)
    reader[2].get(GOAL)  # the message after it, if any
    before = html_of(from_card(served, reader[2]))
    assert not shows(before, reader)
    write_it(served, reader)
    for _ in range(4):  # whether the portal answers (a message to show) or their card
        page = html_of(reader[2].get(GOAL))
        assert shows(page, reader), write


def test_a_session_ended_opens_nothing_from_its_card(served):
    reader = resident(served)
    from_card(served, reader[2])
    replayed = served.test_client()
    name = served.config["SESSION_COOKIE_NAME"]
    replayed.set_cookie(name, reader[2].get_cookie(name).value)
    assert reader[2].post("/salir").status_code == 302
    page = html_of(replayed.get(GOAL))
    assert reader[1] not in page and 'href="/entrar"' in page


def test_committees_changed_show_on_the_members_next_page(served):
    from portal.services.accounts import update_account

    with served.app_context():
        overseeing = db.session.scalar(select(Committee.code).where(
            Committee.municipality_id.is_(None),
            Committee.objectives.any(Objective.code == "S7")))
        other = db.session.scalar(select(Committee.code).where(
            Committee.municipality_id.is_(None), Committee.code != overseeing))
    member = resident(served, "moderator", [other])
    form = f'action="{GOAL}/observaciones#observation-errors"'
    assert form not in html_of(from_card(served, member[2]))
    from portal.services.accounts import create_user

    with served.app_context():
        actor = create_user(f"admin.cards{next(numbers)}@example.org", "Admin", "admin",
                            PASSWORDS["admin"])
        user = db.session.get(User, member[0])
        assert update_account(actor, user, "moderator", [other, overseeing])
        db.session.commit()
    assert form in html_of(member[2].get(GOAL))
    assert form in html_of(from_card(served, member[2]))


def test_a_write_told_to_thousands_of_readers_bumps_each_ones_version(served):
    """A report told to every follower of a goal bumps as many versions, in statements of
    a size both databases bind."""
    from models import CacheVersion
    from models.cache import note_readers, reader_scope

    readers = range(10_000_000, 10_000_000 + 25_000)
    with served.app_context():
        note_readers(db.session, readers)
        db.session.commit()
        bumped = db.session.scalar(select(func.count()).select_from(CacheVersion).where(
            CacheVersion.scope.in_([reader_scope(reader) for reader in readers])))
        mirrored = served.extensions["version_mirror"].read([reader_scope(readers[-1])])
    assert bumped == len(readers) and mirrored == [1]


def test_a_savepoint_bumps_nothing_before_the_transaction_around_it_commits(served):
    """A savepoint released (a session's use noted, say) is no commit: a version mirrored
    then would name data not yet committed, and its row, held locked by a request that goes
    on, would stop a renewal of the mirror's trust that the same request asks for."""
    from models import CacheVersion
    from models.cache import note_readers, reader_scope

    released, rolled_back = 20_000_001, 20_000_002
    kept = served.extensions["version_mirror"]
    with served.app_context():
        note_readers(db.session, [rolled_back])  # noted before a savepoint that fails
        try:
            with db.session.begin_nested():
                raise RuntimeError("the savepoint fails")
        except RuntimeError:
            pass
        with db.session.begin_nested():
            note_readers(db.session, [released])
        with db.engine.connect() as other:
            seen = other.scalar(select(func.count()).select_from(CacheVersion).where(
                CacheVersion.scope == reader_scope(released)))
        assert seen == 0 and kept.read([reader_scope(released)]) == [None]
        db.session.commit()
    assert kept.read([reader_scope(released), reader_scope(rolled_back)]) == [1, 1]
