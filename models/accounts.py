"""People, their server-side sessions, vigilance committees and the audit log."""
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, String, Table,
                        Text, false)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, one_of, unique_in_municipality, utcnow

# Roles, from least to most trusted; defined once, used by forms, permissions and tests.
ROLES = ("resident", "moderator", "official", "admin")


committee_member = Table(
    "committee_member",
    db.metadata,
    Column("committee_id", ForeignKey("committee.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)

committee_objective = Table(
    "committee_objective",
    db.metadata,
    Column("committee_id", ForeignKey("committee.id", ondelete="CASCADE"), primary_key=True),
    Column("objective_id", ForeignKey("objective.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    _display_name: Mapped[str] = mapped_column("display_name", String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="resident")
    # The municipality a staff account (office, admin, committee) serves: None for the
    # municipality first published, as its plans' addresses carry none. A resident's
    # account is national: it has none.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"),
                                                        index=True)
    registered: Mapped["Municipality | None"] = relationship()  # noqa: F821
    # An admin of the national portal, of no municipality: gives each its first admin.
    national: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Erased by its owner (Ley 29733): no e-mail, no name, no way back. What the person
    # left on the record stays, signed as a deleted account.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The language the person last used the portal in: what e-mails are written in.
    language: Mapped[str | None] = mapped_column(String(8))
    # Second factor (TOTP), required of officials and admins.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last time step accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None]

    committees: Mapped[list["Committee"]] = relationship(
        secondary=committee_member, back_populates="members", order_by="Committee.code")

    # Flask-Login: the id in the cookie is the server-side session's token, not the user's.
    session_token = None
    is_authenticated = True
    is_anonymous = False

    @hybrid_property
    def display_name(self):
        """The name shown with what the person wrote; an erased account has none left."""
        return gettext("Deleted account") if self.erased_at is not None else self._display_name

    @display_name.inplace.setter
    def _display_name_setter(self, name):
        self._display_name = name

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return cls._display_name

    @property
    def is_active(self):
        """Only a confirmed address that no admin has deactivated may sign in."""
        return (self.confirmed_at is not None and self.deactivated_at is None
                and self.erased_at is None)

    def get_id(self):
        return self.session_token


class RecoveryCode(db.Model):
    """A single-use code that replaces the second factor once; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSession(db.Model):
    """A signed-in browser. Signing out deletes it, so a replayed cookie opens nothing."""

    __tablename__ = "user_session"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class Committee(db.Model):
    """A vigilance committee (COPALE, CODISEC, …) overseeing some objectives of the plan."""

    __tablename__ = "committee"
    # Its code is unique in its municipality.
    __table_args__ = unique_in_municipality("committee", "code")

    id: Mapped[int] = mapped_column(primary_key=True)
    # The municipality it watches: None for the one first published, as its plans'
    # addresses carry none.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"),
                                                        index=True)
    code: Mapped[str] = mapped_column(String(16))
    registered: Mapped["Municipality | None"] = relationship()  # noqa: F821
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)

    members: Mapped[list[User]] = relationship(
        secondary=committee_member, back_populates="committees",
        order_by="User.display_name")
    objectives: Mapped[list["Objective"]] = relationship(  # noqa: F821
        secondary=committee_objective, order_by="Objective.id")


class AuditEntry(db.Model):
    """What an admin did, to whom, and when; admins can read it, nobody can change it."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The municipality whose log it is on, its admin's: None for the one first published.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"),
                                                        index=True)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()
