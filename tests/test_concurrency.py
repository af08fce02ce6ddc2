"""Two ratings by the same resident arriving at once leave exactly one (PostgreSQL)."""
import threading

import pytest
from sqlalchemy import delete, func, select

from models import Rating, User, UserSession, db
from portal.extensions import limiter
from portal.services.accounts import create_user
from tests.conftest import PASSWORDS


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
