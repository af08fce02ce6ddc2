"""The national open data, built in the background: each file's latest build."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class DatasetFile(db.Model):
    """The latest build of a national dataset in one format: its body kept compressed with
    gzip in the file store (``portal.storage``), named by its content."""

    __tablename__ = "dataset_file"
    __table_args__ = (UniqueConstraint("name", "extension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    extension: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(String(200))
    # The body as sent uncompressed: its size in bytes, and its rows.
    size: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
