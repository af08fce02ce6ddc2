"""Publishing a report to many followers, and the worker's sending rate.

Measured in process against a bench database: the time an official's publication takes
(the service and its commit, which puts the fan-out on the queue) on a goal nobody follows
and on one 10,000 residents follow, interleaved; then the worker's fan-out of one report to
those 10,000, and the e-mails it sends into an SMTP sink on 127.0.0.1.
"""
import statistics
import time
from datetime import datetime, timezone

FOLLOWED, UNFOLLOWED = "S1.1", "E1.1"
FOLLOWERS = 10_000
EMAILED = 500  # of the followers, those who want reports corrected at once
ROUNDS = 15


class Sink:
    """An SMTP server that counts what it is given and keeps nothing."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _followers(goal_id):
    from sqlalchemy import insert

    from models import Follow, NotificationSetting, User, db
    now = datetime.now(timezone.utc)
    first = db.session.execute(insert(User).returning(User.id), [
        {"email": f"seguidor{n}@bench.example.org", "_display_name": f"Seguidor {n}",
         "role": "resident", "password_hash": "-", "confirmed_at": now, "created_at": now}
        for n in range(FOLLOWERS)]).scalars().all()
    db.session.execute(insert(Follow), [
        {"user_id": user_id, "kind": "goal", "target_id": goal_id, "created_at": now}
        for user_id in first])
    db.session.execute(insert(NotificationSetting), [
        {"user_id": user_id, "event": "report_corrected", "cadence": "now"}
        for user_id in first[:EMAILED]])
    db.session.commit()


def _publish(official, goal, number):
    """Correct the goal's first report: new figures, a reason; then commit."""
    from models import db
    from portal.services.reports import clean_report, publish

    content, errors = clean_report({"status": "en_ejecucion", "progress_pct": f"{number % 90}.5",
                                    "narrative": f"Corrección de prueba {number}."}, goal)
    assert not errors, errors
    started = time.perf_counter()
    publish(official, goal, "2019-T1", content, reason=f"Cifra revisada {number}")
    db.session.commit()
    return time.perf_counter() - started


def measure(database_url, redis_url, smtp_port):
    from aiosmtpd.controller import Controller
    from rq import SimpleWorker
    from sqlalchemy import func, select

    import config
    from app import create_app
    from models import Goal, Notification, User, db
    from portal import jobs
    from portal.services.plan import goal_by_code

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    app = create_app("production", SECRET_KEY="x" * 40, FORCE_HTTPS=False,
                     SQLALCHEMY_DATABASE_URI=config.database_url(database_url),
                     JOBS_REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url,
                     CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url, MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=smtp_port,
                     MAIL_USE_TLS=False, MAIL_SUPPRESS_SEND=False,
                     PORTAL_URL="https://rendicion.example.pe")
    try:
        with app.app_context():
            portal_queue = jobs.queue()
            portal_queue.empty()
            official = db.session.scalar(select(User).where(User.role == "official"))
            followed, unfollowed = goal_by_code(FOLLOWED), goal_by_code(UNFOLLOWED)
            _followers(followed.id)
            times = {FOLLOWED: [], UNFOLLOWED: []}
            for number in range(ROUNDS):
                for code in (UNFOLLOWED, FOLLOWED):
                    goal = db.session.scalar(select(Goal).where(Goal.code == code))
                    times[code].append(_publish(official, goal, number * 2 + (code == FOLLOWED)))
            portal_queue.empty()  # the timing rounds' fan-outs are not the point here

            _publish(official, db.session.scalar(select(Goal).where(Goal.code == FOLLOWED)),
                     ROUNDS * 2 + 1)
            worker = SimpleWorker([portal_queue], connection=portal_queue.connection)
            started = time.perf_counter()
            worker.work(burst=True, max_jobs=1, logging_level="WARNING")  # the fan-out, which queues the e-mails
            fan_out = time.perf_counter() - started
            told = db.session.scalar(select(func.count()).select_from(Notification))
            queued = portal_queue.count
            started = time.perf_counter()
            worker.work(burst=True, logging_level="WARNING")
            sending = time.perf_counter() - started
    finally:
        controller.stop()
    return {
        "publish_none": statistics.median(times[UNFOLLOWED]),
        "publish_followed": statistics.median(times[FOLLOWED]),
        "fan_out_seconds": fan_out, "told": told, "emails_queued": queued,
        "emails_sent": sink.count, "sending_seconds": sending,
    }
