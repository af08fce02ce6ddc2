"""Forms already sent: a form sent twice (a double click, back and send again) acts once."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class Submission(db.Model):
    """One sending of one form by one person, and the page its result is on."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("user_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # Drawn when the form was shown, and sent back with it.
    token: Mapped[str] = mapped_column(String(64))
    result_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
