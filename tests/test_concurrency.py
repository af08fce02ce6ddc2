"""Many people at once against a live server: nothing fails, nothing is lost, nothing doubles."""
import threading
import uuid

import pytest
from sqlalchemy import delete, func, select

from models import Comment, Rating, User, UserSession, db
from portal.extensions import limiter
from portal.services.accounts import create_user
from tests.conftest import PASSWORDS, build_app
from tests.live import Visitor, drop_scratch_database, scratch_database, serving

WRITERS = 20
GOALS = ("S7.6", "S1.1", "I3.1")


@pytest.fixture
def busy_portal(database_url, tmp_path):
    """A portal of its own, served live, with 20 residents; posting limits out of the way."""
    name = f"live_{uuid.uuid4().hex[:12]}"
    url = scratch_database(database_url, tmp_path, name)
    app = build_app(url, COMMENT_LIMIT="1000 per minute", SIGN_IN_LIMIT="1000 per minute")
    with app.app_context():
        emails = [create_user(f"vecina{n}@example.org", f"Vecina {n}", "resident",
                              PASSWORDS["resident"]).email for n in range(WRITERS)]
        db.session.commit()
    with serving(app) as base:
        yield app, base, emails
    with app.app_context():
        db.engine.dispose()
    drop_scratch_database(database_url, name)


def run_at_once(work, count):
    start = threading.Barrier(count)
    errors = []

    def run(number):
        start.wait()
        try:
            work(number)
        except Exception as error:  # a thread's failure must fail the test, not vanish
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_twenty_residents_sign_in_comment_and_rate_at_once(busy_portal):
    app, base, emails = busy_portal
    visitors = [Visitor(base) for _ in emails]

    def work(number):
        visitor, goal = visitors[number], GOALS[number % len(GOALS)]
        visitor.post("/entrar", {"email": emails[number], "password": PASSWORDS["resident"]})
        visitor.post(f"/metas/{goal}/comentarios",
                     {"body": f"Comentario simultáneo {number}.", "stars": str(number % 5 + 1)})
        visitor.post(f"/metas/{goal}/calificacion", {"stars": str((number + 2) % 5 + 1)})

    run_at_once(work, WRITERS)
    answers = [answer for visitor in visitors for answer in visitor.answers]
    assert [answer for answer in answers if answer[1] != 200] == []
    with app.app_context():
        bodies = db.session.scalars(select(Comment.body)).all()
        assert sorted(bodies) == sorted(f"Comentario simultáneo {n}." for n in range(WRITERS))
        assert db.session.scalar(select(func.count()).select_from(Rating)) == WRITERS
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == WRITERS
        for number, email in enumerate(emails):
            user = db.session.scalar(select(User).where(User.email == email))
            stars = db.session.scalar(select(Rating.stars).where(Rating.user_id == user.id))
            assert stars == (number + 2) % 5 + 1


def test_a_form_sent_twice_at_the_same_instant_acts_once(busy_portal):
    """A double click: both sendings arrive together; one comment, both shown the result."""
    app, base, emails = busy_portal
    resident = Visitor(base)
    resident.post("/entrar", {"email": emails[0], "password": PASSWORDS["resident"]})
    pages = []

    def send(_number):
        pages.append(resident.post("/metas/S7.6/comentarios", {
            "body": "Doble clic simultáneo.", "once": "same-form-at-once-0001"}))

    for _round in range(3):  # the instant is not ours to choose: try a few times
        run_at_once(send, 2)
    assert [status for status, _page in pages] == [200] * 6
    assert all("Doble clic simultáneo." in page for _status, page in pages)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


@pytest.fixture
def committed_resident(migrated_app, database_url):
    """A resident committed for real: concurrent requests need their own connections."""
    if not database_url.startswith("postgres"):
        pytest.skip("the concurrency of ratings is checked on PostgreSQL")
    with migrated_app.app_context():
        user = create_user("concurrente@example.org", "Vecina Concurrente", "resident",
                           PASSWORDS["resident"])
        db.session.commit()
        user_id = user.id
    yield user_id
    with migrated_app.app_context():
        db.session.execute(delete(Rating).where(Rating.user_id == user_id))
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()


def test_concurrent_ratings_by_one_resident_leave_one(migrated_app, committed_resident):
    client = migrated_app.test_client()
    client.post("/entrar", data={"email": "concurrente@example.org",
                                 "password": PASSWORDS["resident"]})
    cookie = client.get_cookie("session").value
    limiter.reset()
    start = threading.Barrier(5)  # the posting limit allows 5 a minute
    answers = []

    def rate(stars):
        browser = migrated_app.test_client()
        browser.set_cookie("session", cookie)
        start.wait()
        answers.append(browser.post("/metas/S7.6/calificacion",
                                    data={"stars": str(stars)}).status_code)

    threads = [threading.Thread(target=rate, args=(n + 1,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [302] * 5
    with migrated_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating).where(
            Rating.user_id == committed_resident)) == 1
