"""A real worker process killed (SIGKILL) in the middle of a job leaves nothing half done:
the job's writes were never committed, its outbox entry waits, and the next worker does the
work once."""
import os
import signal
import subprocess
import sys
import time
import uuid

import flask_migrate
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

import config
from app import create_app
from models import Follow, Notification, OutboxEntry, db
from models.base import utcnow
from portal import jobs
from portal.importers import parse_plan_file
from portal.services.accounts import create_user
from portal.services.plan import goal_by_code, import_plan
from portal.services.reports import clean_report, publish
from tests.conftest import PASSWORDS, PLAN_FILE, ROOT, TEST_REDIS_URL, redis_or_skip
from tests.live import drop_scratch_database, free_port, scratch_database

FOLLOWERS = 3
# A Redis database of the test's own: the worker process listens on the portal's queue.
WORKER_REDIS_URL = TEST_REDIS_URL.rsplit("/", 1)[0] + "/13"


@pytest.fixture
def scratch(database_url, tmp_path):
    if not database_url.startswith("postgres"):
        pytest.skip("a lock held across processes, and seen held: PostgreSQL")
    redis = redis_or_skip().Redis.from_url(WORKER_REDIS_URL)
    redis.flushdb()
    name = f"worker_{uuid.uuid4().hex[:12]}"
    url = scratch_database(database_url, tmp_path, name)
    yield url, name
    redis.flushdb()
    drop_scratch_database(database_url, name)


def published_with_redis_away(url):
    """Residents follow S7.6 and an official publishes on it while Redis is away: the
    fan-outs wait in the outbox. Returns the followers' ids."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=config.database_url(url),
                     JOBS_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    with app.app_context():
        flask_migrate.upgrade()
        import_plan(parse_plan_file(PLAN_FILE))
        goal = goal_by_code("S7.6")
        official = create_user("oficina@example.org", "Oficina", "official",
                               PASSWORDS["official"])
        followers = [create_user(f"vecino{n}@example.org", f"Vecino {n}", "resident",
                                 PASSWORDS["resident"]) for n in range(FOLLOWERS)]
        db.session.flush()
        db.session.add_all(Follow(user_id=user.id, kind="goal", target_id=goal.id,
                                  created_at=utcnow()) for user in followers)
        content, errors = clean_report({"status": "en_ejecucion", "progress_pct": "30",
                                        "narrative": "Obra en curso."}, goal)
        assert not errors
        publish(official, goal, "2021-T3", content)
        jobs.commit()
        ids = [user.id for user in followers]
        assert db.session.scalar(select(func.count()).select_from(OutboxEntry)) == 2
        db.session.remove()
        db.engine.dispose()
    return ids


def worker(url, *arguments):
    environment = os.environ | {"DATABASE_URL": url, "REDIS_URL": WORKER_REDIS_URL,
                                "PORTAL_CONFIG": "development", "PORTAL_JOBS_RELAY_AFTER": "0"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker",
                             *arguments], cwd=ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_a_blocked_insert(engine, name, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :name"
                    " AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO notification%'"),
                    {"name": name}):
                return
        time.sleep(0.2)
    pytest.fail("the worker never reached the job's writes")


def wait_until_its_connections_are_gone(engine, name, seconds=60):
    """A backend whose client was killed ends its transaction, rolled back, once it next
    speaks to it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if not connection.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :name"
                    " AND pid <> pg_backend_pid()"), {"name": name}):
                return
        time.sleep(0.2)
    pytest.fail("the killed worker's connection stayed open")


def test_a_worker_killed_mid_job_leaves_nothing_half_done_and_the_next_does_it_once(scratch):
    url, name = scratch
    follower_ids = published_with_redis_away(url)
    engine = create_engine(config.database_url(url), poolclass=NullPool)
    holder = engine.connect()
    transaction = holder.begin()
    # The job's INSERT waits on this lock, so the worker is killed in the middle of it.
    holder.execute(text("LOCK TABLE notification IN SHARE ROW EXCLUSIVE MODE"))
    first = worker(url, "--burst")
    try:
        wait_for_a_blocked_insert(engine, name)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        transaction.rollback()
        holder.close()
    wait_until_its_connections_are_gone(engine, name)

    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Notification)) == 0
        assert connection.scalar(select(func.count()).select_from(OutboxEntry)) == 2

    assert worker(url, "--burst").wait(timeout=120) == 0  # relays what waits, does it
    assert worker(url, "--burst").wait(timeout=120) == 0  # and finds nothing left to do
    with engine.connect() as connection:
        told = connection.execute(
            select(Notification.user_id, Notification.event, func.count())
            .group_by(Notification.user_id, Notification.event)).all()
        assert sorted(told) == sorted((user_id, event, 1) for user_id in follower_ids
                                      for event in ("report_published", "status_changed"))
        assert connection.scalar(select(func.count()).select_from(OutboxEntry)) == 0
    engine.dispose()
