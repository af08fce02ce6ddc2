"""Background work: an RQ queue on the local Redis, its jobs, and when they are queued.

A request never waits for fan-out or e-mail: the operation that causes them asks for a job
with ``later``, and the job is put on the queue once the request's transaction has
committed, so the worker sees what it is about. Jobs take plain ids, never ORM objects,
and are written to be run again safely. Without ``REDIS_URL`` (development) there is no
worker: jobs run in the request's own transaction, just before it commits.

The worker is a command (``flask --app app worker``, in ``portal.cli``).
"""
from functools import wraps

from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry

from models import db

QUEUE = "portal"
# A failed job is tried again after these many seconds, then kept among the failed jobs.
RETRY_INTERVALS = [10, 60, 300, 900, 3600]


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
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    run.operation = function
    return run


def later(job_function, *args):
    """Run ``job_function(*args)`` once this transaction has committed."""
    db.session.info.setdefault("jobs", []).append((job_function, args))


def _run_inline_before_commit(session):
    if not (session.info.get("jobs") and has_app_context() and queue() is None):
        return
    while session.info.get("jobs"):  # a job may ask for more (a fan-out, its e-mails)
        for job_function, args in session.info.pop("jobs"):
            job_function.operation(*args)
    session.flush()


def _enqueue_after_commit(session):
    jobs = session.info.pop("jobs", None)
    if jobs:
        portal_queue = queue()
        for job_function, args in jobs:
            portal_queue.enqueue(job_function, *args,
                                 retry=Retry(max=len(RETRY_INTERVALS),
                                             interval=RETRY_INTERVALS))


def _forget_after_rollback(session, _previous_transaction):
    session.info.pop("jobs", None)


# What the jobs do around a commit (``portal.transactions.around_commits`` orders them).
COMMIT_LISTENERS = {"before_commit": _run_inline_before_commit,
                    "after_commit": _enqueue_after_commit,
                    "after_soft_rollback": _forget_after_rollback}
