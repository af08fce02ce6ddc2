"""Work a change asks for is recorded with the change and done once: without Redis right
after the commit, with Redis by a worker, and after Redis was away by the worker's relay."""
import logging
from datetime import timedelta

from sqlalchemy import func, select

from models import Follow, OutboxEntry, db
from models.base import utcnow
from portal import jobs
from portal.jobs import job, later
from tests.live import free_port
from tests.test_email import mailing_app, smtp  # noqa: F401
from tests.test_notifications import publish, queued_app, run_worker, told  # noqa: F401
from tests.test_thread import browser

DONE = []


@job
def remember(value):
    """A job that notes what it saw: its value and how many follows were committed."""
    DONE.append((value, db.session.scalar(select(func.count()).select_from(Follow))))


@job
def fail(_value):
    raise RuntimeError("the job failed")


def waiting(app):
    with app.app_context():
        return db.session.scalars(select(OutboxEntry.job).order_by(OutboxEntry.id)).all()


def follow_s76(user_id):
    db.session.add(Follow(user_id=user_id, kind="goal", target_id=1, created_at=utcnow()))


def test_without_redis_a_job_runs_after_the_commit_in_a_transaction_of_its_own(app, make_user):
    DONE.clear()
    user_id, _ = make_user()
    with app.app_context():
        follow_s76(user_id)
        later(remember, "seguido")
        db.session.flush()
        assert DONE == []  # recorded, not run: the change is not committed yet
        jobs.commit()
    assert DONE == [("seguido", 1)]  # it saw the committed follow
    assert waiting(app) == []


def test_a_rolled_back_change_asks_for_nothing(app, make_user):
    DONE.clear()
    user_id, _ = make_user()
    with app.app_context():
        follow_s76(user_id)
        later(remember, "deshecho")
        db.session.flush()
        db.session.rollback()
        jobs.commit()
    assert DONE == [] and waiting(app) == []


def test_a_failing_job_leaves_the_change_committed_and_waits(app, make_user, caplog):
    user_id, _ = make_user()
    with app.app_context(), caplog.at_level(logging.ERROR):
        follow_s76(user_id)
        later(fail, 1)
        jobs.commit()
    assert "the job failed" in caplog.text
    assert waiting(app) == ["tests.test_outbox:fail"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Follow)) == 1


def test_a_recorded_job_run_twice_is_done_once(queued_app, make_user):
    DONE.clear()
    with queued_app.app_context():
        later(remember, "una vez")
        jobs.commit()
        [entry_id] = db.session.scalars(select(OutboxEntry.id)).all()
        jobs.run_recorded(entry_id)
        jobs.run_recorded(entry_id)
    assert DONE == [("una vez", 0)] and waiting(queued_app) == []


def test_with_redis_away_at_the_commit_followers_are_told_once_it_is_back(
        mailing_app, smtp, make_user):
    app = mailing_app
    weekly, at_once = make_user(), make_user()
    for follower in (weekly, at_once):
        browser(app, follower, "resident").post("/seguir/goal/S7.6")
    with app.app_context():
        from portal.services.notifications import set_cadence
        set_cadence(at_once[0], "report_published", "now")
        db.session.commit()
    official = browser(app, make_user("official"), "official")
    redis_url = app.config["JOBS_REDIS_URL"]
    app.config["JOBS_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/15"  # nobody listens
    try:
        publish(app, official)  # the report is published all the same
    finally:
        app.config["JOBS_REDIS_URL"] = redis_url
    assert len(waiting(app)) == 2  # its fan-out, and the change of status
    run_worker(app)
    assert told(app, weekly) == []  # nothing reached the queue

    runner = app.test_cli_runner()
    app.config["JOBS_RELAY_AFTER"] = 0
    try:
        assert runner.invoke(args=["worker", "--burst"]).exit_code == 0  # relays, then works
        assert runner.invoke(args=["worker", "--burst"]).exit_code == 0  # nothing twice
    finally:
        app.config["JOBS_RELAY_AFTER"] = 30
    for follower in (weekly, at_once):
        assert told(app, follower) == ["report_published", "status_changed"]
    [(recipients, message)] = smtp.inbox.messages
    assert recipients == [at_once[1]] and "2021-T3" in message["Subject"]
    assert waiting(app) == []


def test_the_relay_backs_off_a_job_that_keeps_waiting(queued_app):
    with queued_app.app_context():
        later(remember, "perdido")
        db.session.commit()
        start = utcnow()
        assert jobs.relay(start) == 0  # just recorded: its own commit queued it
        assert jobs.relay(start + timedelta(seconds=30)) == 1
        assert jobs.relay(start + timedelta(seconds=59)) == 0
        assert jobs.relay(start + timedelta(seconds=90)) == 1  # 30 s, then 60 s, …
        entry = db.session.scalar(select(OutboxEntry))
        assert entry.relays == 2
