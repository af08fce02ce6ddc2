"""Work a committed change asked for, recorded in the change's own transaction."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class OutboxEntry(db.Model):
    """One job to run once the transaction that recorded it has committed: the job's
    dotted name and its plain arguments. The worker's relay carries it to the queue; the job
    deletes it in the transaction of its own writes, so it is done once, whatever happened
    to the queue or to a worker meanwhile."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(200))
    arguments: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the relay last put it on the queue, and how many times: a job found waiting
    # that long was lost with a queue server, or keeps failing, and is put on it again.
    relayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    relays: Mapped[int] = mapped_column(Integer, default=0)
