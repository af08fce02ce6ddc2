"""Background work: an RQ queue on the local Redis, its jobs, and when they run.

A request never waits for fan-out or e-mail: the operation that causes them asks for a job
with ``later``, which records it in the outbox within the request's own transaction, so the
work is asked for exactly when the change is committed. Once committed, each recorded job is
put on the queue; if Redis is away at that moment, the worker's relay (``relay``) puts it
there when Redis is back. A job deletes its entry in the transaction of its own writes, so
its work is done once however many times it was queued, and a worker killed in the middle
leaves the entry for the next. Jobs take plain ids, never ORM objects.

Without ``REDIS_URL`` (development) there is no worker: ``commit`` runs the recorded jobs
once the transaction that recorded them has committed, each in a transaction of its own, as
the worker would.

The worker is a command (``flask --app app worker``, in ``portal.commands``).
"""
import importlib
import json
from datetime import timedelta
from functools import wraps

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import func, inspect, select

from models import OutboxEntry, db
from models.base import aware, utcnow

QUEUE = "portal"
# A failed job is tried again after these many seconds, then kept among the failed jobs.
RETRY_INTERVALS = [10, 60, 300, 900, 3600]
# A recorded job still waiting JOBS_RELAY_AFTER seconds after it was last put on the queue
# was lost with the queue (Redis away at the commit, or restarted empty) or keeps failing:
# the relay puts it on again, waiting twice as long each time, never longer than this.
RELAY_AT_MOST = timedelta(hours=1)
RELAY_BATCH = 500


def queue():
    """The portal's queue, or None when no Redis is configured."""
    url = current_app.config.get("JOBS_REDIS_URL")
    return Queue(QUEUE, connection=Redis.from_url(url)) if url else None


def job(function):
    """A unit of work of the worker: it runs in the app, and commits once, or rolls back."""
    @wraps(function)
    def run(*args):
        try:
            function(*args)
            commit()
        except Exception:
            db.session.rollback()
            raise
    run.operation = function
    return run


def later(job_function, *args):
    """Run ``job_function(*args)`` once this transaction has committed, and only then."""
    entry = OutboxEntry(job=f"{job_function.__module__}:{job_function.__qualname__}",
                        arguments=json.dumps(args))
    db.session.add(entry)
    db.session.info.setdefault("recorded", []).append(entry)


def commit():
    """Commit the session; without a queue, then run the jobs it recorded, each in a
    transaction of its own, and those they record in turn."""
    db.session.commit()
    while db.session.info.pop("run_here", False):
        for entry_id in db.session.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id)).all():
            try:
                run_recorded(entry_id)
            except Exception:  # as with a worker: the change stays, the job waits its turn
                current_app.logger.exception("Job %s failed; it stays in the outbox", entry_id)


def run_recorded(entry_id):
    """The job recorded as outbox entry ``entry_id``, done and its entry deleted in one
    transaction; an entry already deleted was done, and is not done again."""
    try:
        entry = db.session.get(OutboxEntry, entry_id, with_for_update=True)
        if entry is not None:
            module, name = entry.job.split(":")
            getattr(importlib.import_module(module), name).operation(*json.loads(entry.arguments))
            db.session.delete(entry)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _put_on(portal_queue, entry_id):
    portal_queue.enqueue(run_recorded, entry_id,
                         retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))


def relay(now=None):
    """Put on the queue again the recorded jobs waiting longer than they should; the
    worker calls it between jobs. Returns how many it put on."""
    now = now or utcnow()
    after = timedelta(seconds=current_app.config["JOBS_RELAY_AFTER"])
    waited = func.coalesce(OutboxEntry.relayed_at, OutboxEntry.created_at)
    waiting = db.session.scalars(
        select(OutboxEntry).where(waited <= now - after).order_by(OutboxEntry.id)
        .limit(RELAY_BATCH).with_for_update(skip_locked=True)).all()
    due = [entry for entry in waiting
           if aware(entry.relayed_at or entry.created_at)
           <= now - min(after * 2 ** entry.relays, RELAY_AT_MOST)]
    portal_queue = queue()
    for entry in due:
        _put_on(portal_queue, entry.id)
        entry.relayed_at, entry.relays = now, entry.relays + 1
    db.session.commit()
    return len(due)


def _queue_after_commit(session):
    recorded = session.info.pop("recorded", None)
    # An entry a rolled-back savepoint took away has no identity any more.
    ids = [inspect(entry).identity[0] for entry in recorded or ()
           if inspect(entry).has_identity]
    if not ids or not has_app_context():
        return
    portal_queue = queue()
    if portal_queue is None:
        session.info["run_here"] = True
        return
    try:
        for entry_id in ids:
            _put_on(portal_queue, entry_id)
    except RedisError:  # recorded: the relay puts them on the queue once Redis is back
        current_app.logger.warning("Queue unavailable: %d jobs wait for the relay", len(ids),
                                   exc_info=True)


def _forget_after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop("recorded", None)


# What the jobs do around a commit (``portal.transactions.around_commits`` orders them).
COMMIT_LISTENERS = {"after_commit": _queue_after_commit,
                    "after_soft_rollback": _forget_after_rollback}
